"""Files replaced whole or not at all: a crash mid-write leaves the previous version."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_text_atomically(path: Path, text: str, *, private: bool = False) -> None:
    """Write `text` to `path` through a temporary file in the same folder, then rename it into
    place; `private` makes the file readable by its owner only (mode 0600) from the start."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(temporary).chmod(0o600 if private else 0o644)  # mkstemp's files start at 0600
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
