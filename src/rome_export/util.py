"""Small helpers shared by the library: atomic writes and GC tuning for bulk work."""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def gc_tuned() -> Iterator[None]:
    """Raise the GC thresholds around bulk work that creates millions of small objects.

    CPython's collector otherwise runs thousands of times while pydantic models or triples
    are built, for nothing: they are all alive (PERFORMANCE.md: up to 20× slower).
    """
    old = gc.get_threshold()
    gc.set_threshold(100_000, 50, 1000)
    try:
        yield
    finally:
        gc.set_threshold(*old)


@contextlib.contextmanager
def atomic_write(path: Path, *, fsync: bool = True) -> Iterator[BinaryIO]:
    """Write ``path`` through a temporary file beside it, renamed into place on success.

    On any exception the temporary file is removed and ``path`` keeps its old content.
    ``fsync=False`` keeps the all-or-nothing rename but not durability across a power cut:
    for thousands of small files, where one fsync each costs seconds.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as stream:
            yield stream
            stream.flush()
            if fsync:
                os.fsync(stream.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
