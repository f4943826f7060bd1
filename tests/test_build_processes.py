"""``build --processes 2``: the RDF syntaxes written by a forked child give the same bundle
as one process, and every failure of the child or the parent leaves nothing behind (no
temporary directory, no child process, the previous bundle intact)."""

from __future__ import annotations

import errno
import os
import pickle
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from build_fixtures import BUILD_DATA

pytest.importorskip("rome_export.serialisers.rdf", reason="the RDF writers are not merged yet")
if not hasattr(os, "fork"):  # pragma: no cover - Windows
    pytest.skip("no os.fork here", allow_module_level=True)

from rome_export import build as buildmod
from rome_export import forked
from rome_export.build import build
from rome_export.cli import main
from rome_export.errors import InvalidData, OperationalError
from test_build import leftovers, snapshot

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


def children() -> list[int]:
    """This process's child processes (running or not yet reaped)."""
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rpartition(b")")[2].split()[1]) == me:
                found.append(int(entry))
    return found


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "ref"
    subprocess.run([sys.executable, str(GENERATE), "--sheets", "40", "-o", str(out),
                    "--seed", "3"], check=True, capture_output=True)
    return out


@pytest.fixture(autouse=True)
def no_child_left():  # type: ignore[no-untyped-def]
    before = set(children())
    yield
    assert set(children()) <= before, "a child process was left behind"


@pytest.mark.parametrize("which", ["fixture", "generated"])
def test_two_processes_write_the_bundle_of_one(which: str, generated: Path,
                                               tmp_path: Path) -> None:
    data = BUILD_DATA if which == "fixture" else generated
    one = build(data, tmp_path / "one", processes=1)
    two = build(data, tmp_path / "two", processes=2)
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    assert one.files == two.files and one.triples == two.triples > 0
    assert one.report is not None and two.report is not None
    assert one.report.issues == two.report.issues and one.warnings == two.warnings


