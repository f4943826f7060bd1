"""Small helpers shared by the library: atomic writes and GC tuning for bulk work."""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from rome_export.errors import OperationalError


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to the file descriptor ``fd`` (``os.write`` may write less)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


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
        # Millions of objects promoted during the work would make the next collection after
        # the thresholds come back a full one, scanning them all (0.5 s after loading 10,000
        # sheets). Freezing and unfreezing them puts them in the oldest generation without
        # counting them as newly promoted: they are scanned at a later full collection, if any.
        gc.freeze()
        gc.set_threshold(*old)
        gc.unfreeze()


def default_mode(*, directory: bool = False) -> int:
    """The mode ``open``/``mkdir`` would give a new file (0o666) or directory (0o777) under
    the process umask: ``mkstemp`` and ``mkdtemp`` create theirs private (0o600/0o700),
    which would leave published files unreadable to a web server or another user."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if directory else 0o666) & ~umask


def _cannot_write(path: Path, exc: OSError) -> OperationalError:
    reason = exc.strerror or str(exc)
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        reason = "a part of its folder path is a file, not a directory"
    return OperationalError(f"cannot write {path}: {reason}",
                            hint="choose an output path in a writable directory")


_WRITE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO}


@contextlib.contextmanager
def atomic_write(path: Path, *, fsync: bool = True) -> Iterator[BinaryIO]:
    """Write ``path`` through a temporary file beside it, renamed into place on success.

    On any exception the temporary file is removed and ``path`` keeps its old content.
    ``fsync=False`` keeps the all-or-nothing rename but not durability across a power cut:
    for thousands of small files, where one fsync each costs seconds.

    A symbolic link is written through (its target is replaced, the link stays), and a
    path that is not a regular file (``/dev/stdout``, a named pipe) is written directly:
    renaming over it would replace the device or pipe by a file. The new file gets the
    mode of the file it replaces, or the umask's. Failing to create, finish or rename the
    file raises :class:`OperationalError`.
    """
    path = Path(os.path.realpath(path))
    try:
        st = os.stat(path)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        try:
            stream = open(path, "wb")  # noqa: SIM115 - closed below, errors mapped
        except OSError as exc:
            raise _cannot_write(path, exc) from exc
        with stream:
            yield stream
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _cannot_write(path, exc) from exc
    try:
        with os.fdopen(fd, "wb") as stream:
            try:
                yield stream
            except OSError as exc:
                if exc.errno in _WRITE_ERRORS:  # the disk, not the caller's own I/O
                    raise _cannot_write(path, exc) from exc
                raise
            try:
                stream.flush()
                os.fchmod(fd, stat.S_IMODE(st.st_mode) if st is not None else default_mode())
                if fsync:
                    os.fsync(stream.fileno())
            except OSError as exc:
                raise _cannot_write(path, exc) from exc
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise _cannot_write(path, exc) from exc
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
