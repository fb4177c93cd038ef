"""Logging to a rotating file in the data folder (the clerk can send it when something goes wrong)."""
from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_FILE_NAME = "desktop_app.log"


def configure_logging(log_dir: Path, level: int = logging.INFO) -> Path:
    path = Path(log_dir) / LOG_FILE_NAME
    root = logging.getLogger()
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return path
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
