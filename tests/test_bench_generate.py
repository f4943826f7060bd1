"""bench/generate.py writes a valid referential of the promised shape, the same for a seed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rome_export.sources import load
from rome_export.validation import validate

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


def _generate(out: Path, sheets: int, seed: int) -> None:
    subprocess.run(
        [sys.executable, str(GENERATE), "--sheets", str(sheets), "-o", str(out),
         "--seed", str(seed)],
        check=True,
        capture_output=True,
    )


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.yaml"))}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gen") / "ref"
    _generate(out, 12, seed=7)
    return out


def test_valid_without_errors_or_warnings(generated: Path) -> None:
    report = validate([generated])
    assert [(i.file, i.code, i.path) for i in report.issues] == []
    assert report.files_checked == 14


def test_shape(generated: Path) -> None:
    ref = load(generated)
    assert len(ref.jobs) == 12
    assert len(ref.competencies) == 200
    assert all(sorted(c.levels) == [1, 2, 3, 4] for c in ref.competencies)
    job_ids = {j.id for j in ref.jobs}
    for job in ref.jobs:
        assert len(job.requirements) == 12
        assert len({r.competency for r in job.requirements}) == 12
        assert len(job.mobility) == 8
        assert any(m.target in job_ids for m in job.mobility)
        assert any(m.target_label for m in job.mobility)
        assert job.purpose is not None and 300 <= len(job.purpose) <= 520
        assert len(job.missions) == 4
        assert all(300 <= len(m.text) <= 520 for m in job.missions)
        assert all(r.example and 150 <= len(r.example) <= 320 for r in job.requirements)
        assert job.alt_titles["fr"] and job.alt_titles["en"]
        assert job.mappings.rome and job.mappings.esco and job.mappings.isco
    links = [m for j in ref.jobs for m in j.mobility]
    assert any(m.direction is None for m in links) and any(m.direction for m in links)
    assert any(m.proximity is None for m in links) and any(m.proximity for m in links)


def test_same_seed_same_bytes(generated: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    _generate(again, 12, seed=7)
    assert _files(again) == _files(generated)


def test_other_seed_other_content(generated: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    _generate(other, 12, seed=8)
    assert _files(other) != _files(generated)


def test_refuses_a_non_empty_directory(generated: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(GENERATE), "--sheets", "1", "-o", str(generated)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2
    assert "not empty" in proc.stderr


RUN = GENERATE.parent / "run.py"


@pytest.mark.parametrize("stage", ["load", "export nt", "shacl-sparql"])
def test_harness_stage_runs_on_generated_data(generated: Path, tmp_path: Path,
                                              stage: str) -> None:
    """bench/run.py's stage scripts still work against the library they measure."""
    import json

    proc = subprocess.run(
        [sys.executable, str(RUN), "--child", stage, str(generated), str(tmp_path)],
        capture_output=True, text=True, check=True,
    )
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")][-1]
    result = json.loads(line.removeprefix("BENCH-RESULT "))
    assert "na" not in result and result["seconds"] >= 0 and result["cpu"] >= 0
    if stage == "export nt":
        assert result["triples"] > 12 * 200
    if stage == "shacl-sparql":
        assert result["issues"] == 0
