"""The NEARCoder leaderboard: a SQL store of lm-eval results, a Gradio app over it, and a regression gate.

Layout (after the HF leaderboard template): ``about.py`` holds the prose and the task/metric list,
``envs.py`` the settings, ``display/`` the column declarations and formatting, ``read_results.py`` parses
lm-eval output, ``store/`` the SQLAlchemy models, ``publish.py`` writes runs, ``populate.py`` turns the
store into DataFrames, ``app.py`` assembles the UI, ``gate.py`` decides whether a checkpoint regressed.
"""
