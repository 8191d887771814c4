"""The harness: the ``nearcoder`` CLI, the bridge to lm-eval, dataset loading and the tiny demo checkpoint."""
