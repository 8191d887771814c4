"""Builders that turn docs, repositories and code files into the training datasets of the three stages."""
