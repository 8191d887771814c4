from nearcoder.harness.cli import main

main()
