from nearcoder.cli import main

main()
