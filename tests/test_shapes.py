"""The vocabulary, the SHACL shapes and the SKOS integrity checks (validation layer 4)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from rdf_kitchen_sink import BASE, referential
from rome_export.iris import RX, direction, proximity, sector
from rome_export.model import Direction, Proximity, Sector
from rome_export.serialisers.terms import T
from rome_export.serialisers.triples import build
from rome_export.validation import shacl, skos
from rome_export.validation.report import Severity

ROOT = Path(__file__).resolve().parents[1]
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@pytest.fixture(scope="module")
def sink_triples() -> list[ox.Triple]:
    return build(referential())


@pytest.fixture(scope="module")
def vocabulary() -> ox.Store:
    store = ox.Store()
    store.load(path=str(ROOT / "ontology" / "vocabulary.ttl"), format=ox.RdfFormat.TURTLE)
    return store


# ------------------------------------------------------------------------ vocabulary


def test_every_rx_term_is_defined_with_french_and_english_labels_and_comments(
    vocabulary: ox.Store, sink_triples: list[ox.Triple]
) -> None:
    used = {term.value for t in sink_triples for term in (t.predicate, t.object)
            if isinstance(term, ox.NamedNode) and term.value.startswith(RX)}
    used |= {iri for iri in T.values() if iri.startswith(RX)}
    for iri in sorted(used):
        if iri.startswith(f"{RX}direction-") or iri.startswith(f"{RX}proximity-") or \
                iri.startswith(f"{RX}sector-"):
            continue
        for prop in ("http://www.w3.org/2000/01/rdf-schema#label",
                     "http://www.w3.org/2000/01/rdf-schema#comment"):
            langs = {q.object.language for q in vocabulary.quads_for_pattern(N(iri), N(prop), None)}
            assert {"fr", "en"} <= langs, (iri, prop)


def test_no_object_or_datatype_property_below_an_annotation_property(
    vocabulary: ox.Store,
) -> None:
    """OWL 2 DL: rx:feminineLabel was a DatatypeProperty sub-property of rdfs:label."""
    rows = vocabulary.query(
        "PREFIX owl: <http://www.w3.org/2002/07/owl#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?p WHERE { ?p a ?kind ; rdfs:subPropertyOf ?q . "
        "VALUES ?kind { owl:DatatypeProperty owl:ObjectProperty } "
        "VALUES ?q { rdfs:label rdfs:comment "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> "
        "<http://www.w3.org/2004/02/skos/core#altLabel> } }")
    assert [row["p"].value for row in rows] == []  # type: ignore[union-attr]


def test_small_schemes_hold_every_value_of_the_model(vocabulary: ox.Store) -> None:
    from typing import get_args

    for mint, values in ((direction, Direction), (proximity, Proximity), (sector, Sector)):
        for value in get_args(values):
            concept = N(mint(value))
            assert list(vocabulary.quads_for_pattern(concept, RDF_TYPE, N(SKOS + "Concept")))
            labels = {q.object.language for q in
                      vocabulary.quads_for_pattern(concept, N(SKOS + "prefLabel"), None)}
            assert labels == {"fr", "en"}, concept
            definitions = {q.object.language for q in
                           vocabulary.quads_for_pattern(concept, N(SKOS + "definition"), None)}
            assert definitions == {"fr", "en"}, concept
        scheme = next(vocabulary.quads_for_pattern(
            concept, N(SKOS + "inScheme"), None)).object
        comments = {q.object.language for q in vocabulary.quads_for_pattern(
            scheme, N("http://www.w3.org/2000/01/rdf-schema#comment"), None)}
        assert comments == {"fr", "en"}, scheme


def test_vocabulary_passes_the_skos_checks(vocabulary: ox.Store) -> None:
    assert skos.check_skos(vocabulary) == []


# ---------------------------------------------------------------------------- shapes


def test_exports_conform_to_the_shapes(referential, sink_triples) -> None:  # type: ignore[no-untyped-def]
    assert shacl.check_referential(referential) == []
    assert shacl.check_shapes(sink_triples) == []


def _without(triples: list[ox.Triple], subject: str, predicate: str) -> list[ox.Triple]:
    out = [t for t in triples
           if not (t.subject.value == subject and t.predicate.value == predicate)]
    assert len(out) < len(triples)
    return out


def _codes(issues) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return {(i.path, i.code) for i in issues}


def test_shapes_reject_a_job_without_a_preflabel(sink_triples) -> None:  # type: ignore[no-untyped-def]
    job = f"{BASE}job/office-manager"
    issues = shacl.check_shapes(_without(sink_triples, job, SKOS + "prefLabel"))
    assert (job, "shacl-min-count") in _codes(issues)
    assert all(i.severity is Severity.ERROR for i in issues)


def test_shapes_reject_a_requirement_with_a_level_outside_1_to_4(sink_triples) -> None:  # type: ignore[no-untyped-def]
    req = f"{BASE}job/office-manager/requirement/communiquer"
    broken = _without(sink_triples, req, T["expectedLevel"])
    broken.append(ox.Triple(N(req), N(T["expectedLevel"]), N(f"{BASE}level/5")))
    assert {(req, "shacl-class"), (req, "shacl-pattern")} <= _codes(shacl.check_shapes(broken))
    # even when someone declares a fifth level
    broken += [ox.Triple(N(f"{BASE}level/5"), RDF_TYPE, N(T["ProficiencyLevel"]))]
    assert (f"{BASE}level/5", "shacl-pattern") in _codes(shacl.check_shapes(broken))


def test_shapes_reject_a_level_descriptor_without_a_definition(sink_triples) -> None:  # type: ignore[no-untyped-def]
    descriptor = f"{BASE}competency/budget/level/2"
    issues = shacl.check_shapes(_without(sink_triples, descriptor, SKOS + "definition"))
    assert _codes(issues) == {(descriptor, "shacl-min-count")}
    assert "definition" in issues[0].message


def test_shapes_reject_two_french_preflabels_and_a_wrong_language(sink_triples) -> None:  # type: ignore[no-untyped-def]
    job = f"{BASE}job/office-manager"
    broken = [*sink_triples, ox.Triple(N(job), N(SKOS + "prefLabel"),
                                       ox.Literal("Autre", language="fr"))]
    assert (job, "shacl-unique-lang") in _codes(shacl.check_shapes(broken))
    purpose = next(t for t in sink_triples
                   if t.subject.value == job and t.predicate.value == SKOS + "definition")
    broken = [t for t in sink_triples if t != purpose]
    broken.append(ox.Triple(N(job), N(SKOS + "definition"), ox.Literal("x", language="de")))
    assert (job, "shacl-language-in") in _codes(shacl.check_shapes(broken))


def test_shapes_reject_an_unknown_mobility_value_and_a_missing_scheme(sink_triples) -> None:  # type: ignore[no-untyped-def]
    link = f"{BASE}job/office-manager/mobility/1"
    broken = _without(sink_triples, link, T["proximity"])
    broken.append(ox.Triple(N(link), N(T["proximity"]), N(RX + "proximity-immense")))
    scheme = f"{BASE}scheme/jobs"
    broken = _without(broken, scheme, SKOS + "hasTopConcept")
    codes = _codes(shacl.check_shapes(broken))
    assert (link, "shacl-in") in codes
    assert (scheme, "shacl-min-count") in codes


# ------------------------------------------------------------------------------ SKOS


def test_exports_pass_the_skos_checks(referential, sink_triples) -> None:  # type: ignore[no-untyped-def]
    assert skos.check_referential(referential) == []
    assert skos.check_skos(sink_triples) == []


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ([("job/office-manager", "prefLabel", ("Autre", "fr"))],
         ("job/office-manager", "skos-multiple-preflabels")),
        ([("job/office-manager", "altLabel", ("Office Manager", "fr"))],
         ("job/office-manager", "skos-disjoint-labels")),
        ([("family/communication", "broader", "job/charge-de-communication")],
         ("family/communication", "skos-cyclic-hierarchy")),
        ([("job/office-manager", "related", "family/services-generaux")],
         ("job/office-manager", "skos-relation-clash")),
        ([("job/office-manager", "altLabel", (" ", "fr"))],
         ("job/office-manager", "skos-empty-label")),
        ([("scheme/other", "type", "ConceptScheme")],
         ("scheme/other", "skos-omitted-top-concepts")),
        ([("job/x", "type", "Concept")], ("job/x", "skos-concept-without-scheme")),
        ([("job/x", "type", "Concept")], ("job/x", "skos-unlabeled-concept")),
        ([("job/x", "type", "Concept")], ("job/x", "skos-orphan-concept")),
        ([("job/office-manager", "broader", "job/charge-de-communication"),
          ("job/charge-de-communication", "inScheme", "scheme/jobs")],
         ("job/office-manager", "skos-top-concept-has-broader")),
        ([("job/x", "related", "job/office-manager")],
         ("job/x", "skos-unidirectional-relation")),
        ([("family/services-generaux", "narrower", "job/x")],
         ("family/services-generaux", "skos-unidirectional-relation")),
    ],
)
def test_skos_checks_find_each_qskos_issue(sink_triples, extra, expected) -> None:  # type: ignore[no-untyped-def]
    triples = list(sink_triples)
    for s, p, o in extra:
        predicate = RDF_TYPE if p == "type" else N(SKOS + p)
        obj = (ox.Literal(o[0], language=o[1]) if isinstance(o, tuple)
               else N(SKOS + o) if p == "type" else N(BASE + o))
        triples.append(ox.Triple(N(BASE + s), predicate, obj))
    found = {(i.path.removeprefix(BASE), i.code) for i in skos.check_skos(triples)}
    assert expected in found
    assert set(skos.CODES) >= {code for _, code in found}


def test_layer_four_checks_plug_into_validate(data_dir) -> None:  # type: ignore[no-untyped-def]
    from rome_export.validation import validate

    report = validate([data_dir], extra=[skos.check, shacl.check])
    assert not [i for i in report.issues if i.code.startswith(("skos-", "shacl-"))]


def test_skos_issues_point_at_the_sheet_file(data_dir) -> None:  # type: ignore[no-untyped-def]
    from rome_export.validation import load_paths

    loaded = load_paths([data_dir])
    ref = loaded.referential()
    iri = f"{ref.dataset.base_iri}job/office-manager/mobility/1"
    issue = skos.Issue("skos-x", Severity.ERROR, "m", path=iri)
    [located] = skos.locate([issue], ref, loaded)
    assert located.file is not None and located.file.endswith("office-manager.yaml")


def test_ontology_and_context_are_package_resources() -> None:
    from rome_export.errors import OperationalError
    from rome_export.resources import path, read_json

    assert path("ontology", "vocabulary.ttl").read_bytes() == \
        (ROOT / "ontology" / "vocabulary.ttl").read_bytes()
    assert path("ontology", "shapes.ttl").is_file()
    assert "@context" in read_json("schemas", "context.jsonld")
    with pytest.raises(OperationalError, match="not found"):
        path("ontology", "missing.ttl")
