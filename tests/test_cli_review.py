"""Adversarial CLI regressions: bad output paths, bad base IRIs, file modes.

Each test runs a command in-process as a user would and asserts the exit code of the
shared table (1 invalid data, 2 usage, 3 operational), a one-line message on stderr and
no traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from rome_export.cli import main

UNWRITABLE = "/proc/rome-export-review/out"  # no one, not even root, creates files in /proc


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args))


def assert_clean_failure(result: Result, code: int, *words: str) -> None:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert "internal error" not in result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


# ------------------------------------------------------------------ unwritable outputs


@pytest.mark.parametrize("args", [
    ["validate", "{data}", "-o", UNWRITABLE],
    ["export", "{data}", "--to", "nt", "-o", UNWRITABLE + ".nt"],
    ["schema", "-o", UNWRITABLE],
])
def test_an_unwritable_output_is_an_operational_error(runner, data_dir, args) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, *(a.format(data=data_dir) for a in args))
    assert_clean_failure(result, 3, "cannot write /proc/rome-export-review")


def test_output_below_a_file_says_so(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "afile").write_text("x")
    result = run(runner, "validate", str(data_dir), "-o", str(tmp_path / "afile" / "r.txt"))
    assert_clean_failure(result, 3, "is a file, not a directory")
    assert (tmp_path / "afile").read_text() == "x"


def test_import_rome_into_an_unwritable_folder(runner, reference_dir) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "import-rome", str(reference_dir / "rome-4.0-v460"), "-o", UNWRITABLE)
    assert_clean_failure(result, 3, "cannot write")


def test_serve_with_an_unusable_location_is_operational(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "afile").write_text("x")
    result = run(runner, "serve", str(data_dir), "--port", "17991",
                 "--location", str(tmp_path / "afile" / "store"))
    assert_clean_failure(result, 3, "cannot use", "--location")


# ------------------------------------------------- what -o points at is kept what it is


def test_export_writes_through_a_symlink(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "target.ttl"
    target.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(target)
    result = run(runner, "export", str(data_dir), "-o", str(link))
    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    assert target.read_text().startswith("@prefix")


def test_export_to_a_named_pipe_keeps_the_pipe(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = run(runner, "export", str(data_dir), "--to", "nt", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # not replaced by a regular file
    assert received and received[0].count(b"\n") > 100


@pytest.mark.parametrize("args", [
    ["export", "{data}", "--to", "ttl", "-o", "{out}/ref.ttl"],
    ["validate", "{data}", "-o", "{out}/report.txt"],
    ["schema", "-o", "{out}"],
])
def test_written_files_follow_the_umask(runner, data_dir, tmp_path, args) -> None:  # type: ignore[no-untyped-def]
    # Published files must be readable by the web server, not 0600 like mkstemp's.
    old = os.umask(0o022)
    try:
        result = run(runner, *(a.format(data=data_dir, out=tmp_path) for a in args))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    files = [p for p in tmp_path.iterdir() if p.is_file()]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o644, path


def test_replacing_a_file_keeps_its_mode(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ref.nt"
    out.write_text("old")
    out.chmod(0o640)
    assert run(runner, "export", str(data_dir), "-o", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


def test_import_text_creates_a_readable_folder(runner, seed_page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    old = os.umask(0o022)
    try:
        result = run(runner, "import-text", str(seed_page), "-o", str(tmp_path / "new"))
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "new").stat().st_mode) == 0o755


# ------------------------------------------------------------------------ bad base IRIs


@pytest.mark.parametrize("base", ["http://exa mple.org/", "foo/", "http://[bad/"])
@pytest.mark.parametrize("command", ["export", "build", "query"])
def test_a_base_that_is_no_iri_is_a_usage_error(runner, data_dir, tmp_path, base, command) -> None:  # type: ignore[no-untyped-def]
    args = {
        "export": ["export", str(data_dir), "--to", "ttl"],
        "build": ["build", str(data_dir), "-o", str(tmp_path / "dist")],
        "query": ["query", str(data_dir), "ASK {}"],
    }[command]
    result = run(runner, *args, "--base", base)
    assert_clean_failure(result, 2, f"--base {base!r} is not an absolute IRI")
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("command", ["query", "push"])
def test_a_data_dir_base_must_end_with_a_separator(runner, data_dir, command) -> None:  # type: ignore[no-untyped-def]
    # http://x.org would have minted http://x.orgjob/office-manager
    args = {"query": ["query", str(data_dir), "SELECT ?s { ?s a rx:JobSheet }"],
            "push": ["push", str(data_dir), "--endpoint", "http://127.0.0.1:9/store"]}[command]
    result = run(runner, *args, "--base", "http://x.org")
    assert_clean_failure(result, 2, "must end with '/' or '#'")
    assert "x.orgjob" not in result.stdout


def test_an_rdf_file_base_needs_no_separator(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "ref.nt"
    assert run(runner, "export", str(data_dir), "-o", str(out)).exit_code == 0
    result = run(runner, "query", str(out), "ASK { ?s ?p ?o }", "--base", "http://x.org")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "true"


def test_import_rome_refuses_a_bad_base_iri(runner, reference_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "import-rome", str(reference_dir / "rome-4.0-v460"),
                 "-o", str(tmp_path / "out"), "--base-iri", "nope")
    assert_clean_failure(result, 2, "--base-iri 'nope' is not an absolute IRI")
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback(data_dir) -> None:  # type: ignore[no-untyped-def]
    result = CliRunner().invoke(main, ["--debug", "export", str(data_dir), "--to", "nt",
                                       "-o", UNWRITABLE + ".nt"])
    assert result.exit_code != 0
    assert type(result.exception).__name__ == "OperationalError"


def test_serve_on_an_unknown_host_is_a_usage_error(runner, data_dir) -> None:  # type: ignore[no-untyped-def]
    result = run(runner, "serve", str(data_dir), "--host", "256.1.1.1", "--port", "17992")
    assert_clean_failure(result, 2, "--host '256.1.1.1'")
    assert "try --port" not in result.stderr


def test_validate_report_file_with_a_file_name_that_is_not_utf8(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    odd = os.fsdecode(b"x\xff.yaml")  # a Latin-1 name on a UTF-8 system
    shutil.copy(data / "jobs" / "office-manager.yaml", data / "jobs" / odd)
    out = tmp_path / "report.json"
    result = run(runner, "validate", str(data), "--format", "json", "-o", str(out))
    assert_clean_failure(result, 1, "invalid:")
    assert b"x\xff.yaml" in out.read_bytes()


# ------------------------------------------------------------ incomplete referentials


def _copy_without(data_dir, tmp_path, *missing: str):  # type: ignore[no-untyped-def]
    import shutil

    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    for name in missing:
        (data / name).unlink()
    return data


@pytest.mark.parametrize("command", ["validate", "build", "export"])
def test_jobs_without_competencies_yaml_are_invalid(runner, data_dir, tmp_path, command) -> None:  # type: ignore[no-untyped-def]
    # The sheets name 12 competencies that exist nowhere: it built dangling IRIs before.
    data = _copy_without(data_dir, tmp_path, "competencies.yaml")
    args = {"validate": ["validate", str(data)],
            "build": ["build", str(data), "-o", str(tmp_path / "dist")],
            "export": ["export", str(data), "--to", "nt"]}[command]
    result = run(runner, *args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "dist").exists()
    if command != "export":
        assert "unknown-competency" in result.output


def test_a_lone_job_file_needs_no_competencies(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    job = tmp_path / "office-manager.yaml"
    shutil.copy(data_dir / "jobs" / "office-manager.yaml", job)
    result = run(runner, "validate", str(job))
    assert result.exit_code == 0, result.output
    assert "unknown-competency" not in result.output


def test_build_without_dataset_yaml_reports_it(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = _copy_without(data_dir, tmp_path, "dataset.yaml")
    result = run(runner, "build", str(data), "-o", str(tmp_path / "dist"))
    assert result.exit_code == 1, result.output
    assert "missing-dataset" in result.stderr
    assert "\nvalid:" not in result.stderr  # the report no longer says "valid" before failing
    assert not (tmp_path / "dist").exists()


def test_import_rome_half_way_leaves_nothing(runner, reference_dir, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Interrupted at sheet 894 of 1,584, it left a folder that looked like a referential.
    import errno
    import pathlib

    real = pathlib.Path.write_bytes
    calls = []

    def write_bytes(self: pathlib.Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 100:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(self, data)

    monkeypatch.setattr(pathlib.Path, "write_bytes", write_bytes)
    out = tmp_path / "rome"
    result = run(runner, "import-rome", str(reference_dir / "rome-4.0-v460"), "-o", str(out))
    assert_clean_failure(result, 3, "cannot write", "No space left")
    assert len(calls) == 100
    assert list(tmp_path.iterdir()) == []  # neither the folder nor a temporary one


def test_serve_invalid_rdf_says_why_in_one_line(runner, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # With RUST_BACKTRACE=1 the message ended with oxigraph's Rust stack backtrace.
    monkeypatch.setenv("RUST_BACKTRACE", "1")
    bad = tmp_path / "bad.ttl"
    bad.write_text("garbage <<\n")
    result = run(runner, "serve", str(bad), "--port", "17994")
    assert_clean_failure(result, 1, "bad.ttl", "garbage is not a valid subject")
    assert "backtrace" not in result.stderr
    assert "--lenient" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_version_from_a_checkout(runner) -> None:  # type: ignore[no-untyped-def]
    # Not installed (PYTHONPATH=src), --version was a RuntimeError traceback.
    import tomllib

    root = Path(__file__).resolve().parents[1]
    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    result = run(runner, "--version")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"rome-export, version {declared}"


def test_build_below_a_file_says_so(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # It said "<tmp>/afile: File exists; the previous bundle was left as it was".
    (tmp_path / "afile").write_text("x")
    result = run(runner, "build", str(data_dir), "-o", str(tmp_path / "afile" / "dist"), "-q")
    assert_clean_failure(result, 3, "cannot create it", "is a file, not a directory")
    assert "previous bundle" not in result.stderr
    assert (tmp_path / "afile").read_text() == "x"


def test_query_reads_the_jsonld_export_offline(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The default export refers to the context by URL, which pyoxigraph cannot fetch:
    # "invalid JSON-LD: No LoadDocumentCallback has been set to load remote contexts".
    import io

    from rome_export.sparql import write_ntriples

    doc = tmp_path / "ref.jsonld"
    assert run(runner, "export", str(data_dir), "-o", str(doc)).exit_code == 0
    assert '"@context": "https://' in doc.read_text()
    nt = tmp_path / "ref.nt"
    assert run(runner, "export", str(data_dir), "-o", str(nt)).exit_code == 0
    expected = len(nt.read_bytes().splitlines())
    result = run(runner, "query", str(doc), "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["n", str(expected)]
    pushed = io.BytesIO()  # what push sends
    write_ntriples(doc, pushed)
    assert set(pushed.getvalue().splitlines()) == set(nt.read_bytes().splitlines())


def test_a_full_disk_while_writing_is_an_operational_error_and_nothing_is_left(tmp_path):
    import errno as _errno

    from rome_export.errors import OperationalError
    from rome_export.util import atomic_write

    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(OperationalError, match="cannot write"), atomic_write(target):
        raise OSError(_errno.ENOSPC, "No space left on device")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


@pytest.mark.parametrize("command", [["validate"], ["export", "--to", "ttl"]])
def test_output_onto_a_source_file_is_refused(tmp_path, data_dir, command):
    import shutil

    from click.testing import CliRunner

    from rome_export.cli import main as cli_main

    ref = tmp_path / "data"
    shutil.copytree(data_dir, ref)
    before = (ref / "dataset.yaml").read_bytes()
    result = CliRunner().invoke(cli_main, [*command, str(ref), "-o", str(ref / "dataset.yaml")])
    assert result.exit_code == 2
    assert "source file of the referential" in result.stderr
    assert (ref / "dataset.yaml").read_bytes() == before
