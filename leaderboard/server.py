"""The HTTP server: the Gradio UI mounted next to a token-guarded publishing API.

The UI writes no scores; its Submit tab only queues evaluation requests (``--no-submit`` removes the tab).

``POST /api/publish`` takes ``{"files": {"results_<ts>.json": "...", "samples_<task>_<ts>.jsonl": "..."},
"overrides": {"name": ..., "model_type": ..., ...}}`` with ``Authorization: Bearer $NEARCODER_PUBLISH_TOKEN``.
Without a configured token the route refuses every request, so a viewer-only deployment receives no
scores.
"""

from __future__ import annotations

import hmac
import re
import tempfile
from pathlib import Path

from fastapi import FastAPI, Header, HTTPException
from pydantic import BaseModel, Field

from nearcoder.leaderboard.publish import ModelOverrides, publish
from nearcoder.leaderboard.read_results import ResultsError

_ALLOWED = re.compile(r"^(results_[\w.:\-]+\.json|samples_[\w.:\-]+\.jsonl)$")


class PublishRequest(BaseModel):
    files: dict[str, str] = Field(..., description="file name -> content of an lm-eval output directory")
    overrides: dict[str, str | int | None] = Field(default_factory=dict)


def create_server(db_url: str, token: str | None, submissions: bool = True) -> FastAPI:
    import gradio as gr

    from nearcoder.leaderboard.app import build_app
    from nearcoder.leaderboard.display.formatting import CSS
    from nearcoder.leaderboard.store.engine import get_engine

    get_engine(db_url)  # create tables before the first viewer arrives
    api = FastAPI(title="NEARCoder leaderboard", docs_url=None, redoc_url=None)

    @api.get("/api/health")
    def health() -> dict:
        return {"ok": True, "publishing": token is not None}

    @api.post("/api/publish")
    def publish_route(body: PublishRequest, authorization: str | None = Header(default=None)) -> dict:
        if token is None:
            raise HTTPException(403, "publishing over HTTP is disabled: the server has no NEARCODER_PUBLISH_TOKEN")
        sent = (authorization or "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(sent.encode(), token.encode()):
            raise HTTPException(401, "missing or wrong publish token")
        bad = [name for name in body.files if not _ALLOWED.match(name)]
        if bad:
            raise HTTPException(422, f"only results_*.json and samples_*.jsonl may be sent, got {bad}")
        if not any(name.startswith("results_") for name in body.files):
            raise HTTPException(422, "no results_*.json in the request")
        try:
            overrides = ModelOverrides(**body.overrides)
        except (TypeError, ValueError) as exc:
            raise HTTPException(422, f"bad overrides: {exc}") from exc
        with tempfile.TemporaryDirectory(prefix="nearcoder-publish-") as tmp:
            for name, text in body.files.items():
                (Path(tmp) / name).write_text(text, encoding="utf-8")
            try:
                report = publish(db_url, [Path(tmp)], overrides)
            except ResultsError as exc:
                raise HTTPException(422, str(exc).replace(tmp, "<upload>")) from exc
        return {"added": len(report.added), "unchanged": len(report.unchanged), "samples": report.samples,
                "models": sorted(set(report.models))}

    return gr.mount_gradio_app(api, build_app(db_url, submissions), path="/", css=CSS, footer_links=[])
