"""``rome-export export``: formats from the registry, -o atomic, --base, --per-job, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from rdf_helpers import parse_oxigraph
from rome_export.cli import main
from rome_export.serialisers import FORMATS
from rome_export.serialisers.triples import build


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_to_stdout_in_every_format(fmt: str, runner, data_dir, referential) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["export", str(data_dir), "--to", fmt])
    assert result.exit_code == 0, result.output
    assert parse_oxigraph(fmt, result.stdout_bytes) == set(build(referential))
    assert f"({FORMATS[fmt].description}) to stdout" in result.stderr


def test_export_to_a_file_picks_the_format_from_the_extension(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "dist" / "referential.rdf"
    result = runner.invoke(main, ["export", str(data_dir), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"<?xml")
    assert result.stdout == ""
    assert [p.name for p in out.parent.iterdir()] == ["referential.rdf"]  # no temp file left


def test_failed_export_leaves_the_previous_file(runner, tmp_path, data_dir) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "data"
    shutil.copytree(data_dir, broken)
    out = tmp_path / "out.ttl"
    out.write_text("previous")
    job = broken / "jobs" / "office-manager.yaml"
    job.write_text(job.read_text("utf-8").replace("expected_level: 3", "expected_level: 9"))
    result = runner.invoke(main, ["export", str(broken), "-o", str(out)])
    assert result.exit_code == 1
    assert "Error:" in result.stderr and "Traceback" not in result.output
    assert out.read_text() == "previous"


def test_base_override(runner, data_dir) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["export", str(data_dir), "--to", "nt",
                                  "--base", "https://example.com/x/"])
    assert result.exit_code == 0
    assert b"<https://example.com/x/job/office-manager>" in result.stdout_bytes
    assert b"w3id.org/rome-export/example/" not in result.stdout_bytes


def test_per_job_documents(runner, data_dir, tmp_path, referential) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "jobs"
    result = runner.invoke(main, ["export", str(data_dir), "--per-job", str(folder),
                                  "--embed-context"])
    assert result.exit_code == 0, result.output
    files = sorted(p.name for p in folder.iterdir())
    assert files == [f"{job.id}.jsonld" for job in sorted(referential.jobs, key=lambda j: j.id)]
    doc = json.loads((folder / "office-manager.jsonld").read_text("utf-8"))
    assert doc["prefLabel"] == {"fr": "Office Manager"}
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in
               ox.parse((folder / "office-manager.jsonld").read_bytes(),
                        format=ox.RdfFormat.JSON_LD)}
    assert triples <= set(build(referential))


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--to", "xml"], 2, "Invalid value for '--to'"),
        ([], 2, "no output format"),
        (["-o", "out.unknown"], 2, "no output format"),
        (["--to", "ttl", "--base", "https://example.com/x"], 2, "must end with '/' or '#'"),
    ],
)
def test_usage_errors(runner, data_dir, args, code, message) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["export", str(data_dir), *args])
    assert result.exit_code == code
    assert message in result.stderr


def test_missing_directory_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", str(tmp_path / "nope"), "--to", "ttl"])
    assert result.exit_code == 2
    assert "no such directory" in result.stderr


def test_unwritable_output_is_an_operational_error(runner, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = runner.invoke(main, ["export", str(data_dir), "-o", str(blocker / "out.ttl")])
    assert result.exit_code == 3
    assert "Error:" in result.stderr and "Traceback" not in result.output


def test_export_help_lists_the_registry_formats(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    for name in FORMATS:
        assert name in result.output


def test_export_names_the_context_url_it_is_given(data_dir) -> None:  # type: ignore[no-untyped-def]
    import json as _json

    from click.testing import CliRunner

    from rome_export.cli import main as _main

    result = CliRunner().invoke(_main, ["export", str(data_dir), "--to", "jsonld",
                                        "--context-url", "https://example.org/c.jsonld"])
    assert result.exit_code == 0, result.output
    assert _json.loads(result.stdout)["@context"] == "https://example.org/c.jsonld"
