"""DESIGN's "Identifiers and IRIs" and "RDF contract", bullet by bullet, on the export.

Each test states one bullet of the contract with IRIs minted by ``iris.py`` and checks the
triples are there (and, where the contract says "absent when unknown", that they are not).
A golden Turtle file of the kitchen-sink referential, compared as a graph, catches any
other change of the output.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic

from rdf_kitchen_sink import BASE, referential
from rome_export.iris import DCTERMS, RDF, RX, SCHEMA, SKOS, XSD, Iris, direction, proximity
from rome_export.iris import sector as sector_iri
from rome_export.serialisers.rdf import write_turtle
from rome_export.serialisers.triples import build

GOLDEN = Path(__file__).parent / "golden" / "rdf_kitchen_sink.ttl"
IRIS = Iris(BASE)


@pytest.fixture(scope="module")
def g() -> set[tuple[str, str, object]]:
    """The kitchen sink's triples as (s, p, o) with o an IRI string or (value, lang|dt)."""
    out: set[tuple[str, str, object]] = set()
    for t in build(referential()):
        o = t.object
        value: object = o.value if isinstance(o, ox.NamedNode) else (
            o.value, o.language or o.datatype.value)
        out.add((t.subject.value, t.predicate.value, value))
    return out


def has(g, s: str, p: str, o: object) -> bool:  # type: ignore[no-untyped-def]
    return (s, p, o) in g


def objects(g, s: str, p: str) -> set[object]:  # type: ignore[no-untyped-def]
    return {o for (s2, p2, o) in g if s2 == s and p2 == p}


TYPE = f"{RDF}type"


def test_job_sheet(g) -> None:  # type: ignore[no-untyped-def]
    job = IRIS.job("office-manager")
    assert job == f"{BASE}job/office-manager"
    for cls in (f"{SKOS}Concept", f"{RX}JobSheet", f"{SCHEMA}Occupation"):
        assert has(g, job, TYPE, cls)
    assert has(g, job, f"{SKOS}inScheme", IRIS.scheme("jobs"))
    assert objects(g, job, f"{SKOS}prefLabel") == {("Office Manager", "fr"),
                                                   ("Office manager", "en")}
    assert objects(g, job, f"{SKOS}altLabel") == {("Assistant RH", "fr"),
                                                  ("Assistant comptable", "fr"),
                                                  ("Assistant", "en")}
    assert objects(g, job, f"{SKOS}definition") == {
        ("L'Office Manager optimise le fonctionnement de l'entreprise.", "fr")}
    assert objects(g, job, f"{SKOS}broader") == {IRIS.family("services-generaux")}
    assert objects(g, job, f"{SKOS}notation") == {("OM-01", f"{XSD}string")}
    # no notation where the publisher has no code
    assert objects(g, IRIS.job("assistant-de-direction"), f"{SKOS}notation") == set()


def test_macro_competency_and_level_descriptors(g) -> None:  # type: ignore[no-untyped-def]
    comp = IRIS.competency("budget")
    assert has(g, comp, TYPE, f"{RX}MacroCompetency") and has(g, comp, TYPE, f"{SKOS}Concept")
    assert has(g, comp, f"{SKOS}inScheme", IRIS.scheme("competencies"))
    assert objects(g, comp, f"{SKOS}prefLabel") == {("Réaliser un budget", "fr")}
    assert objects(g, comp, f"{SKOS}definition") == {
        ("Chiffrer une activité et en suivre le budget.", "fr")}
    descriptors = {IRIS.level_descriptor("budget", n) for n in (1, 2, 3, 4)}
    assert IRIS.level_descriptor("budget", 2) == f"{BASE}competency/budget/level/2"
    assert objects(g, comp, f"{SKOS}narrower") == descriptors
    d = IRIS.level_descriptor("budget", 4)
    assert has(g, d, TYPE, f"{RX}LevelDescriptor") and has(g, d, TYPE, f"{SKOS}Concept")
    assert objects(g, d, f"{SKOS}broader") == {comp}
    assert objects(g, d, f"{SKOS}definition") == {
        ('Relier "chiffrage" \\ obligations <fiscales> & sociales', "fr")}
    assert objects(g, d, f"{RX}level") == {IRIS.level(4)}
    # zero descriptors: no narrower, no descriptor node
    assert objects(g, IRIS.competency("anglais"), f"{SKOS}narrower") == set()


def test_generic_levels_and_their_ordered_collection(g) -> None:  # type: ignore[no-untyped-def]
    for n in (1, 2, 3, 4):
        level = IRIS.level(n)
        assert level == f"{BASE}level/{n}"
        assert has(g, level, TYPE, f"{RX}ProficiencyLevel")
        assert has(g, level, f"{SKOS}inScheme", IRIS.scheme("levels"))
        assert objects(g, level, f"{SKOS}notation") == {(str(n), f"{XSD}string")}
        assert objects(g, level, f"{RX}rank") == {(str(n), f"{XSD}integer")}
    collection = IRIS.levels_collection()
    assert has(g, collection, TYPE, f"{SKOS}OrderedCollection")
    cell, seen = next(iter(objects(g, collection, f"{SKOS}memberList"))), []
    while cell != f"{RDF}nil":
        assert cell == IRIS.levels_list_cell(len(seen) + 1)  # minted, never a blank node
        seen.append(next(iter(objects(g, cell, f"{RDF}first"))))
        cell = next(iter(objects(g, cell, f"{RDF}rest")))
    assert seen == [IRIS.level(n) for n in (1, 2, 3, 4)]


