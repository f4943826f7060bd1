"""The canonical model: strict, NFC, slugs, code formats; Hypothesis on round trips."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from rome_export.model import Competency, EscoMapping, IscoMapping, JobSheet, RomeMapping
from rome_export.sources import dump_job, parse_yaml


def test_text_is_nfc_normalised():
    c = Competency(id="x", label={"fr": "Cafe\u0301"})
    assert c.label["fr"] == "Café" and unicodedata.is_normalized("NFC", c.label["fr"])


@pytest.mark.parametrize("bad", ["../x", "Office-Manager", "a_b", "é", "-a", "a--b", ""])
def test_ids_are_lowercase_slugs(bad):
    with pytest.raises(ValidationError):
        JobSheet(id=bad, title={"fr": "X"})


@pytest.mark.parametrize(
    ("model", "field", "good", "bad"),
    [
        (RomeMapping, "code", "M1604", "m1604"),
        (RomeMapping, "code", "A1101", "O1234"),
        (IscoMapping, "code", "3341", "334"),
        (
            EscoMapping,
            "iri",
            "http://data.europa.eu/esco/occupation/6e6839b6-099c-4802-906e-7f2c8203ee69",
            "http://data.europa.eu/esco/skill/x",
        ),
    ],
)
def test_code_formats(model, field, good, bad):
    model(**{field: good, "match": "exactMatch"})
    with pytest.raises(ValidationError):
        model(**{field: bad, "match": "exactMatch"})


def test_unknown_fields_and_coercion_are_refused():
    with pytest.raises(ValidationError):
        JobSheet(id="x", title={"fr": "X"}, surprise=1)
    with pytest.raises(ValidationError):
        JobSheet.model_validate(
            {
                "id": "x",
                "title": {"fr": "X"},
                "requirements": [{"competency": "c", "expected_level": "2"}],
            }
        )


def test_a_title_needs_french():
    with pytest.raises(ValidationError, match="French"):
        JobSheet(id="x", title={"en": "X"})


texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1).map(
    lambda s: unicodedata.normalize("NFC", s)
)


@given(title=texts, purpose=texts, example=texts)
def test_any_text_survives_a_yaml_round_trip(title, purpose, example):
    job = JobSheet(
        id="x",
        title={"fr": title},
        purpose=purpose,
        requirements=[{"competency": "c", "example": example}],
    )
    data, issues = parse_yaml(dump_job(job), "x.yaml")
    assert issues == []
    assert JobSheet.model_validate(data) == job


def test_a_value_used_twice_is_dumped_twice_not_as_an_alias():
    """Regression: one date object for source.retrieved and modified made an anchor and an
    alias, which the loader then refused (found by bench/generate.py)."""
    import datetime as dt

    day = dt.date(2026, 1, 1)
    job = JobSheet(id="x", title={"fr": "X"}, source={"url": "https://x.org/a", "retrieved": day},
                   modified=day)
    text = dump_job(job)
    assert "&" not in text and "*" not in text
    data, issues = parse_yaml(text, "x.yaml")
    assert issues == [] and JobSheet.model_validate(data) == job
