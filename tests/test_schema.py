"""The committed JSON Schemas match the model, and an independent validator accepts the data."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from rome_export.schema import SCHEMA_FILES, render

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(SCHEMA_FILES))
def test_committed_schema_matches_the_model(name):
    committed = (ROOT / "schemas" / name).read_text("utf-8")
    assert committed == render(SCHEMA_FILES[name], name), (
        f"schemas/{name} drifted from the model: run 'rome-export schema'"
    )


def as_json(value):
    """YAML → JSON data model, as an editor's language server sees it (keys are strings)."""
    if isinstance(value, dict):
        return {str(k): as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize(
    ("source", "name"),
    [
        ("data/jobs/office-manager.yaml", "jobsheet.schema.json"),
        ("data/competencies.yaml", "competencies.schema.json"),
        ("data/dataset.yaml", "dataset.schema.json"),
    ],
)
def test_bundled_files_validate_against_their_schema(source, name):
    schema = json.loads((ROOT / "schemas" / name).read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    document = as_json(yaml.safe_load((ROOT / source).read_text("utf-8")))
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    assert list(validator.iter_errors(document)) == []


def test_the_schema_rejects_what_the_model_rejects():
    schema = json.loads((ROOT / "schemas" / "jobsheet.schema.json").read_text("utf-8"))
    document = as_json(yaml.safe_load((ROOT / "data/jobs/office-manager.yaml").read_text("utf-8")))
    document["requirements"][0]["expected_level"] = 5
    document["mappings"]["rome"][0]["code"] = "Z9999"
    document["surprise"] = True
    validator = jsonschema.Draft202012Validator(schema)
    messages = sorted(e.json_path for e in validator.iter_errors(document))
    assert messages == ["$", "$.mappings.rome[0].code", "$.requirements[0].expected_level"]


def test_modelines_point_at_the_schemas():
    for source, name in [
        ("data/jobs/office-manager.yaml", "jobsheet.schema.json"),
        ("data/competencies.yaml", "competencies.schema.json"),
    ]:
        first = (ROOT / source).read_text("utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema=")
        target = (ROOT / source).parent / first.split("$schema=")[1]
        assert target.resolve() == (ROOT / "schemas" / name).resolve()
