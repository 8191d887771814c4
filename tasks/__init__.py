"""lm-eval task folders for NEAR code models; pass this directory to ``lm_eval --include_path``."""
