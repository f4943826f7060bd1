"""CSV tables and the Frictionless data package: every field has a home, keys hold, formulas
are neutralised in the flat table only, and frictionless catches a dangling id."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from build_fixtures import fixture_referential
from rome_export.model import JobSheet
from rome_export.serialisers import csv as csvser
from rome_export.serialisers.csv import Table, to_rows, write_table
from rome_export.serialisers.datapackage import descriptor, table_path


@pytest.fixture(scope="module")
def ref():  # type: ignore[no-untyped-def]
    return fixture_referential()


@pytest.fixture(scope="module")
def tables(ref):  # type: ignore[no-untyped-def]
    return csvser.to_rows(ref)


def _read(table: csvser.Table) -> list[dict[str, str]]:
    buf = io.BytesIO()
    csvser.write_table(table, buf)
    return list(csv.DictReader(io.StringIO(buf.getvalue().decode("utf-8"), newline="")))


# Where each field of a job sheet lives. A new model field fails this test until it has a home.
JOB_FIELD_HOMES = {
    "id": "jobs.job_id", "code": "jobs.code", "title": "labels(title)",
    "title_feminine": "labels(title_feminine)", "family": "jobs.family_id + families",
    "alt_titles": "labels(alt_title)", "purpose": "jobs.purpose", "missions": "missions",
    "work_context": "contexts", "working_conditions": "conditions + relations",
    "requirements": "requirements", "certifications": "certifications",
    "mobility": "mobility", "mobility_note": "jobs.mobility_note", "access": "jobs.access",
    "trends": "trends", "further_reading": "further_reading", "mappings": "mappings",
    "source": "jobs.source_url + source_retrieved", "modified": "jobs.modified",
}


# The other models, field by field: (model, field) -> table.column
OTHER_FIELD_HOMES = {
    ("Competency", "id"): "competencies.competency_id",
    ("Competency", "label"): "competency_labels", ("Competency", "levels"): "level_descriptors",
    ("Competency", "definition"): "competencies.definition",
    ("Family", "id"): "families.family_id", ("Family", "label"): "family_labels",
    ("Mission", "title"): "missions.title", ("Mission", "text"): "missions.text",
    ("TitledText", "title"): "contexts.title", ("TitledText", "text"): "contexts.text",
    ("WorkContext", "specific_variables"): "contexts(specific_variable)",
    ("WorkContext", "organisational_contexts"): "contexts(organisational_context)",
    ("WorkingConditions", "rhythm"): "conditions.rhythm",
    ("WorkingConditions", "travel"): "conditions.travel",
    ("WorkingConditions", "relations"): "relations",
    ("Relations", "internal"): "relations(internal)",
    ("Relations", "external"): "relations(external)",
    ("Requirement", "competency"): "requirements.competency_id",
    ("Requirement", "expected_level"): "requirements.expected_level",
    ("Requirement", "example"): "requirements.example",
    ("Certifications", "branch"): "certifications(branch)",
    ("Certifications", "outside_branch"): "certifications(outside_branch)",
    ("MobilityLink", "target"): "mobility.target_job_id",
    ("MobilityLink", "target_label"): "mobility.target_label",
    ("MobilityLink", "direction"): "mobility.direction",
    ("MobilityLink", "proximity"): "mobility.proximity",
    ("MobilityLink", "sector"): "mobility.sector",
    ("Reading", "label"): "further_reading.label", ("Reading", "url"): "further_reading.url",
    ("Source", "url"): "jobs.source_url", ("Source", "retrieved"): "jobs.source_retrieved",
    ("Mappings", "rome"): "mappings(rome)", ("Mappings", "esco"): "mappings(esco)",
    ("Mappings", "isco"): "mappings(isco)",
    ("Provenance", "agent"): "mappings.provenance_agent",
    ("Provenance", "catalogue_version"): "mappings.provenance_catalogue_version",
    ("Provenance", "date"): "mappings.provenance_date",
}
MAPPING_FIELDS = {"code", "iri", "match", "label", "note", "provenance"}  # mappings.*


def test_every_job_field_has_a_home() -> None:
    assert set(JobSheet.model_fields) == set(JOB_FIELD_HOMES)


def test_every_field_of_the_parts_has_a_home() -> None:
    from rome_export import model

    for name in {m for m, _ in OTHER_FIELD_HOMES}:
        fields = set(getattr(model, name).model_fields)
        assert fields == {f for m, f in OTHER_FIELD_HOMES if m == name}, name
    for name in ("RomeMapping", "EscoMapping", "IscoMapping"):
        assert set(getattr(model, name).model_fields) <= MAPPING_FIELDS, name


def test_columns_and_row_order_are_fixed(tables) -> None:  # type: ignore[no-untyped-def]
    assert list(tables) == list(csvser.TABLES)
    for name, table in tables.items():
        assert table.columns == csvser.TABLES[name].column_names
        assert all(len(row) == len(table.columns) for row in table.rows), name
    jobs = [r[0] for r in tables["jobs"].rows]
    assert jobs == sorted(jobs) == ["assistant-direction", "office-manager"]


def test_kitchen_sink_values(tables) -> None:  # type: ignore[no-untyped-def]
    jobs = {r["job_id"]: r for r in _read(tables["jobs"])}
    om = jobs["office-manager"]
    assert om["purpose"].endswith('Sur deux lignes, avec "guillemets".')  # newline and quotes
    assert om["access"].startswith("Bac+2") and om["source_retrieved"] == "2026-01-05"
    assert jobs["assistant-direction"]["code"] == ""  # unknown is empty, never a guess
    labels = [(r["kind"], r["language"], r["position"], r["label"]) for r in _read(tables["labels"])
              if r["job_id"] == "office-manager"]
    assert ("alt_title", "fr", "2", "+Assistant commercial") in labels  # not neutralised here
    assert ("title_feminine", "fr", "1", "Office Manageuse") in labels
    reqs = _read(tables["requirements"])
    unknown = next(r for r in reqs if r["competency_id"] == "travailler-en-equipe")
    assert unknown["expected_level"] == "" and unknown["level_iri"] == ""
    mob = _read(tables["mobility"])
    assert [(m["target_job_id"], m["target_label"], m["direction"]) for m in mob] == [
        ("office-manager", "", "provenance"),
        ("assistant-direction", "", "evolution"),
        ("", "Chef de projet événementiel", ""),
    ]
    maps = {m["catalogue"]: m for m in _read(tables["mappings"])}
    assert maps["isco"]["iri"] == "http://data.europa.eu/esco/isco/C3341"
    assert maps["rome"]["provenance_catalogue_version"] == "v460"
    descriptors = _read(tables["level_descriptors"])
    assert descriptors[2]["descriptor"] == "=Animer une réunion, convaincre"  # byte-exact


def test_flat_table_neutralises_formulas_only_there(tables) -> None:  # type: ignore[no-untyped-def]
    flat = {(r["job_id"], r["competency_id"]): r for r in _read(tables[csvser.FLAT_TABLE])}
    row = flat[("office-manager", "communiquer-efficacement")]
    assert row["level_descriptor"] == "'=Animer une réunion, convaincre"
    assert row["example"] == "'@Rédiger le compte rendu d'une réunion"
    assert row["expected_level"] == "3" and row["competency_label_en"] == "Communicate effectively"
    assert flat[("office-manager", "gerer-un-budget")]["level_descriptor"] == "'-Préparer un budget"
    assert flat[("office-manager", "travailler-en-equipe")]["expected_level"] == ""
    for name, table in tables.items():
        if name == csvser.FLAT_TABLE:
            continue
        for row in table.rows:
            assert not any(isinstance(v, str) and v.startswith("'") for v in row), name


@pytest.mark.parametrize("value,expected", [
    ("=1+1", "'=1+1"), ("+33 1", "'+33 1"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"),
    ("a=b", "a=b"), ("", ""), (3, 3), (None, None),
])
def test_neutralise(value: object, expected: object) -> None:
    assert csvser.neutralise(value) == expected


def test_primary_keys_are_unique(tables) -> None:  # type: ignore[no-untyped-def]
    for name, table in tables.items():
        key = [table.columns.index(k) for k in csvser.TABLES[name].primary_key]
        keys = [tuple(row[i] for i in key) for row in table.rows]
        assert len(keys) == len(set(keys)), name


def _write_package(ref, root: Path) -> None:  # type: ignore[no-untyped-def]
    (root / "csv").mkdir()
    for name, table in csvser.to_rows(ref).items():
        with open(root / table_path(name), "wb") as out:
            csvser.write_table(table, out)
    (root / "datapackage.json").write_text(json.dumps(descriptor(ref), indent=2), "utf-8")


def _errors(root: Path) -> list[tuple[str, str]]:
    from frictionless import Package

    report = Package(str(root / "datapackage.json")).validate()
    return [(task.name, err.type) for task in report.tasks for err in task.errors]


def test_frictionless_accepts_the_package(ref, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _write_package(ref, tmp_path)
    assert _errors(tmp_path) == []


def test_frictionless_catches_a_dangling_id(ref, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _write_package(ref, tmp_path)
    path = tmp_path / "csv" / "requirements.csv"
    text = path.read_text("utf-8")
    path.write_text(text.replace(",gerer-un-budget,", ",budget-fantome,"), "utf-8")
    assert _errors(tmp_path) == [("requirements", "foreign-key")]


def test_frictionless_catches_a_bad_enum_and_a_duplicate_key(ref, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _write_package(ref, tmp_path)
    path = tmp_path / "csv" / "missions.csv"
    lines = path.read_text("utf-8").splitlines(keepends=True)
    path.write_text("".join([*lines, lines[-1]]), "utf-8")
    mob = tmp_path / "csv" / "mobility.csv"
    mob.write_text(mob.read_text("utf-8").replace(",evolution,", ",sideways,"), "utf-8")
    assert sorted(_errors(tmp_path)) == [
        ("missions", "primary-key"), ("mobility", "constraint-error")]


# ------------------------------------------------------- the writer against csv.writer


def _by_csv_module(table: Table) -> bytes:
    text = io.StringIO(newline="")
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return text.getvalue().encode("utf-8")


_cells = st.one_of(
    st.none(), st.integers(), st.booleans(), st.floats(allow_nan=False),
    st.text(alphabet=st.sampled_from([*'ab é,"\n\r\t;\'=+-@«»', "\u2028", "😀"])),
    st.text())


def _as_read(value: object) -> str:
    if value is None:
        return ""
    return repr(value) if type(value) is float else str(value)


@settings(max_examples=300)
@given(st.lists(st.lists(_cells, min_size=1, max_size=4), max_size=8),
       st.lists(st.text(min_size=1), min_size=1, max_size=4))
def test_write_table_reads_back_and_is_csv_writers_bytes(rows, columns) -> None:  # type: ignore[no-untyped-def]
    table = Table(tuple(columns), [tuple(r) for r in rows])
    out = io.BytesIO()
    assert write_table(table, out) == len(rows)
    read = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"), newline="")))
    expected = [list(columns)] + [[_as_read(v) for v in r] for r in rows]
    assert read == expected
    if not any("\r" in _as_read(v) for r in [columns, *rows] for v in r):
        # csv.writer leaves a CR unquoted with "\n" line ends (a CR breaks its row when read
        # back): elsewhere the bytes are the csv module's
        assert out.getvalue() == _by_csv_module(table)


def test_a_carriage_return_in_a_text_keeps_its_row() -> None:
    # Regression: csv.writer(lineterminator="\n") wrote "a\rb,c" unquoted, read as two rows.
    out = io.BytesIO()
    write_table(Table(("text", "n"), [("a\rb", 1), ("c\r\nd", 2)]), out)
    assert out.getvalue() == b'text,n\n"a\rb",1\n"c\r\nd",2\n'
    read = list(csv.reader(io.StringIO(out.getvalue().decode(), newline="")))
    assert read == [["text", "n"], ["a\rb", "1"], ["c\r\nd", "2"]]


def test_write_table_gives_the_bytes_of_csv_writer_on_every_table(referential) -> None:  # type: ignore[no-untyped-def]
    for name, table in to_rows(referential).items():
        out = io.BytesIO()
        write_table(table, out)
        assert out.getvalue() == _by_csv_module(table), name
