"""SKOS integrity of the exported graph (DESIGN, validation layer 4), named after qSKOS.

Each check is one SPARQL query run on a pyoxigraph ``Store`` (fast at any scale: no rdflib
graph is built). The checks and their issue codes, after the qSKOS quality issues:

============================  =====================================  ========
code                          qSKOS issue                            severity
============================  =====================================  ========
skos-multiple-preflabels      Inconsistent Preferred Labels          error
skos-disjoint-labels          Disjoint Labels Violation              error
skos-cyclic-hierarchy         Cyclic Hierarchical Relations          error
skos-relation-clash           Associative vs. Hierarchical Clashes   error
skos-orphan-concept           Orphan Concepts                        warning
skos-omitted-top-concepts     Omitted Top Concepts                   error
skos-top-concept-has-broader  Top Concept Having Broader Concepts    warning
skos-unidirectional-relation  Unidirectionally Related Concepts      warning
skos-empty-label              Empty Labels                           error
skos-unlabeled-concept        (Missing Labels)                       error
skos-concept-without-scheme   (Omitted In-Scheme)                    error
============================  =====================================  ========

An orphan is a concept in no hierarchy: neither a top concept of a scheme nor linked by
``skos:broader``/``narrower``/``related`` (a macro-competency without level descriptors
and not a top concept would be one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pyoxigraph import Quad, RdfFormat, Store, Triple, serialize

from rome_export.validation.report import Issue, Severity

if TYPE_CHECKING:
    from rome_export.model import Referential
    from rome_export.sources import Loaded

_PREFIX = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
_HIER = "(skos:broader|^skos:narrower)"


@dataclass(frozen=True, slots=True)
class Check:
    code: str
    severity: Severity
    query: str  # selects ?c (the concept or scheme at fault) and ?detail
    message: str  # formatted with {c} and {detail}


CHECKS: tuple[Check, ...] = (
    Check("skos-multiple-preflabels", Severity.ERROR, """
        SELECT DISTINCT ?c (LANG(?a) AS ?detail) WHERE {
          ?c skos:prefLabel ?a, ?b . FILTER(?a != ?b && LANG(?a) = LANG(?b)) }""",
          "{c} has more than one skos:prefLabel in language '{detail}'"),
    Check("skos-disjoint-labels", Severity.ERROR, """
        SELECT DISTINCT ?c (STR(?l) AS ?detail) WHERE {
          ?c skos:prefLabel|skos:altLabel ?l . ?c skos:altLabel|skos:hiddenLabel ?l .
          FILTER EXISTS { ?c ?p1 ?l . ?c ?p2 ?l . FILTER(?p1 != ?p2) } }""",
          "{c} has the label \"{detail}\" under two of skos:prefLabel, altLabel, hiddenLabel"),
    Check("skos-cyclic-hierarchy", Severity.ERROR, f"""
        SELECT DISTINCT ?c ("" AS ?detail) WHERE {{ ?c {_HIER}+ ?c }}""",
          "{c} is its own broader concept (a cycle of skos:broader/narrower)"),
    Check("skos-orphan-concept", Severity.WARNING, """
        SELECT DISTINCT ?c ("" AS ?detail) WHERE {
          ?c a skos:Concept .
          FILTER NOT EXISTS { ?c skos:broader|skos:narrower|skos:related
                                 |^skos:broader|^skos:narrower|^skos:related
                                 |skos:topConceptOf|^skos:hasTopConcept ?x } }""",
          "{c} is an orphan: in no hierarchy and not a top concept"),
    Check("skos-omitted-top-concepts", Severity.ERROR, """
        SELECT DISTINCT ?c ("" AS ?detail) WHERE {
          ?c a skos:ConceptScheme . FILTER NOT EXISTS { ?c skos:hasTopConcept ?t } }""",
          "concept scheme {c} has no top concept (skos:hasTopConcept)"),
    Check("skos-top-concept-has-broader", Severity.WARNING, """
        SELECT DISTINCT ?c (STR(?b) AS ?detail) WHERE {
          ?s skos:hasTopConcept ?c . ?c skos:broader ?b . ?b skos:inScheme ?s }""",
          "{c} is a top concept of its scheme but has a broader concept there, {detail}"),
    Check("skos-unidirectional-relation", Severity.WARNING, """
        SELECT DISTINCT ?c (CONCAT(?name, " <", STR(?d), ">") AS ?detail) WHERE {
          VALUES (?p ?inverse ?name) {
            (skos:related skos:related "skos:related")
            (skos:broader skos:narrower "skos:broader")
            (skos:narrower skos:broader "skos:narrower")
            (skos:topConceptOf skos:hasTopConcept "skos:topConceptOf")
            (skos:hasTopConcept skos:topConceptOf "skos:hasTopConcept") }
          ?c ?p ?d . FILTER NOT EXISTS { ?d ?inverse ?c } }""",
          "{c} states {detail}, but not the inverse (SKOS tools do not infer it)"),
    Check("skos-empty-label", Severity.ERROR, """
        SELECT DISTINCT ?c (STR(?p) AS ?detail) WHERE {
          ?c ?p ?l . VALUES ?p { skos:prefLabel skos:altLabel skos:hiddenLabel }
          FILTER(REGEX(STR(?l), "^\\\\s*$")) }""",
          "{c} has an empty label ({detail})"),
    Check("skos-unlabeled-concept", Severity.ERROR, """
        SELECT DISTINCT ?c ("" AS ?detail) WHERE {
          ?c a skos:Concept . FILTER NOT EXISTS { ?c skos:prefLabel ?l } }""",
          "{c} has no skos:prefLabel"),
    Check("skos-concept-without-scheme", Severity.ERROR, """
        SELECT DISTINCT ?c ("" AS ?detail) WHERE {
          ?c a skos:Concept .
          FILTER NOT EXISTS { ?c skos:inScheme|skos:topConceptOf|^skos:hasTopConcept ?s } }""",
          "{c} is in no concept scheme (skos:inScheme)"),
)
CLASH = "skos-relation-clash"
CODES = (*(check.code for check in CHECKS), CLASH)


def store_of(data: Store | Iterable[Triple | Quad]) -> Store:
    """A pyoxigraph store holding ``data`` (returned as is when it is one already).

    The statements are streamed to N-Triples in a temporary file, then bulk-loaded by Rust,
    so that neither a list of triples nor the whole text is held in Python memory (at
    10,000 sheets a list alone is ~1 GB).
    """
    if isinstance(data, Store):
        return data
    import tempfile

    store = Store()
    triples = (t if isinstance(t, Triple) else Triple(t.subject, t.predicate, t.object)
               for t in data)
    with tempfile.NamedTemporaryFile(suffix=".nt") as tmp:
        serialize(triples, tmp, RdfFormat.N_TRIPLES)
        tmp.flush()
        if tmp.tell():
            store.bulk_load(path=tmp.name, format=RdfFormat.N_TRIPLES)
    return store


def exported_store(loaded: Loaded) -> Store:
    """The export of what loaded, in a store made once for every layer-4 check of a run
    (the SKOS checks and the shapes each made their own: twice the walk and the load)."""
    store = loaded.derived.get("export-store")
    if store is None:
        from rome_export.serialisers.triples import triples

        store = loaded.derived["export-store"] = store_of(triples(loaded.referential()))
    assert isinstance(store, Store)
    return store


def check_skos(data: Store | Iterable[Triple | Quad]) -> list[Issue]:
    """Run every check on the graph; issues sorted by code, then concept."""
    store = store_of(data)
    issues: list[Issue] = []
    for check in CHECKS:
        rows = store.query(_PREFIX + check.query, use_default_graph_as_union=True)
        found = sorted({(row["c"].value, row["detail"].value) for row in rows})  # type: ignore[union-attr]
        issues.extend(
            Issue(check.code, check.severity, check.message.format(c=f"<{c}>", detail=d),
                  path=c)
            for c, d in found
        )
    issues.extend(_relation_clashes(store))
    return sorted(issues, key=lambda i: (CODES.index(i.code), i.path or "", i.message))


def _relation_clashes(store: Store) -> list[Issue]:
    """skos:related between concepts that are also linked hierarchically (SKOS S27).

    A walk up the hierarchy in Python: the same test as a SPARQL property path
    (``?c (skos:broader|^skos:narrower)+ ?d`` per related pair) took 10 s at 10,000 sheets.
    """
    parents: dict[str, set[str]] = {}
    edges = store.query(_PREFIX + "SELECT ?a ?b WHERE { { ?a skos:broader ?b } UNION "
                        "{ ?b skos:narrower ?a } }", use_default_graph_as_union=True)
    for row in edges:  # type: ignore[union-attr]
        parents.setdefault(row["a"].value, set()).add(row["b"].value)
    if not parents:
        return []

    def above(start: str, goal: str) -> bool:
        seen, todo = {start}, list(parents.get(start, ()))
        while todo:
            node = todo.pop()
            if node == goal:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(parents.get(node, ()))
        return False

    related = store.query(_PREFIX + "SELECT DISTINCT ?c ?d WHERE { ?c skos:related ?d }",
                          use_default_graph_as_union=True)
    found = set()
    for row in related:  # type: ignore[union-attr]
        c, d = row["c"].value, row["d"].value
        if above(c, d) or above(d, c):
            found.add((c, d))
    return [Issue(CLASH, Severity.ERROR,
                  f"<{c}> is both skos:related to and hierarchically linked with <{d}>", path=c)
            for c, d in sorted(found)]


def check_referential(referential: Referential, base: str | None = None) -> list[Issue]:
    from rome_export.serialisers.triples import build

    return check_skos(build(referential, base))


def check(loaded: Loaded) -> list[Issue]:
    """Layer 4 for ``validate``: SKOS checks on the export of what loaded without errors.

    Issues about a sheet or a competency point at its source file.
    """
    return on_export(loaded, check_skos)


def on_export(loaded: Loaded, checks: Callable[[Store], list[Issue]]) -> list[Issue]:
    """A layer-4 check (SKOS, either SHACL engine) run on the shared export store of what
    loaded without errors, its issues located in the sources."""
    if not loaded.report.ok or loaded.dataset is None:
        return []  # the export cannot be built; earlier layers already said why
    return locate(checks(exported_store(loaded)), loaded.referential(), loaded)


def locate(issues: list[Issue], referential: Referential, loaded: Loaded) -> list[Issue]:
    """Point issues whose node belongs to a sheet (or to a competency) at its YAML file."""
    from dataclasses import replace

    from rome_export.iris import Iris

    iris = Iris(referential.dataset.base_iri)
    files = {iris.job(job.id): source for job, source in
             zip(loaded.jobs, loaded.job_sources, strict=False)}
    out = []
    for issue in issues:
        node = issue.path or ""
        file = next((f for prefix, f in files.items()
                     if node == prefix or node.startswith(prefix + "/")), None)
        if file is None and node.startswith(iris.competency("")):
            file = loaded.competencies_file
        out.append(replace(issue, file=file) if file else issue)
    return out
