"""The files of a bundle being written: each hashed as it is written, the large ones by a
writer thread, so that sizes and SHA-256 digests are known without reading anything back
(:mod:`rome_export.build` decides what goes in; this module only writes and records)."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, cast

from rome_export.util import write_all


@dataclass(frozen=True, slots=True)
class FileRecord:
    path: str  # relative to the bundle root, "/"-separated
    size: int
    sha256: str
    conforms_to: str | None = None


class Spool:
    """One thread that writes and hashes the bundle's files, in the order it is given work.

    Writing 2.4 GB through the page cache and hashing it costs several seconds at 10,000
    sheets, and ``os.write`` and SHA-256 on large buffers release the GIL: on a second
    core this thread does it while the main one walks the model and serialises
    (and in a two-process build, the child that writes the RDF has its own). It
    gets large buffers only: a thread making many small system calls waits for the GIL
    after each (the 10,000 per-job documents are written by the main thread). The queue
    holds :attr:`BUDGET` bytes at most, so memory stays flat. The first error (a full
    disk…) is kept, the rest of the work skipped, and it is raised in the main thread by
    the next :meth:`submit` or by :meth:`drain`.
    """

    BUDGET = 64 << 20
    """Bytes queued at most: about three 50,000-triple chunks of every RDF syntax."""

    def __init__(self) -> None:
        self._queue: queue.Queue[tuple[Callable[..., object], tuple[Any, ...], bool, int]
                                 | None] = queue.Queue()
        self._room = threading.Condition()
        self._queued = 0  # bytes of the work queued and not yet done
        self._error: BaseException | None = None
        self._failed = False  # sticky: once anything failed, only clean-up work runs
        self._thread = threading.Thread(target=self._run, name="rome-export-writer",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            work, args, always, size = item
            try:
                if always or not self._failed:
                    work(*args)
            except BaseException as exc:  # handed to the main thread
                if not self._failed:
                    self._error, self._failed = exc, True
            finally:
                with self._room:
                    self._queued -= size
                    self._room.notify()
                self._queue.task_done()
        self._queue.task_done()

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def submit(self, work: Callable[..., object], *args: Any, size: int = 0,
               always: bool = False) -> None:
        """Queue ``work(*args)`` on ``size`` bytes, once the queue has room for them;
        ``always``: even after an error (closing a file)."""
        if not always:
            self._raise()
        with self._room:
            while self._queued and self._queued + size > self.BUDGET:
                self._room.wait()
            self._queued += size
        self._queue.put((work, args, always, size))

    def drain(self) -> None:
        """Wait until everything submitted is written; raise the first error."""
        self._queue.join()
        self._raise()

    def close(self) -> None:
        """Finish the work (or skip it after an error) and stop the thread."""
        self._queue.put(None)
        self._thread.join()


class HashingWriter(io.RawIOBase):
    """A write-only binary stream onto a file descriptor that counts what passes through
    it, and hands the writing and hashing to a :class:`Spool`."""

    def __init__(self, fd: int, spool: Spool) -> None:
        super().__init__()
        self._fd = fd
        self._spool = spool
        self._sha = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        # A copy unless it is bytes already: callers may reuse their buffer at once.
        chunk = data if type(data) is bytes else bytes(data)
        self._spool.submit(self._write, chunk, size=len(chunk))
        self.size += len(chunk)
        return len(chunk)

    def _write(self, chunk: bytes) -> None:
        self._sha.update(chunk)
        write_all(self._fd, chunk)

    def hexdigest(self) -> str:
        """Only once the spool is drained."""
        return self._sha.hexdigest()


class BundleFiles:
    """The temporary bundle directory being written; records every file it writes.

    Files are written by the bundle's :class:`Spool`: :attr:`files` (with sizes and
    digests) is complete once :meth:`drain` has returned.
    """

    def __init__(self, root: Path, spool: Spool) -> None:
        self.root = str(root)
        self._spool = spool
        self._records: list[tuple[str, int, Callable[[], str], str | None]] = []
        self._dirs: set[str] = {""}  # made already: 10,000 job files share one folder

    def _create(self, rel: str) -> int:
        folder = rel.rpartition("/")[0]
        if folder not in self._dirs:
            os.makedirs(os.path.join(self.root, folder), exist_ok=True)
            self._dirs.add(folder)
        # os.open rather than open(): Python's file object costs five times the system call,
        # which adds up over 10,000 per-job documents.
        return os.open(os.path.join(self.root, rel), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)

    @contextlib.contextmanager
    def open(self, rel: str, conforms_to: str | None = None) -> Iterator[BinaryIO]:
        """A buffered stream onto a new file of the bundle."""
        fd = self._create(rel)
        writer = HashingWriter(fd, self._spool)
        try:
            with io.BufferedWriter(writer, buffer_size=1 << 20) as buffered:
                yield cast(BinaryIO, buffered)
        finally:
            self._spool.submit(os.close, fd, always=True)
        self._records.append((rel, writer.size, writer.hexdigest, conforms_to))

    def write_bytes(self, rel: str, data: bytes, conforms_to: str | None = None) -> None:
        """One small file, in the calling thread: handing thousands of small files to the
        spool is slower than writing them (each system call would wait for the GIL)."""
        fd = self._create(rel)
        try:
            write_all(fd, data)
        finally:
            os.close(fd)
        digest = hashlib.sha256(data).hexdigest()
        self._records.append((rel, len(data), lambda: digest, conforms_to))

    def drain(self) -> None:
        self._spool.drain()

    def record(self, records: list[FileRecord]) -> None:
        """Record files written (and hashed) by another process."""
        self._records += [(r.path, r.size, functools.partial(str, r.sha256), r.conforms_to)
                          for r in records]

    @property
    def files(self) -> list[FileRecord]:
        """The files written so far, in order (call :meth:`drain` first)."""
        return [FileRecord(rel, size, digest(), conforms_to)
                for rel, size, digest, conforms_to in self._records]
