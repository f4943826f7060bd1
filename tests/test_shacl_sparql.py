"""The SPARQL engine for the shapes agrees with pySHACL, on valid and on broken graphs."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from pyoxigraph import RdfFormat, Store, Triple, parse, serialize

from rome_export.model import Referential
from rome_export.serialisers.triples import build
from rome_export.validation import shacl, shacl_sparql
from rome_export.validation.report import Issue

BASE = "https://w3id.org/rome-export/example/"
RX = "https://w3id.org/rome-export/ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
JOB = f"<{BASE}job/office-manager>"


@pytest.fixture(scope="module")
def nt(referential: Referential) -> str:
    out = serialize(build(referential), None, RdfFormat.N_TRIPLES)
    assert out is not None
    return out.decode("utf-8")


def _triples(text: str) -> list[Triple]:
    return list(parse(text.encode("utf-8"), RdfFormat.N_TRIPLES))


def _key(issues: list[Issue]) -> set[tuple[str, str | None, str]]:
    """(code, focus, where) where ``where`` is the focus and the path when it is an IRI."""
    return {(i.code, i.path, i.message.split(": ", 1)[0]) for i in issues}


def _drop(pattern: str) -> Callable[[str], str]:
    return lambda text: "".join(
        line for line in text.splitlines(keepends=True) if not re.search(pattern, line))


def _add(line: str) -> Callable[[str], str]:
    return lambda text: text + line + "\n"


def _sub(old: str, new: str, count: int = 0) -> Callable[[str], str]:
    return lambda text: re.sub(old, new, text, count=count)


def _first_requirement(text: str) -> str:
    match = re.search(rf"<({re.escape(BASE)}job/office-manager/requirement/[^>]+)>", text)
    assert match
    return match.group(1)


MUTATIONS: dict[str, Callable[[str], str]] = {
    "job without prefLabel": _drop(rf"^{re.escape(JOB)} <{SKOS}prefLabel>"),
    "two French prefLabels": _add(f'{JOB} <{SKOS}prefLabel> "Autre titre"@fr .'),
    "bad ROME code": _sub(r'"M1604"', '"Z1604"'),
    "ill-formed rank": _sub(r'"1"\^\^<http://www.w3.org/2001/XMLSchema#integer>',
                            '"un"^^<http://www.w3.org/2001/XMLSchema#integer>'),
    "mobility without target": _drop(rf"/mobility/1> <{RX}target"),
    "expected level 7": _sub(rf"(<{RX}expectedLevel> <{re.escape(BASE)}level/)\d>",
                             r"\g<1>7>", 1),
    "definition in English": _sub(r'(<http://www.w3.org/2004/02/skos/core#definition> "[^"]*")@fr',
                                  r"\1@en", 1),
    "unknown direction": _add(f"<{BASE}job/office-manager/mobility/1> <{RX}direction> "
                              f"<{RX}direction-sideways> ."),
    "blank list cell": _sub(rf"<{re.escape(BASE)}scheme/levels/list/2>", "_:cell2"),
    "scheme not typed": _drop(r"scheme/jobs> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"),
    "job not an Occupation": _drop(rf"^{re.escape(JOB)} <http://www.w3.org/1999/02/22-rdf-syntax"
                                   r"-ns#type> <https://schema.org/Occupation>"),
    "level IRI out of pattern": _add(f"<{BASE}level/9> <http://www.w3.org/1999/02/22-rdf-syntax"
                                     f"-ns#type> <{RX}ProficiencyLevel> ."),
    "broader as a literal": _add(f'{JOB} <{SKOS}broader> "famille" .'),
    # the shapes accepted these before (review): a job in the wrong scheme, a mission at
    # position 0
    "job in the competencies scheme": _sub(
        rf"({re.escape(JOB)} <{SKOS}inScheme> <{re.escape(BASE)}scheme/)jobs>",
        r"\g<1>competencies>", 1),
    "mission at position 0": _sub(
        rf"(/mission/1> <{RX}position> )\"1\"", r'\g<1>"0"', 1),
}


def test_valid_graph_conforms_in_both(nt: str) -> None:
    data = _triples(nt)
    assert shacl_sparql.check_shapes(data) == []
    assert shacl.check_shapes(data) == []


def test_a_hash_base_conforms_in_both(referential: Referential) -> None:
    """DESIGN allows a base ending with '#'; the IRI patterns of the shapes only knew
    '/level/n' and rejected every expected level of such an export (review)."""
    data = build(referential, "https://example.org/ref#")
    assert shacl_sparql.check_shapes(data) == []
    assert shacl.check_shapes(data) == []


@pytest.mark.parametrize("name", list(MUTATIONS))
def test_broken_graph_same_results(nt: str, name: str) -> None:
    broken = MUTATIONS[name](nt)
    assert broken != nt, "the mutation changed nothing: fix the test"
    data = _triples(broken)
    ours = shacl_sparql.check_shapes(data)
    reference = shacl.check_shapes(data)
    assert ours, f"{name}: the SPARQL engine found nothing"
    assert _key(ours) == _key(reference)


def test_requirement_twice_competency(nt: str) -> None:
    requirement = _first_requirement(nt)
    broken = nt + f"<{requirement}> <{RX}competency> <{BASE}competency/autre> .\n"
    data = _triples(broken)
    assert _key(shacl_sparql.check_shapes(data)) == _key(shacl.check_shapes(data))
    codes = {i.code for i in shacl_sparql.check_shapes(data)}
    assert {"shacl-max-count", "shacl-class"} <= codes


def test_store_input_same_as_triples(nt: str) -> None:
    broken = MUTATIONS["bad ROME code"](nt)
    store = Store()
    store.load(broken.encode("utf-8"), RdfFormat.N_TRIPLES)
    assert shacl_sparql.check_shapes(store) == shacl_sparql.check_shapes(_triples(broken))


def test_every_shape_compiles() -> None:
    compiled = shacl_sparql.shapes()
    components = {c.component for _, c in compiled.constraints}
    assert {"minCount", "maxCount", "datatype", "class", "pattern", "in", "uniqueLang",
            "languageIn", "qualifiedValueShape", "or", "nodeKind", "minInclusive"} <= components


def test_unknown_component_is_refused() -> None:
    store = Store()
    store.load(b"""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <http://example.org/S> sh:targetClass <http://example.org/C> ;
            sh:property [ sh:path <http://example.org/p> ; sh:lessThan <http://example.org/q> ] .
        """, RdfFormat.TURTLE)
    with pytest.raises(shacl_sparql.UnsupportedShape, match="lessThan"):
        shacl_sparql.Shapes(store)
