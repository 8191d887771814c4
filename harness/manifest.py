"""The checkpoint manifest: provenance written next to every checkpoint the project produces.

``nearcoder_manifest.json`` holds the model's name, base model, type (base / fine-tuned / adapter),
training stage, parent checkpoint, parameter count, dataset hashes, config, git commit, training
metrics and whether the training data was contaminated by the eval sets. The leaderboard shows it as provenance; trainers and ``nearcoder demo-model`` write it.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

MANIFEST_NAME = "nearcoder_manifest.json"
MODEL_TYPES = ("base", "fine-tuned", "adapter")
CONTAMINATION = ("clean", "flagged", "unknown")


@dataclass
class Manifest:
    name: str
    base_model: str | None
    model_type: str = "base"
    stage: str = "base"
    parent: str | None = None
    parameters: int | None = None
    datasets: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    git_commit: str | None = None
    # Whether training data overlapped the near_* eval sets: "flagged", "clean" or "unknown".
    contamination: str = "unknown"
    created: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat(timespec="seconds"))

    def __post_init__(self):
        if self.model_type not in MODEL_TYPES:
            raise ValueError(f"model_type must be one of {MODEL_TYPES}, got {self.model_type!r}")
        if self.contamination not in CONTAMINATION:
            raise ValueError(f"contamination must be one of {CONTAMINATION}, got {self.contamination!r}")


def git_commit() -> str | None:
    """The commit of the repository this package runs from, when it runs from a git checkout."""
    try:
        here = Path(__file__).resolve().parent
        out = subprocess.run(["git", "-C", str(here), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5)
        return out.stdout.strip() or None if out.returncode == 0 else None
    except (OSError, subprocess.SubprocessError):
        return None


def write_manifest(directory: str | Path, manifest: Manifest) -> Path:
    path = Path(directory) / MANIFEST_NAME
    if manifest.git_commit is None:
        manifest.git_commit = git_commit()
    path.write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n")
    return path


def read_manifest(directory: str | Path) -> Manifest | None:
    """The manifest of a checkpoint directory, or None when it has none. Malformed files raise ValueError."""
    path = Path(directory) / MANIFEST_NAME
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text())
        return Manifest(**data)
    except (json.JSONDecodeError, TypeError) as exc:
        raise ValueError(f"{path}: not a valid nearcoder manifest ({exc})") from exc
