"""The referential as RDF triples (pyoxigraph objects), the one walk every RDF writer uses.

:func:`triples` walks the referential in sorted order and yields pyoxigraph ``Triple``
objects: named nodes and literals only, never a blank node (even the ``rdf:List`` cells of
the ordered level collection get minted IRIs). Triples about one subject come together, so
the Turtle groups them under one subject. The walk itself is deterministic, and
pyoxigraph's writers stream in the order they are given, so outputs are byte-identical
from run to run without a sort.

The writers live in :mod:`rome_export.serialisers.rdf`; the JSON-LD writer builds the
same graph from the model as dicts (tests prove both isomorphic).

The mapping from the model to triples is DESIGN's "RDF contract"; what DESIGN does not name
(missions, context notes, conditions, certifications, trends, reading, mapping records) is
in ``ontology/vocabulary.ttl``, so that nothing of a sheet is lost.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, get_args

from pyoxigraph import Literal, NamedNode, Triple

from rome_export.iris import Iris, direction, isco_group, proximity, sector
from rome_export.model import LEVELS, Direction, Proximity, Sector
from rome_export.serialisers.terms import (
    COLLECTION_LABELS,
    DESCRIPTOR_LABELS,
    LEVEL_LABELS,
    MAPPING_LABEL_LANG,
    ROME_CODE_SET_NAME,
    SCHEME_LABELS,
    TEXT_LANG,
    T,
)
from rome_export.util import gc_tuned

if TYPE_CHECKING:
    from rome_export.model import Competency, Dataset, Family, JobSheet, LangMap, Referential

# One NamedNode per vocabulary term, made once: the hot loop only builds subjects/objects.
V: dict[str, NamedNode] = {name: NamedNode(iri) for name, iri in T.items()}
_XSD_INT = V["integer"]
Pair = tuple[NamedNode, NamedNode | Literal]  # (predicate, object) of an n-ary node
_XSD_DATE = V["xsdDate"]


def _fr(text: str) -> Literal:
    return Literal(text, language=TEXT_LANG)


def _int(n: int) -> Literal:
    return Literal(str(n), datatype=_XSD_INT)


def _labels(s: NamedNode, p: NamedNode, labels: LangMap) -> Iterator[Triple]:
    for lang in sorted(labels):
        yield Triple(s, p, Literal(labels[lang], language=lang))


def base_of(referential: Referential, base: str | None = None) -> str:
    return base if base is not None else referential.dataset.base_iri


def triples(referential: Referential, base: str | None = None) -> Iterator[Triple]:
    """Every triple of the referential, subjects grouped, in a deterministic order."""
    for part in _parts(referential, base):
        yield from part


CHUNK = 50_000
"""Triples per chunk of :func:`chunks`: ~20 MB of pyoxigraph objects, ~200 sheets."""


def chunks(referential: Referential, base: str | None = None,
           size: int | None = None) -> Iterator[list[Triple]]:
    """The triples of :func:`triples`, in the same order, as lists of about ``size``
    (default :data:`CHUNK`).

    A chunk ends only between two parts of the walk (the head, a job, the code set), and
    no subject has triples in two parts: so a chunk never splits a subject, and each chunk
    serialised on its own gives the bytes the whole would (Turtle's subject groups,
    RDF/XML's descriptions). Writers make every syntax from one walk this way while
    holding one chunk at a time, not the whole graph (~430 bytes a triple).
    """
    size = size or CHUNK
    chunk: list[Triple] = []
    with gc_tuned():
        for part in _parts(referential, base):
            chunk.extend(part)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def _parts(referential: Referential, base: str | None) -> Iterator[Iterable[Triple]]:
    """The walk as parts whose subjects belong to no other part: the dataset, schemes,
    levels, families and competencies together, then each job, then the ROME code set."""
    iris = Iris(base_of(referential, base))
    extra = iris
    jobs = sorted(referential.jobs, key=lambda j: j.id)
    competencies = sorted(referential.competencies, key=lambda c: c.id)
    families = list(referential.families())
    yield _head(referential, iris, jobs, competencies, families)
    codes: set[str] = set()
    nodes = _Nodes(iris)
    sources = mobility_sources(jobs)
    for job in jobs:
        yield _job(job, nodes, extra, sources.get(job.id, ()))
        codes.update(m.code for m in job.mappings.rome)
    if codes:
        yield _code_set(codes, extra)


def _head(referential: Referential, iris: Iris, jobs: list[JobSheet],
          competencies: list[Competency], families: list[Family]) -> Iterator[Triple]:
    yield from _dataset(referential.dataset, iris)
    yield from _schemes(iris, jobs, competencies, [f.id for f in families])
    yield from _levels(iris)
    members: dict[str, list[str]] = {}
    for job in jobs:
        if job.family is not None:
            members.setdefault(job.family.id, []).append(job.id)
    for family in families:
        s = NamedNode(iris.family(family.id))
        yield Triple(s, V["type"], V["Concept"])
        yield Triple(s, V["type"], V["JobFamily"])
        yield Triple(s, V["inScheme"], NamedNode(iris.scheme("families")))
        yield Triple(s, V["topConceptOf"], NamedNode(iris.scheme("families")))
        yield from _labels(s, V["prefLabel"], family.label)
        for job_id in members.get(family.id, []):
            yield Triple(s, V["narrower"], NamedNode(iris.job(job_id)))
    for competency in competencies:
        yield from _competency(competency, iris)


def _code_set(codes: set[str], extra: Iris) -> Iterator[Triple]:
    code_set = NamedNode(extra.rome_code_set())
    yield Triple(code_set, V["type"], V["CategoryCodeSet"])
    yield Triple(code_set, V["name"], Literal(ROME_CODE_SET_NAME, language="fr"))
    for code in sorted(codes):
        s = NamedNode(extra.rome_code(code))
        yield Triple(s, V["type"], V["CategoryCode"])
        yield Triple(s, V["codeValue"], Literal(code))
        yield Triple(s, V["inCodeSet"], code_set)


def mobility_sources(jobs: Iterable[JobSheet]) -> dict[str, list[str]]:
    """Target sheet id → the ids of the sheets whose mobility links point at it, in order.

    skos:related is symmetric, but SKOS tools (qSKOS "unidirectionally related concepts",
    Skosmos) do not infer the inverse: each job states it towards its sources too.
    """
    sources: dict[str, list[str]] = {}
    for job in jobs:
        for target in dict.fromkeys(link.target for link in job.mobility if link.target):
            if target != job.id:
                sources.setdefault(target, []).append(job.id)
    return sources


def related_jobs(job: JobSheet, sources: Iterable[str] = ()) -> list[str]:
    """The ids a job is skos:related to: its mobility targets, then the sheets pointing at
    it, each once (two links to one sheet are one skos:related)."""
    targets = (link.target for link in job.mobility if link.target)
    return list(dict.fromkeys((*targets, *sources)))


def _dataset(dataset: Dataset, iris: Iris) -> Iterator[Triple]:
    # Only what a reader of the graph needs; the DCAT catalogue describes the release.
    s = NamedNode(iris.dataset())
    yield from _labels(s, V["title"], dataset.title)
    yield from _labels(s, V["description"], dataset.description)
    yield Triple(s, V["license"], NamedNode(dataset.licence))
    yield Triple(s, V["versionInfo"], Literal(dataset.version))
    yield Triple(s, V["issued"], Literal(dataset.issued.isoformat(), datatype=_XSD_DATE))
    if dataset.modified is not None:
        yield Triple(s, V["modified"], Literal(dataset.modified.isoformat(), datatype=_XSD_DATE))
    if dataset.source is not None:
        yield Triple(s, V["source"], NamedNode(dataset.source))


def _schemes(
    iris: Iris, jobs: list[JobSheet], competencies: list[Competency], families: list[str]
) -> Iterator[Triple]:
    tops = {
        "jobs": [iris.job(j.id) for j in jobs],
        "competencies": [iris.competency(c.id) for c in competencies],
        "levels": [iris.level(n) for n in LEVELS],
        "families": [iris.family(f) for f in families],
    }
    for name in ("competencies", "families", "jobs", "levels"):
        if not tops[name]:  # an empty scheme would have no top concept (qSKOS): leave it out
            continue
        s = NamedNode(iris.scheme(name))
        yield Triple(s, V["type"], V["ConceptScheme"])
        yield from _labels(s, V["prefLabel"], SCHEME_LABELS[name])
        for top in tops[name]:
            yield Triple(s, V["hasTopConcept"], NamedNode(top))


def _levels(iris: Iris) -> Iterator[Triple]:
    scheme = NamedNode(iris.scheme("levels"))
    for n in LEVELS:
        s = NamedNode(iris.level(n))
        yield Triple(s, V["type"], V["Concept"])
        yield Triple(s, V["type"], V["ProficiencyLevel"])
        yield Triple(s, V["inScheme"], scheme)
        yield Triple(s, V["topConceptOf"], scheme)
        for lang in sorted(LEVEL_LABELS):
            yield Triple(s, V["prefLabel"], Literal(LEVEL_LABELS[lang].format(n=n), language=lang))
        yield Triple(s, V["notation"], Literal(str(n)))
        yield Triple(s, V["rank"], _int(n))
    collection = NamedNode(iris.levels_collection())
    yield Triple(collection, V["type"], V["OrderedCollection"])
    for lang in sorted(COLLECTION_LABELS):
        yield Triple(collection, V["prefLabel"], Literal(COLLECTION_LABELS[lang], language=lang))
    for n in LEVELS:
        yield Triple(collection, V["member"], NamedNode(iris.level(n)))
    yield Triple(collection, V["memberList"], NamedNode(iris.levels_list_cell(1)))
    for n in LEVELS:
        cell = NamedNode(iris.levels_list_cell(n))
        rest = V["nil"] if n == LEVELS[-1] else NamedNode(iris.levels_list_cell(n + 1))
        yield Triple(cell, V["first"], NamedNode(iris.level(n)))
        yield Triple(cell, V["rest"], rest)


def _competency(competency: Competency, iris: Iris) -> Iterator[Triple]:
    s = NamedNode(iris.competency(competency.id))
    scheme = NamedNode(iris.scheme("competencies"))
    yield Triple(s, V["type"], V["Concept"])
    yield Triple(s, V["type"], V["MacroCompetency"])
    yield Triple(s, V["inScheme"], scheme)
    yield Triple(s, V["topConceptOf"], scheme)
    yield from _labels(s, V["prefLabel"], competency.label)
    if competency.definition is not None:
        yield Triple(s, V["definition"], _fr(competency.definition))
    levels = sorted(competency.levels)
    for n in levels:
        yield Triple(s, V["narrower"], NamedNode(iris.level_descriptor(competency.id, n)))
    for n in levels:
        d = NamedNode(iris.level_descriptor(competency.id, n))
        yield Triple(d, V["type"], V["Concept"])
        yield Triple(d, V["type"], V["LevelDescriptor"])
        yield Triple(d, V["inScheme"], scheme)
        yield Triple(d, V["broader"], s)
        for lang in sorted(competency.label):
            if lang in DESCRIPTOR_LABELS:
                label = DESCRIPTOR_LABELS[lang].format(label=competency.label[lang], n=n)
                yield Triple(d, V["prefLabel"], Literal(label, language=lang))
        yield Triple(d, V["definition"], _fr(competency.levels[n]))
        yield Triple(d, V["level"], NamedNode(iris.level(n)))


class _Nodes:
    """Named nodes made once per export: a job, competency or level IRI recurs in many
    triples, and making a ``NamedNode`` (IRI parsing in Rust) costs more than a dict lookup.
    """

    def __init__(self, iris: Iris) -> None:
        self.iris = iris
        self.jobs_scheme = NamedNode(iris.scheme("jobs"))
        self.levels = {n: NamedNode(iris.level(n)) for n in LEVELS}
        self._competencies: dict[str, NamedNode] = {}
        self._jobs: dict[str, NamedNode] = {}

    def competency(self, competency_id: str) -> NamedNode:
        node = self._competencies.get(competency_id)
        if node is None:
            node = self._competencies[competency_id] = NamedNode(
                self.iris.competency(competency_id))
        return node

    def job(self, job_id: str) -> NamedNode:
        node = self._jobs.get(job_id)
        if node is None:
            node = self._jobs[job_id] = NamedNode(self.iris.job(job_id))
        return node


_INTS = {n: Literal(str(n), datatype=_XSD_INT) for n in range(1, 101)}


def _position(n: int) -> Literal:
    return _INTS.get(n) or Literal(str(n), datatype=_XSD_INT)


# The vocabulary terms of the hot loop, as module constants (no dict lookup per triple).
_TYPE, _REQUIRES, _MOBILITY = V["type"], V["requires"], V["mobility"]
_POSITION, _COMPETENCY, _EXPECTED, _EXAMPLE = (
    V["position"], V["competency"], V["expectedLevel"], V["example"])
_TARGET, _TARGET_LABEL, _DIRECTION, _PROXIMITY, _SECTOR = (
    V["target"], V["targetLabel"], V["direction"], V["proximity"], V["sector"])
_HAS_COMPETENCY, _RELATED = V["hasCompetency"], V["related"]
_REQUIREMENT_CLASS, _MOBILITY_CLASS = V["CompetencyRequirement"], V["MobilityLink"]


def _job(
    job: JobSheet, nodes: _Nodes, extra: Iris, sources: Iterable[str] = ()
) -> Iterator[Triple]:
    iris = nodes.iris
    s = nodes.job(job.id)
    scheme = nodes.jobs_scheme
    yield Triple(s, _TYPE, V["Concept"])
    yield Triple(s, _TYPE, V["JobSheet"])
    yield Triple(s, _TYPE, V["Occupation"])
    yield Triple(s, V["inScheme"], scheme)
    yield Triple(s, V["topConceptOf"], scheme)
    yield from _labels(s, V["prefLabel"], job.title)
    for lang in sorted(job.alt_titles):
        for alt in job.alt_titles[lang]:
            yield Triple(s, V["altLabel"], Literal(alt, language=lang))
    if job.title_feminine is not None:
        yield from _labels(s, V["feminineLabel"], job.title_feminine)
    if job.code is not None:
        yield Triple(s, V["notation"], Literal(job.code))
    if job.purpose is not None:
        yield Triple(s, V["definition"], _fr(job.purpose))
    if job.family is not None:
        yield Triple(s, V["broader"], NamedNode(iris.family(job.family.id)))
    # Shortcuts first (DESIGN: rx:hasCompetency, skos:related), then the n-ary nodes.
    for req in job.requirements:
        yield Triple(s, _HAS_COMPETENCY, nodes.competency(req.competency))
    for other in related_jobs(job, sources):
        yield Triple(s, _RELATED, nodes.job(other))
    for m in job.mappings.rome:
        yield Triple(s, V["romeCode"], Literal(m.code))
        yield Triple(s, V["occupationalCategory"], NamedNode(extra.rome_code(m.code)))
    for e in job.mappings.esco:
        yield Triple(s, V[e.match], NamedNode(e.iri))
    for i in job.mappings.isco:
        yield Triple(s, V[i.match], NamedNode(isco_group(i.code)))
    conditions = job.working_conditions
    if conditions.rhythm is not None:
        yield Triple(s, V["rhythm"], _fr(conditions.rhythm))
    if conditions.travel is not None:
        yield Triple(s, V["travel"], _fr(conditions.travel))
    for text in conditions.relations.internal:
        yield Triple(s, V["internalRelation"], _fr(text))
    for text in conditions.relations.external:
        yield Triple(s, V["externalRelation"], _fr(text))
    for text in job.certifications.branch:
        yield Triple(s, V["branchCertification"], _fr(text))
    for text in job.certifications.outside_branch:
        yield Triple(s, V["outsideBranchCertification"], _fr(text))
    for text in job.trends:
        yield Triple(s, V["trend"], _fr(text))
    if job.access is not None:
        yield Triple(s, V["access"], _fr(job.access))
    if job.mobility_note is not None:
        yield Triple(s, V["mobilityNote"], _fr(job.mobility_note))
    if job.source is not None:
        yield Triple(s, V["source"], NamedNode(job.source.url))
        if job.source.retrieved is not None:
            date = job.source.retrieved.isoformat()
            yield Triple(s, V["sourceRetrieved"], Literal(date, datatype=_XSD_DATE))
    if job.modified is not None:
        yield Triple(s, V["modified"], Literal(job.modified.isoformat(), datatype=_XSD_DATE))
    yield from _job_nodes(job, s, nodes, extra)


def _job_nodes(job: JobSheet, s: NamedNode, nodes: _Nodes, extra: Iris) -> Iterator[Triple]:
    """The n-ary nodes of a sheet: the links from the job, then each node's own triples.

    Requirements and mobility links are most of a large export's triples: they are
    yielded directly; the rarer nodes go through (predicate, object) lists.
    """
    iris = nodes.iris
    requirements = [NamedNode(iris.requirement(job.id, r.competency)) for r in job.requirements]
    links = [NamedNode(iris.mobility(job.id, n)) for n in range(1, len(job.mobility) + 1)]
    others = _other_nodes(job, extra)
    for node in requirements:
        yield Triple(s, _REQUIRES, node)
    for node in links:
        yield Triple(s, _MOBILITY, node)
    for prop, node, _po in others:
        yield Triple(s, V[prop], node)
    for n, (node, req) in enumerate(zip(requirements, job.requirements, strict=True), 1):
        yield Triple(node, _TYPE, _REQUIREMENT_CLASS)
        yield Triple(node, _POSITION, _position(n))
        yield Triple(node, _COMPETENCY, nodes.competency(req.competency))
        if req.expected_level is not None:
            yield Triple(node, _EXPECTED, nodes.levels[req.expected_level])
        if req.example is not None:
            yield Triple(node, _EXAMPLE, _fr(req.example))
    for n, (node, link) in enumerate(zip(links, job.mobility, strict=True), 1):
        yield Triple(node, _TYPE, _MOBILITY_CLASS)
        yield Triple(node, _POSITION, _position(n))
        if link.target is not None:
            yield Triple(node, _TARGET, nodes.job(link.target))
        if link.target_label is not None:
            yield Triple(node, _TARGET_LABEL, _fr(link.target_label))
        if link.direction is not None:
            yield Triple(node, _DIRECTION, _SMALL_SCHEMES["direction-" + link.direction])
        if link.proximity is not None:
            yield Triple(node, _PROXIMITY, _SMALL_SCHEMES["proximity-" + link.proximity])
        if link.sector is not None:
            yield Triple(node, _SECTOR, _SMALL_SCHEMES["sector-" + link.sector])
    for _prop, node, po in others:
        for p, o in po:
            yield Triple(node, p, o)


_SMALL_SCHEMES: dict[str, NamedNode] = {
    **{f"direction-{v}": NamedNode(direction(v)) for v in get_args(Direction)},
    **{f"proximity-{v}": NamedNode(proximity(v)) for v in get_args(Proximity)},
    **{f"sector-{v}": NamedNode(sector(v)) for v in get_args(Sector)},
}


def _other_nodes(job: JobSheet, extra: Iris) -> list[tuple[str, NamedNode, list[Pair]]]:
    """Missions, context notes, reading, mapping records: (link property, node, triples)."""
    nodes: list[tuple[str, NamedNode, list[Pair]]] = []
    po: list[Pair]
    for n, mission in enumerate(job.missions, 1):
        po = [(_TYPE, V["Mission"]), (_POSITION, _position(n)),
              (V["title"], _fr(mission.title)), (V["text"], _fr(mission.text))]
        nodes.append(("mission", NamedNode(extra.mission(job.id, n)), po))
    context = job.work_context
    for prop, kind, notes in (("specificVariable", "specific", context.specific_variables),
                              ("organisationalContext", "organisational",
                               context.organisational_contexts)):
        for n, note in enumerate(notes, 1):
            po = [(_TYPE, V["ContextNote"]), (_POSITION, _position(n))]
            if note.title is not None:
                po.append((V["title"], _fr(note.title)))
            po.append((V["text"], _fr(note.text)))
            nodes.append((prop, NamedNode(extra.context_note(job.id, kind, n)), po))
    for n, reading in enumerate(job.further_reading, 1):
        po = [(_TYPE, V["Reading"]), (_POSITION, _position(n)), (V["label"], _fr(reading.label))]
        if reading.url is not None:
            po.append((V["url"], NamedNode(reading.url)))
        nodes.append(("furtherReading", NamedNode(extra.reading(job.id, n)), po))
    catalogues: list[tuple[str, list[Any]]] = [
        ("rome", list(job.mappings.rome)), ("esco", list(job.mappings.esco)),
        ("isco", list(job.mappings.isco))]
    for catalogue, mappings in catalogues:
        for n, m in enumerate(mappings, 1):
            nodes.append(("mapping", *_mapping(job.id, catalogue, m, n, extra)))
    return nodes


def _mapping(
    job_id: str, catalogue: str, m: Any, n: int, extra: Iris
) -> tuple[NamedNode, list[Pair]]:
    if catalogue == "esco":
        key, target = m.iri.rsplit("/", 1)[1], NamedNode(m.iri)
    elif catalogue == "isco":
        key, target = m.code, NamedNode(isco_group(m.code))
    else:
        key, target = m.code, NamedNode(extra.rome_code(m.code))
    po: list[Pair] = [
        (V["type"], V["Mapping"]), (_POSITION, _position(n)), (V["matchType"], V[m.match]),
        (V["mappedConcept"], target)]
    if catalogue == "rome":
        po.append((V["romeCode"], Literal(m.code)))
    if m.label is not None:
        po.append((V["label"], Literal(m.label, language=MAPPING_LABEL_LANG[catalogue])))
    if m.note is not None:
        po.append((V["note"], Literal(m.note)))
    if m.provenance is not None:
        po.append((V["mappingAgent"], Literal(m.provenance.agent)))
        if m.provenance.catalogue_version is not None:
            po.append((V["catalogueVersion"], Literal(m.provenance.catalogue_version)))
        if m.provenance.date is not None:
            po.append((V["date"], Literal(m.provenance.date.isoformat(), datatype=_XSD_DATE)))
    return NamedNode(extra.mapping(job_id, catalogue, key)), po


def build(referential: Referential, base: str | None = None) -> list[Triple]:
    """All triples as a list (GC thresholds raised while they are made)."""
    with gc_tuned():
        return list(triples(referential, base))