def test_requirement_nodes(g) -> None:  # type: ignore[no-untyped-def]
    job = IRIS.job("office-manager")
    req = IRIS.requirement("office-manager", "communiquer")
    assert req == f"{BASE}job/office-manager/requirement/communiquer"
    assert has(g, job, f"{RX}requires", req)
    assert has(g, req, TYPE, f"{RX}CompetencyRequirement")
    assert objects(g, req, f"{RX}competency") == {IRIS.competency("communiquer")}
    assert objects(g, req, f"{RX}expectedLevel") == {IRIS.level(3)}
    assert objects(g, req, f"{RX}example") == {("Il adapte son discours.", "fr")}
    assert has(g, job, f"{RX}hasCompetency", IRIS.competency("communiquer"))
    unknown = IRIS.requirement("office-manager", "anglais")
    assert objects(g, unknown, f"{RX}expectedLevel") == set()  # absent when unknown
    assert objects(g, IRIS.requirement("office-manager", "budget"), f"{RX}example") == set()


def test_mobility_nodes(g) -> None:  # type: ignore[no-untyped-def]
    job = IRIS.job("office-manager")
    first, second = IRIS.mobility("office-manager", 1), IRIS.mobility("office-manager", 2)
    assert first == f"{BASE}job/office-manager/mobility/1"
    assert objects(g, job, f"{RX}mobility") == {first, second}
    assert objects(g, first, f"{RX}target") == {IRIS.job("assistant-de-direction")}
    assert objects(g, first, f"{RX}direction") == {direction("evolution")}
    assert objects(g, first, f"{RX}proximity") == {proximity("forte")}
    assert objects(g, first, f"{RX}sector") == {sector_iri("transverses")}
    assert has(g, job, f"{SKOS}related", IRIS.job("assistant-de-direction"))
    assert objects(g, second, f"{RX}target") == set()
    assert objects(g, second, f"{RX}targetLabel") == {("Agent d'accueil", "fr")}
    for prop in ("direction", "proximity", "sector"):  # absent when unknown
        assert objects(g, second, f"{RX}{prop}") == set()


def test_mappings(g) -> None:  # type: ignore[no-untyped-def]
    job = IRIS.job("office-manager")
    esco = "http://data.europa.eu/esco/occupation/a5b5a8b1-1b8f-4a4b-9c0e-3b1b5e1f2a3c"
    assert objects(g, job, f"{SKOS}broadMatch") == {esco}
    assert objects(g, job, f"{SKOS}exactMatch") == {"http://data.europa.eu/esco/isco/C3341"}
    assert objects(g, job, f"{RX}romeCode") == {("M1604", f"{XSD}string")}
    [code] = objects(g, job, f"{SCHEMA}occupationalCategory")
    assert has(g, code, TYPE, f"{SCHEMA}CategoryCode")
    assert objects(g, code, f"{SCHEMA}codeValue") == {("M1604", f"{XSD}string")}
    [code_set] = objects(g, code, f"{SCHEMA}inCodeSet")
    assert has(g, code_set, TYPE, f"{SCHEMA}CategoryCodeSet")


def test_every_scheme_has_top_concepts_and_every_concept_a_scheme(g) -> None:  # type: ignore[no-untyped-def]
    for name in ("jobs", "competencies", "levels", "families"):
        assert has(g, IRIS.scheme(name), TYPE, f"{SKOS}ConceptScheme")
        assert objects(g, IRIS.scheme(name), f"{SKOS}hasTopConcept")
    concepts = {s for (s, p, o) in g if p == TYPE and o == f"{SKOS}Concept"}
    assert all(objects(g, c, f"{SKOS}inScheme") for c in concepts)


def test_labels_are_nfc() -> None:
    ref = referential(jobs=[{"id": "a", "title": {"fr": "Ge\u0301rant"}}])  # decomposed é
    labels = [t.object.value for t in build(ref) if t.predicate.value == f"{SKOS}prefLabel"
              and t.subject.value == IRIS.job("a")]
    assert labels == ["Gérant"] and unicodedata.is_normalized("NFC", labels[0])


def test_dataset_metadata_without_dcat_distributions(g) -> None:  # type: ignore[no-untyped-def]
    dataset = IRIS.dataset()
    assert ("Test referential", "en") in objects(g, dataset, f"{DCTERMS}title")
    assert not any(p.startswith("http://www.w3.org/ns/dcat#") for (_, p, _) in g)


def test_golden_turtle_is_the_same_graph(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Regenerate with ``python tests/test_rdf_contract.py`` after an intended change."""
    out = tmp_path / "now.ttl"
    with out.open("wb") as stream:
        write_turtle(referential(), stream)
    now = rdflib.Graph().parse(out, format="turtle")
    golden = rdflib.Graph().parse(GOLDEN, format="turtle")
    if not isomorphic(now, golden):
        _both, only_now, only_golden = graph_diff(now, golden)
        pytest.fail(f"new: {sorted(only_now)[:5]}\ngone: {sorted(only_golden)[:5]}")


if __name__ == "__main__":
    GOLDEN.parent.mkdir(exist_ok=True)
    with GOLDEN.open("wb") as stream:
        write_turtle(referential(), stream)
