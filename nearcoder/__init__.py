"""NEARCoder eval: lm-eval tasks, sandboxes, trainers and a leaderboard for code LLMs that write NEAR dApps.

The fixed top-level folders of the repository install as sub-packages: ``nearcoder.harness``,
``nearcoder.tasks``, ``nearcoder.sandboxes``, ``nearcoder.trainers`` and ``nearcoder.leaderboard``.
"""

__version__ = "0.1.0"
