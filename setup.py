"""Maps the fixed top-level folders onto one import package, ``nearcoder``.

``harness/`` installs as ``nearcoder.harness``, ``tasks/`` as ``nearcoder.tasks`` and so on, so nothing
with a generic name lands in site-packages. Sub-folders are found automatically (namespace-style, so data
folders such as ``tasks/near_questions/data`` ship too) and every non-Python file under them is package data.
"""

from setuptools import find_namespace_packages, setup

TOP_LEVEL = ["harness", "tasks", "trainers", "sandboxes", "leaderboard"]
DATA_PATTERNS = ["*.yaml", "*.yml", "*.json", "*.jsonl", "*.md", "*.txt", "*.toml", "*.rs", "*.js", "*.ts",
                 "*.sh", "*.css", "*.tsv", "*.lock", "Dockerfile", "Dockerfile.*", "*.cfg", "*.tmpl", "*.mako", "*.ini"]

# the top: the CLI, selftest, the demo model (and its demo_corpus/)
packages = ["nearcoder", *(f"nearcoder.{s}" for s in find_namespace_packages("nearcoder", exclude=["*__pycache__*"]))]
package_dir = {"nearcoder": "nearcoder"}
for top in TOP_LEVEL:
    packages.append(f"nearcoder.{top}")
    package_dir[f"nearcoder.{top}"] = top
    for sub in find_namespace_packages(top, exclude=["*__pycache__*"]):
        packages.append(f"nearcoder.{top}.{sub}")

setup(
    packages=packages,
    package_dir=package_dir,
    package_data={pkg: DATA_PATTERNS for pkg in packages},
    include_package_data=False,
)