def test_the_child_really_writes_the_rdf(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The RDF files are written by another process than this one (not a silent fallback)."""
    real = buildmod._write_rdf
    marker = tmp_path / "writer-pid"

    def spy(bundle, ref, base):  # type: ignore[no-untyped-def]
        marker.write_text(str(os.getpid()))
        return real(bundle, ref, base)

    monkeypatch.setattr(buildmod, "_write_rdf", spy)
    build(BUILD_DATA, tmp_path / "d", processes=2)
    assert int(marker.read_text()) != os.getpid()
    build(BUILD_DATA, tmp_path / "e", processes=1)
    assert int(marker.read_text()) == os.getpid()


def _fail_in_child(how: str):  # type: ignore[no-untyped-def]
    def write_rdf(bundle, ref, base):  # type: ignore[no-untyped-def]
        with bundle.open("referential.nt") as out:
            out.write(b"<a> <b> <c> .\n" * 1000)
        if how == "full":
            raise OSError(errno.ENOSPC, "No space left on device")
        if how == "killed":
            os.kill(os.getpid(), signal.SIGKILL)
        if how == "unpicklable":
            class Local(Exception):
                pass
            raise Local("not importable by the parent")
        raise RuntimeError("boom in the child")
    return write_rdf


@pytest.mark.parametrize("how, expected, message", [
    ("full", OperationalError, "no space left on the device"),
    ("killed", OperationalError, "was killed by signal 9"),
    ("boom", RuntimeError, "boom in the child"),
    ("unpicklable", RuntimeError, "Local: not importable by the parent"),
])
def test_a_failing_child_leaves_the_old_bundle(how: str, expected: type[BaseException],
                                               message: str, tmp_path: Path,
                                               monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dist = tmp_path / "dist"
    build(BUILD_DATA, dist, processes=1)
    before = snapshot(dist)
    monkeypatch.setattr(buildmod, "_write_rdf", _fail_in_child(how))
    with pytest.raises(expected, match=message) as caught:
        build(BUILD_DATA, dist, processes=2)
    assert snapshot(dist) == before and leftovers(dist) == []
    if how == "boom":  # the child's traceback comes along, for --debug
        assert any("in the child process" in note and "boom in the child" in note
                   for note in getattr(caught.value, "__notes__", []))


def test_a_failing_parent_stops_the_child(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The parent fails while the child writes: the child is killed and reaped, nothing of
    either is left."""
    from rome_export.serialisers import csv as csvser

    started = tmp_path / "child-started"

    def slow_rdf(bundle, ref, base):  # type: ignore[no-untyped-def]
        started.touch()
        threading.Event().wait(60)  # still writing when the parent fails
        return 0

    def failing(table, stream):  # type: ignore[no-untyped-def]
        import time

        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # fail only once the child is surely writing
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(buildmod, "_write_rdf", slow_rdf)
    monkeypatch.setattr(csvser, "write_table", failing)
    dist = tmp_path / "dist"
    with pytest.raises(OperationalError, match="no space left"):
        build(BUILD_DATA, dist, processes=2)
    assert not dist.exists() and leftovers(dist) == []
    assert started.exists()  # the child had begun; no_child_left checks it was reaped


def test_strict_warnings_of_layer_3_stop_the_build_while_the_child_writes(
        tmp_path: Path) -> None:
    """Layer 3 runs while the child writes: with --strict its warnings still refuse the
    build, with the whole report, and nothing is left."""
    dist = tmp_path / "dist"
    with pytest.raises(InvalidData, match="3 errors") as caught:
        build(BUILD_DATA, dist, strict=True, processes=2)
    report = caught.value.report
    assert report is not None and len(report.errors) == 3 and not report.warnings
    assert not dist.exists() and leftovers(dist) == []


def test_report_of_an_invalid_referential_is_the_same_as_validate(tmp_path: Path) -> None:
    """An error of layer 2 stops the build before any fork, with layer 3's warnings too."""
    import shutil

    from rome_export.validation import validate

    data = tmp_path / "data"
    shutil.copytree(BUILD_DATA, data)
    job = data / "jobs" / "assistant-direction.yaml"
    job.write_text(job.read_text("utf-8").replace("communiquer-efficacement", "inconnue"),
                   "utf-8")
    with pytest.raises(InvalidData) as caught:
        build(data, tmp_path / "dist", processes=2)
    assert caught.value.report is not None
    assert caught.value.report.issues == validate([data]).issues
    assert caught.value.report.errors and caught.value.report.warnings


def test_cli_processes_option(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    for n in ("1", "2"):
        result = runner.invoke(main, ["build", str(BUILD_DATA), "-o", str(tmp_path / n),
                                      "--processes", n, "-q"])
        assert result.exit_code == 0, result.output
    assert snapshot(tmp_path / "1") == snapshot(tmp_path / "2")
    result = runner.invoke(main, ["build", str(BUILD_DATA), "-o", str(tmp_path / "3"),
                                  "--processes", "3"])
    assert result.exit_code == 2 and not (tmp_path / "3").exists()


def test_default_processes(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(forked, "can_fork", lambda: True)
    monkeypatch.setattr(forked, "available_cpus", lambda: 2)
    assert forked.default_processes(forked.MIN_JOBS) == 2
    assert forked.default_processes(forked.MIN_JOBS - 1) == 1
    monkeypatch.setattr(forked, "available_cpus", lambda: 1)
    assert forked.default_processes(10_000) == 1
    monkeypatch.setattr(forked, "available_cpus", lambda: 8)
    monkeypatch.setattr(forked, "can_fork", lambda: False)
    assert forked.default_processes(10_000) == 1


def test_forked_returns_raises_and_cancels() -> None:
    assert forked.Forked(lambda: {"pid": os.getpid()}).result()["pid"] != os.getpid()

    def fail() -> None:
        raise ValueError("from the child")

    with pytest.raises(ValueError, match="from the child"):
        forked.Forked(fail).result()
    running = forked.Forked(lambda: threading.Event().wait(60))
    running.cancel()
    running.cancel()  # idempotent
    done = forked.Forked(lambda: 1)
    assert done.result() == 1
    done.cancel()  # a no-op once the result is in
    with pytest.raises(AssertionError, match="twice"):
        done.result()


def test_a_large_result_comes_through_the_pipe() -> None:
    """More than a pipe holds (64 KiB): the parent reads while the child writes."""
    big = list(range(200_000))
    assert forked.Forked(lambda: big).result() == big
    assert len(pickle.dumps(big)) > 1 << 16


def test_impossible_process_counts_are_usage_errors(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from rome_export.errors import UsageError

    with pytest.raises(UsageError, match="give 1 or 2"):
        build(BUILD_DATA, tmp_path / "d", processes=3)
    monkeypatch.delattr(os, "fork")
    with pytest.raises(UsageError, match=r"needs os\.fork"):
        build(BUILD_DATA, tmp_path / "d", processes=2)
    assert not (tmp_path / "d").exists() and leftovers(tmp_path / "d") == []
    monkeypatch.setattr(forked, "MIN_JOBS", 0)  # the default would fork, but cannot
    monkeypatch.setattr(forked, "available_cpus", lambda: 2)
    build(BUILD_DATA, tmp_path / "d")  # so it falls back to one process
    assert (tmp_path / "d" / "referential.nt").exists()


def _state(pid: int) -> str | None:
    """The kernel's one-letter state of ``pid`` (Z: exited, not reaped), None when gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rpartition(b")")[2].split()[0].decode()
    except OSError:
        return None


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_the_child_dies_with_a_killed_parent(tmp_path: Path) -> None:
    """SIGKILL to a real two-process ``rome-export build`` (no clean-up can run): its child
    does not go on writing for nobody."""
    import time

    from test_build import _many_jobs

    data = _many_jobs(tmp_path / "many", 1000)
    dist = tmp_path / "dist"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen([sys.executable, "-m", "rome_export", "build", str(data), "-o",
                             str(dist), "-q", "--processes", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    child = None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and child is None:
        try:
            with open(f"/proc/{proc.pid}/task/{proc.pid}/children", "rb") as f:
                pids = [int(p) for p in f.read().split()]
        except OSError:
            pids = []
        tmp = [p for p in tmp_path.iterdir() if p.name.startswith(".dist.tmp-")]
        if pids and tmp and (tmp[0] / "referential.nt").exists():
            child = pids[0]
        time.sleep(0.005)
    assert child is not None and proc.poll() is None, "the build ended before the test"
    os.kill(child, signal.SIGSTOP)  # it cannot finish on its own: only a SIGKILL ends it
    try:
        proc.kill()
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while _state(child) not in (None, "Z") and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _state(child) in (None, "Z"), "the child outlived its killed parent"
    finally:
        if _state(child) not in (None, "Z"):
            os.kill(child, signal.SIGKILL)
    assert not dist.exists()  # and the interrupted bundle was never swapped in
