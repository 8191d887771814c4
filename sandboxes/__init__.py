"""Sandboxes: the one place that runs untrusted, model-written code. See ``sandboxes/README.md``."""
