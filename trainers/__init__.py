"""Data builders and the three training stages (continued pre-training, structure-aware DPO, AST-segment SFT)."""
