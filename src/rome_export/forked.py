"""One piece of work in a forked child process, on the other core.

``build`` writes the RDF syntaxes (half of its time at 10,000 sheets) in a child while the
parent writes JSON-LD and CSV. A fork, not ``multiprocessing``'s spawn: the child starts
with the validated referential already in its memory (copy-on-write), so nothing is
pickled but the small result that comes back through a pipe.

The child exits with ``os._exit``: it runs no ``atexit`` handler, ``finally`` of the
parent's frames or flush of buffers it inherited (which would print the parent's pending
output twice). Its exception, if any, is raised in the parent, with the child's traceback
as a note (shown with ``--debug``).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import signal
import sys
import traceback
import warnings
from collections.abc import Callable
from typing import Generic, TypeVar

from rome_export.errors import OperationalError
from rome_export.util import write_all

T = TypeVar("T")

MIN_JOBS = 200
"""Below this many job sheets a build stays in one process: a fork costs more than it saves."""


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Only on Linux by default: macOS's system libraries are not safe across a fork
    (CPython itself stopped forking there by default), and Windows has no fork."""
    return sys.platform == "linux" and hasattr(os, "fork")


def default_processes(jobs: int) -> int:
    """2 where a fork can run on a second CPU and the referential is large enough, else 1."""
    return 2 if can_fork() and available_cpus() >= 2 and jobs >= MIN_JOBS else 1


def _pickled_error(exc: BaseException) -> bytes:
    note = "in the child process:\n" + "".join(traceback.format_exception(exc))
    try:
        exc.add_note(note)
        payload = pickle.dumps((False, exc))
        pickle.loads(payload)  # some exceptions pickle but do not unpickle (their __init__)
        return payload
    except Exception:  # an exception that does not travel: its text at least
        plain = RuntimeError(f"{type(exc).__name__}: {exc}")
        plain.add_note(note)
        return pickle.dumps((False, plain))


def _die_with_parent() -> None:
    """Linux: the child is killed if the parent dies (even by SIGKILL), rather than
    writing on into a directory nobody will use."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not glibc/musl: no such guard
        pass


class Forked(Generic[T]):
    """``work()`` running in a forked child from construction; :meth:`result` waits for it.

    :meth:`cancel` (idempotent, and a no-op once the result is in) kills the child: call it
    in a ``finally``, so that a failure in the parent never leaves a child writing.
    """

    def __init__(self, work: Callable[[], T]) -> None:
        read, write = os.pipe()
        parent = os.getpid()
        with warnings.catch_warnings():
            # Python 3.12+ warns of a fork in a process with threads (a progress bar's, a
            # writer's): their locks may be held in the child. The child takes none of them:
            # it writes its own files with its own writer thread and touches nothing else.
            warnings.filterwarnings("ignore", message=r".*fork\(\) may lead to deadlocks",
                                    category=DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # pragma: no cover - the child; coverage does not follow it
            os.close(read)
            try:
                if sys.platform == "linux":
                    _die_with_parent()
                    if os.getppid() != parent:  # it died before the guard was set
                        os._exit(1)
                # Everything inherited goes to the permanent generation: a collection in the
                # child would otherwise touch (and so copy) every page of the parent's heap.
                gc.freeze()
                try:
                    payload = pickle.dumps((True, work()))
                except BaseException as exc:
                    payload = _pickled_error(exc)
                write_all(write, payload)
            finally:
                os._exit(0)
        os.close(write)
        self._pid: int | None = pid
        self._read: int | None = read

    def result(self) -> T:
        """Wait for the child; its return value, or its exception raised here."""
        assert self._read is not None and self._pid is not None, "result() called twice"
        with os.fdopen(self._read, "rb") as pipe:
            self._read = None
            data = pipe.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not data:  # killed before it could answer (the kernel's OOM killer…)
            if os.WIFSIGNALED(status):
                how = f"was killed by signal {os.WTERMSIG(status)}"
            else:
                how = f"exited with status {os.waitstatus_to_exitcode(status)}"
            raise OperationalError(f"the child process writing the RDF files {how}",
                                   hint="build again with --processes 1")
        ok, value = pickle.loads(data)
        if ok:
            return value  # type: ignore[no-any-return]
        raise value

    def cancel(self) -> None:
        """Kill the child if it is still running, and reap it."""
        if self._read is not None:
            os.close(self._read)
            self._read = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):  # a zombie can still be killed
                os.kill(self._pid, signal.SIGKILL)
            os.waitpid(self._pid, 0)
            self._pid = None
