"""The worker's jobs. The worker runs in its release folder: a job reports which release ran it."""

import os
import time
from pathlib import Path


def release() -> str:
    return Path(os.getcwd()).name


def write(name: str, value: str, seconds: float = 0) -> str:
    time.sleep(seconds)
    folder = Path(os.environ.get("INSTANCE_PATH", ".")) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"{value} {release()}\n")
    return release()
