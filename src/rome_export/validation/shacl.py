"""SHACL validation of the exported graph against ``ontology/shapes.ttl`` (layer 4).

pySHACL is the reference implementation we trust for the shapes' semantics, but it needs
an rdflib graph and is slow at scale (PERFORMANCE.md: 14.8 s + 17.4 s to build the graph at
10,000 sheets). Here the graph is handed over as N-Triples written by pyoxigraph, which
rdflib parses quickly; a SPARQL equivalent on pyoxigraph may replace it for very large
referentials.

Each SHACL result becomes an :class:`~rome_export.validation.report.Issue` with the code
``shacl-<constraint>`` (``shacl-min-count``, ``shacl-class``, ``shacl-pattern`` …), the
focus node's IRI as its path, and the shape's message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pyoxigraph import Quad, RdfFormat, Store, Triple, serialize

from rome_export.iris import PREFIXES
from rome_export.validation.report import Issue, Severity

if TYPE_CHECKING:
    from rome_export.model import Referential
    from rome_export.sources import Loaded

SH = "http://www.w3.org/ns/shacl#"


def _code(component: str) -> str:
    name = component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent")
    return "shacl-" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _compact(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda p: -len(p[1])):
        if iri.startswith(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return f"<{iri}>"


def _ntriples(data: Store | Iterable[Triple | Quad]) -> bytes:
    if isinstance(data, Store):
        triples: Iterable[Triple] = (Triple(q.subject, q.predicate, q.object) for q in data)
    else:
        triples = (t if isinstance(t, Triple) else Triple(t.subject, t.predicate, t.object)
                   for t in data)
    out = serialize(triples, None, RdfFormat.N_TRIPLES)
    assert out is not None
    return out


def shapes_graph() -> Any:
    """The shapes as an rdflib graph."""
    from rdflib import Graph

    from rome_export.resources import read_bytes

    return Graph().parse(data=read_bytes("ontology", "shapes.ttl"), format="turtle")


def check_shapes(data: Store | Iterable[Triple | Quad]) -> list[Issue]:
    """Validate a graph (a pyoxigraph store or triples) against the shapes."""
    from pyshacl import validate
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF

    graph = Graph().parse(data=_ntriples(data), format="nt")
    _conforms, results, _text = validate(graph, shacl_graph=shapes_graph(), advanced=True)
    sh = {name: URIRef(SH + name) for name in (
        "ValidationResult", "focusNode", "resultPath", "resultMessage", "value",
        "resultSeverity", "sourceConstraintComponent", "Violation")}
    issues = []
    for result in results.subjects(RDF.type, sh["ValidationResult"]):
        focus = str(results.value(result, sh["focusNode"]))
        path = results.value(result, sh["resultPath"])
        value = results.value(result, sh["value"])
        messages = sorted(str(m) for m in results.objects(result, sh["resultMessage"]))
        severity = (Severity.ERROR if results.value(result, sh["resultSeverity"]) ==
                    sh["Violation"] else Severity.WARNING)
        component = str(results.value(result, sh["sourceConstraintComponent"]))
        where = f"<{focus}>"
        if isinstance(path, URIRef):
            where += f" {_compact(str(path))}"
        text = messages[0] if messages else "does not conform to the shapes"
        if value is not None:
            shown = f'"{value}"' if isinstance(value, Literal) else _compact(str(value))
            text += f" (value: {shown})"
        issues.append(Issue(_code(component), severity, f"{where}: {text}", path=focus))
    return sorted(issues, key=lambda i: (i.path or "", i.code, i.message))


def check_referential(referential: Referential, base: str | None = None) -> list[Issue]:
    from rome_export.serialisers.triples import build

    return check_shapes(build(referential, base))


def check(loaded: Loaded) -> list[Issue]:
    """Layer 4 for ``validate``: the shapes on the export of what loaded without errors."""
    from rome_export.validation.skos import on_export

    return on_export(loaded, check_shapes)
