"""``rome-export build``: the bundle's layout and checks, determinism, and failures that leave
the previous bundle byte-identical (invalid data, unwritable target, full disk, an exception
or Ctrl-C in the middle of writing)."""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from build_fixtures import BUILD_DATA

pytest.importorskip("rome_export.serialisers.rdf", reason="the RDF writers are not merged yet")

from rome_export import build as buildmod
from rome_export.build import SUMS_FILE, build
from rome_export.cli import main
from rome_export.errors import InvalidData, OperationalError, UsageError
from rome_export.serialisers import FORMATS

SHAPES = Path(__file__).parent / "fixtures" / "dcat-ap-mandatory.ttl"
DL = "https://example.org/downloads/1.2.0/"


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (and nothing else) with the SHA-256 of its bytes."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def leftovers(dist: Path) -> list[str]:
    return sorted(p.name for p in dist.parent.iterdir() if p.name.startswith(f".{dist.name}."))


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("b") / "dist"
    build(BUILD_DATA, dist, download_base=DL)
    return dist


@pytest.fixture()
def old_bundle(bundle: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    dist = tmp_path / "dist"
    shutil.copytree(bundle, dist)
    return dist, snapshot(dist)


# --------------------------------------------------------------------------- the bundle


def test_layout(bundle: Path) -> None:
    files = set(snapshot(bundle))
    for fmt in FORMATS.values():
        assert f"referential{fmt.extension}" in files
    assert {"jobs/office-manager.jsonld", "jobs/assistant-direction.jsonld"} <= files
    assert {"csv/jobs.csv", "csv/requirements.csv", "csv/job_competencies.csv",
            "datapackage.json", "validation-report.json", "catalogue.ttl", "catalogue.jsonld",
            SUMS_FILE, "schemas/context.jsonld", "schemas/jobsheet.schema.json"} <= files
    report = json.loads((bundle / "validation-report.json").read_text("utf-8"))
    assert report["valid"] is True and report["warnings"] == 3


def test_vocabulary_shapes_context_and_schemas_are_copied(bundle: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    shipped = {f"{folder}/{p.name}": p.read_bytes() for folder in ("ontology", "schemas")
               if (root / folder).is_dir() for p in sorted((root / folder).iterdir())
               if p.suffix in (".ttl", ".json", ".jsonld")}
    assert "schemas/context.jsonld" in shipped
    for rel, data in shipped.items():
        assert (bundle / rel).read_bytes() == data, rel


def test_sha256sums_cover_every_other_file(bundle: Path) -> None:
    lines = (bundle / SUMS_FILE).read_text("ascii").splitlines()
    listed = {line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in lines}
    assert lines == sorted(lines, key=lambda line: line.split("  ", 1)[1])
    expected = snapshot(bundle)
    del expected[SUMS_FILE]
    assert listed == expected
    if shutil.which("sha256sum"):
        run = subprocess.run(["sha256sum", "--strict", "-c", SUMS_FILE], cwd=bundle,
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stdout + run.stderr


def test_frictionless_accepts_the_bundle_and_catches_a_dangling_id(bundle: Path,
                                                                   tmp_path: Path) -> None:
    from frictionless import Package

    report = Package(str(bundle / "datapackage.json")).validate()
    assert report.valid, report.flatten(["type", "message"])
    cli = Path(sys.executable).with_name("frictionless")
    if cli.exists():
        assert subprocess.run([str(cli), "validate", "datapackage.json"], cwd=bundle,
                              capture_output=True).returncode == 0
    broken = tmp_path / "broken"
    shutil.copytree(bundle, broken)
    mob = broken / "csv" / "mobility.csv"
    mob.write_text(mob.read_text("utf-8").replace(",office-manager,", ",nobody-here,"), "utf-8")
    errors = {e[0] for e in Package(str(broken / "datapackage.json")).validate()
              .flatten(["type"])}
    assert "foreign-key" in errors  # and the recorded hash and size catch the edit too
    assert {"hash-count", "byte-count"} <= errors


def test_catalogue_describes_every_file(bundle: Path) -> None:
    import pyoxigraph as ox
    from pyshacl import validate
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import XSD

    files = snapshot(bundle)
    ttl = Graph().parse(bundle / "catalogue.ttl", format="turtle")
    jsonld = Graph().parse(bundle / "catalogue.jsonld", format="json-ld")
    assert set(ttl) == set(jsonld)
    for name in ("catalogue.ttl", "catalogue.jsonld"):
        fmt = ox.RdfFormat.TURTLE if name.endswith(".ttl") else ox.RdfFormat.JSON_LD
        assert len(list(ox.parse(path=str(bundle / name), format=fmt))) == len(ttl)
    dcat = "http://www.w3.org/ns/dcat#"
    described = {str(o)[len(DL):] for o in ttl.objects(None, URIRef(dcat + "downloadURL"))}
    assert described == set(files) - {"catalogue.ttl", "catalogue.jsonld", SUMS_FILE}
    for path in described:
        dist = URIRef(f"{DL}{path}#distribution")
        size = (bundle / path).stat().st_size
        assert ttl.value(dist, URIRef(dcat + "byteSize")) == Literal(
            str(size), datatype=XSD.nonNegativeInteger)
        chk = URIRef(f"{DL}{path}#checksum")
        assert str(ttl.value(chk, URIRef("http://spdx.org/rdf/terms#checksumValue"))) == files[path]
    conforms, _, text = validate(ttl, shacl_graph=Graph().parse(SHAPES), inference="none")
    assert conforms, text


def test_two_builds_are_byte_identical(bundle: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(BUILD_DATA, again, download_base=DL)
    assert snapshot(again) == snapshot(bundle)
    build(BUILD_DATA, again, download_base=DL)  # rebuilding over a bundle replaces it
    assert snapshot(again) == snapshot(bundle)
    assert leftovers(again) == []


def test_base_download_base_and_date(tmp_path: Path) -> None:
    dist = tmp_path / "d"
    build(BUILD_DATA, dist, base="https://other.example/x/",
          download_base="https://cdn.example/r/9", date=__import__("datetime").date(2030, 1, 2))
    assert "https://other.example/x/job/office-manager" in (dist / "referential.nt").read_text()
    assert "https://other.example/x/job/office-manager" in (dist / "csv/jobs.csv").read_text()
    cat = (dist / "catalogue.ttl").read_text("utf-8")
    assert "<https://cdn.example/r/9/csv/jobs.csv>" in cat
    assert '"2030-01-02"^^xsd:date' in cat and "example.org/rx/" not in cat


def test_release_date_is_the_one_dct_modified_of_the_dataset(tmp_path: Path) -> None:
    """--date must not give {base}dataset two dct:modified once referential and catalogue
    are loaded together (DCAT-AP: at most one)."""
    import pyoxigraph as ox

    dist = tmp_path / "d"
    build(BUILD_DATA, dist, date=__import__("datetime").date(2030, 1, 2))
    store = ox.Store()
    for name in ("referential.ttl", "catalogue.ttl"):
        store.load(path=str(dist / name), format=ox.RdfFormat.TURTLE)
    rows = list(store.query(  # type: ignore[arg-type]
        "SELECT DISTINCT ?d ?m WHERE { ?d a <http://www.w3.org/ns/dcat#Dataset> ; "
        "<http://purl.org/dc/terms/modified> ?m }"))
    assert [row["m"].value for row in rows] == ["2030-01-02"]


def test_bundle_does_not_depend_on_the_path_it_was_built_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The validation report in the bundle named files by the path given to build (an
    absolute path leaked the builder's directories, and the bytes changed with it)."""
    data = tmp_path / "src" / "data"
    shutil.copytree(BUILD_DATA, data)
    build(data, tmp_path / "abs")
    monkeypatch.chdir(tmp_path / "src")
    build("data", tmp_path / "rel")
    assert snapshot(tmp_path / "abs") == snapshot(tmp_path / "rel")
    report = json.loads((tmp_path / "abs" / "validation-report.json").read_text("utf-8"))
    files = {issue["file"] for issue in report["issues"]}
    assert files and all(f is None or not f.startswith(("/", "data")) for f in files), files
    assert str(tmp_path) not in (tmp_path / "abs" / "validation-report.json").read_text()


def test_hash_base_builds_with_download_urls_outside_the_fragment(tmp_path: Path) -> None:
    """A base ending with '#' is allowed, but build died (exit 3, "internal error") making
    the default download base: https://x/ref#release/…/file#distribution is no IRI."""
    import pyoxigraph as ox

    dist = tmp_path / "d"
    build(BUILD_DATA, dist, base="https://other.example/ref#")
    assert "<https://other.example/ref#job/office-manager>" in (
        dist / "referential.nt").read_text("utf-8")
    graph = ox.parse(path=str(dist / "catalogue.ttl"), format=ox.RdfFormat.TURTLE)
    urls = {t.object.value for t in graph
            if t.predicate.value == "http://www.w3.org/ns/dcat#downloadURL"}
    assert "https://other.example/ref/release/1.2.0/csv/jobs.csv" in urls
    assert all("#" not in url for url in urls)
    with pytest.raises(UsageError, match="download-base"):
        build(BUILD_DATA, tmp_path / "e", download_base="https://cdn.example/r#x")


# --------------------------------------------------------------------------- failures


def _invalid_copy(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(BUILD_DATA, data)
    job = data / "jobs" / "assistant-direction.yaml"
    job.write_text(job.read_text("utf-8").replace("communiquer-efficacement", "inconnue"), "utf-8")
    return data


def test_invalid_data_writes_nothing(old_bundle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dist, before = old_bundle
    with pytest.raises(InvalidData) as caught:
        build(_invalid_copy(tmp_path), dist)
    assert caught.value.report is not None and caught.value.report.errors
    assert snapshot(dist) == before and leftovers(dist) == []
    fresh = tmp_path / "fresh"
    with pytest.raises(InvalidData):
        build(_invalid_copy(tmp_path / "2"), fresh)
    assert not fresh.exists()


def test_strict_refuses_warnings(old_bundle) -> None:  # type: ignore[no-untyped-def]
    dist, before = old_bundle
    with pytest.raises(InvalidData, match="3 errors"):
        build(BUILD_DATA, dist, strict=True)
    assert snapshot(dist) == before


@pytest.mark.parametrize("exc", [RuntimeError("boom"), KeyboardInterrupt(),
                                 OSError(errno.ENOSPC, "No space left on device")])
def test_failure_mid_write_leaves_old_bundle(old_bundle, monkeypatch, exc) -> None:  # type: ignore[no-untyped-def]
    dist, before = old_bundle
    from rome_export.serialisers import csv as csvser

    real = csvser.write_table
    calls = []

    def failing(table, stream):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 5:  # some CSV files are already written by then
            stream.write(b"partial")
            raise exc
        return real(table, stream)

    monkeypatch.setattr(csvser, "write_table", failing)
    expected = OperationalError if isinstance(exc, OSError) else type(exc)
    with pytest.raises(expected):
        build(BUILD_DATA, dist, download_base=DL)
    assert snapshot(dist) == before and leftovers(dist) == []


def test_failed_swap_restores_old_bundle(old_bundle, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    dist, before = old_bundle
    real = os.rename

    def rename(src, dst):  # type: ignore[no-untyped-def]
        if Path(src).name.startswith(".dist.tmp-"):
            raise OSError(errno.EIO, "I/O error", str(src))
        return real(src, dst)

    monkeypatch.setattr(buildmod.os, "rename", rename)
    with pytest.raises(OperationalError):
        build(BUILD_DATA, dist, download_base=DL)
    assert snapshot(dist) == before and leftovers(dist) == []


def test_target_under_a_file_is_an_operational_error(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    with pytest.raises(OperationalError):
        build(BUILD_DATA, tmp_path / "afile" / "dist")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_unwritable_parent(old_bundle) -> None:  # type: ignore[no-untyped-def]
    dist, before = old_bundle
    os.chmod(dist.parent, 0o500)
    try:
        with pytest.raises(OperationalError, match="cannot write there"):
            build(BUILD_DATA, dist)
    finally:
        os.chmod(dist.parent, 0o700)
    assert snapshot(dist) == before


def test_refuses_to_replace_a_directory_that_is_not_a_bundle(tmp_path: Path) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(UsageError, match="not a rome-export bundle"):
        build(BUILD_DATA, tmp_path)
    assert (tmp_path / "precious.txt").read_text() == "keep me"


@pytest.fixture()
def tiny_fs(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real 700 kB file system: room for one bundle of the fixture, not for two."""
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=700k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", str(mnt)], check=False)


def test_full_disk_cli_exit_3_old_bundle_intact(tiny_fs: Path, bundle: Path, runner) -> None:  # type: ignore[no-untyped-def]
    dist = tiny_fs / "dist"
    shutil.copytree(bundle, dist)
    before = snapshot(dist)
    result = runner.invoke(main, ["build", str(BUILD_DATA), "-o", str(dist), "-q"])
    assert result.exit_code == 3, result.output
    assert "no space left" in result.output
    assert snapshot(dist) == before and leftovers(dist) == []


# --------------------------------------------------------------------------- the command


def test_cli_builds_and_prints_a_summary(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    dist = tmp_path / "dist"
    result = runner.invoke(main, ["build", str(BUILD_DATA), "-o", str(dist)])
    assert result.exit_code == 0, result.output
    for word in ("files", "triples", "CSV rows", "warnings", "unknown-expected-level"):
        assert word in result.output
    quiet = runner.invoke(main, ["build", str(BUILD_DATA), "-o", str(dist), "-q"])
    assert quiet.exit_code == 0 and quiet.output == ""


def test_cli_invalid_data_exit_1_with_located_issues(old_bundle, tmp_path, runner) -> None:  # type: ignore[no-untyped-def]
    dist, before = old_bundle
    result = runner.invoke(main, ["build", str(_invalid_copy(tmp_path)), "-o", str(dist)])
    assert result.exit_code == 1
    assert "jobs/assistant-direction.yaml" in result.output and "inconnue" in result.output
    assert "Error: the referential has 1 error; nothing was built" in result.output
    assert snapshot(dist) == before


def test_cli_interrupted_exit_3(old_bundle, monkeypatch, runner) -> None:  # type: ignore[no-untyped-def]
    dist, before = old_bundle

    def interrupt(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setattr("rome_export.serialisers.dcat.write_turtle", interrupt)
    result = runner.invoke(main, ["build", str(BUILD_DATA), "-o", str(dist)])
    assert result.exit_code == 3
    assert "interrupted" in result.output and "left as it was" in result.output
    assert snapshot(dist) == before and leftovers(dist) == []


@pytest.mark.parametrize("args,code", [
    (["--base", "not-an-iri"], 2),
    (["--download-base", "ftp://example.org/r/"], 2),
    (["--date", "yesterday"], 2),
])
def test_cli_usage_errors(tmp_path: Path, runner, args, code) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["build", str(BUILD_DATA), "-o", str(tmp_path / "d"), *args])
    assert result.exit_code == code, result.output
    assert not (tmp_path / "d").exists()


def _many_jobs(root: Path, n: int) -> Path:
    """The fixture referential plus ``n`` generated sheets: a build that takes seconds."""
    import yaml

    shutil.copytree(BUILD_DATA, root)
    text = "Il organise le travail de l'équipe et rend compte à la direction. " * 6
    for i in range(n):
        sheet = {"id": f"job-{i}", "title": {"fr": f"Métier {i}"}, "purpose": text,
                 "missions": [{"title": f"Mission {k}", "text": text} for k in range(4)],
                 "requirements": [{"competency": "communiquer-efficacement",
                                   "expected_level": 2, "example": text}]}
        (root / "jobs" / f"job-{i}.yaml").write_text(
            yaml.safe_dump(sheet, allow_unicode=True), "utf-8")
    return root


def test_real_ctrl_c_mid_write(old_bundle, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """SIGINT to a real ``rome-export build`` process once it is writing: exit 3, old bundle
    byte-identical, no temporary directory left."""
    import signal
    import time

    dist, before = old_bundle
    data = _many_jobs(tmp_path / "many", 1000)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rome_export", "build", str(data), "-o", str(dist), "-q"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # not ignored
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        tmp = [p for p in dist.parent.iterdir() if p.name.startswith(".dist.tmp-")]
        if tmp and (tmp[0] / "referential.ttl").exists():
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the build ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 3, err
    assert "interrupted" in err and "left as it was" in err
    assert snapshot(dist) == before and leftovers(dist) == []


def test_missing_data_dir_is_a_usage_error(tmp_path: Path, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["build", str(tmp_path / "nope"), "-o", str(tmp_path / "d")])
    assert result.exit_code == 2 and "no such directory" in result.output


def test_progress_callback_sees_every_stage(tmp_path: Path) -> None:
    seen: list[tuple[str, int, int]] = []
    build(BUILD_DATA, tmp_path / "d", progress=lambda *a: seen.append(a))
    stages = list(dict.fromkeys(s for s, _, _ in seen))
    assert stages[0] == "validating" and stages[-1] == "DCAT catalogue"
    assert {"RDF syntaxes", "JSON-LD per job", "CSV tables"} <= set(stages)
    assert all(0 <= done <= total for _, done, total in seen)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_bundle_files_are_the_bytes_of_a_direct_export(bundle: Path, name: str) -> None:
    """build writes the RDF syntaxes together, chunk by chunk: the bytes must not change."""
    import io

    from rome_export.sources import load

    fmt = FORMATS[name]
    out = io.BytesIO()
    options = {"context_url": f"{DL}schemas/context.jsonld"} if name == "jsonld" else None
    fmt.writer()(load(BUILD_DATA), out, options=options)
    assert (bundle / f"referential{fmt.extension}").read_bytes() == out.getvalue()


def test_json_ld_documents_name_the_context_the_bundle_serves(bundle: Path) -> None:
    """The package's w3id context URL is not registered: documents of a bundle point at
    the copy the release serves beside them, so a JSON-LD processor can expand them."""
    docs = [bundle / "referential.jsonld", *sorted((bundle / "jobs").glob("*.jsonld"))]
    assert len(docs) > 1
    for doc in docs:
        context = json.loads(doc.read_bytes())["@context"]
        assert context == f"{DL}schemas/context.jsonld"
        assert (bundle / context.removeprefix(DL)).is_file()
