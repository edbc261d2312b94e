"""A small FastAPI app for gunicorn-deploy: a /health route, a JSON endpoint, a WebSocket echo and
a server-sent event stream.

ASGI target: ``main:app``, served with ``worker-class: uvicorn``. Runs on Debian's python3-fastapi
(0.115 on trixie) and python3-uvicorn, with python3-websockets for the WebSocket.

Environment:
  APP_DEBUG  1 turns FastAPI's debug pages on (never in production: verify warns about it).
"""

import asyncio
import os
from pathlib import Path

from fastapi import FastAPI, WebSocket, WebSocketDisconnect
from fastapi.responses import StreamingResponse

ROOT = Path(__file__).resolve().parent


def read_release(root: Path) -> str:
    """The release this code came from (release= or commit= of ROOT/REVISION, written by the deploy)."""
    try:
        text = (root / "REVISION").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return "unknown"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for key in ("release=", "commit="):
        for line in lines:
            if line.startswith(key) and line[len(key) :].strip():
                return line[len(key) :].strip()
    return lines[0] if lines else "unknown"


# Read once per worker: a reload (HUP) starts workers that import the new release.
RELEASE = read_release(ROOT)

app = FastAPI(debug=os.environ.get("APP_DEBUG") == "1")


@app.get("/health")
async def health() -> dict:
    return {"status": "ok", "release": RELEASE, "debug": app.debug}


@app.get("/items/{item_id}")
async def item(item_id: int, q: str | None = None) -> dict:
    return {"id": item_id, "q": q, "release": RELEASE}


@app.websocket("/ws")
async def echo(ws: WebSocket) -> None:
    """Says which release answers, then echoes every text message until the client leaves."""
    await ws.accept()
    await ws.send_json({"release": RELEASE})
    try:
        while True:
            await ws.send_text(await ws.receive_text())
    except WebSocketDisconnect:
        pass


@app.get("/events")
async def events(count: int = 3, every: float = 1.0) -> StreamingResponse:
    """Server-sent events. X-Accel-Buffering: no tells nginx to pass each event on at once."""

    async def stream():
        for n in range(max(1, min(count, 100))):
            yield f"data: {n} {RELEASE}\n\n"
            await asyncio.sleep(max(0.0, min(every, 10.0)))

    return StreamingResponse(stream(), media_type="text/event-stream", headers={"X-Accel-Buffering": "no"})
