"""JSON-LD, written straight from the model as dicts and serialised with orjson.

The documents use the published context ``schemas/context.jsonld`` (by URL,
:data:`CONTEXT_URL`, or embedded with ``options={"embed_context": True}``): short keys,
language maps for labels (``"prefLabel": {"fr": …, "en": …}``), and a job with its
requirements, mobility links, missions… nested inside it, so that a person can read a sheet.
The graph is the same as the Turtle's (the tests parse both and check isomorphism); it is
not converted from a graph because rdflib's JSON-LD writer orders nodes by hash seed and
PyLD's fromRdf is quadratic (DESIGN, "Formats").

Keys come in a fixed, readable order (``id`` and ``type`` first) rather than sorted: the
order of insertion is deterministic, so output is byte-identical from run to run. Single
values are scalars, properties that can repeat are always lists.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, BinaryIO

import orjson

from rome_export.iris import Iris, direction, isco_group, proximity, sector
from rome_export.model import LEVELS
from rome_export.serialisers.terms import (
    COLLECTION_LABELS,
    DESCRIPTOR_LABELS,
    LEVEL_LABELS,
    MAPPING_LABEL_LANG,
    ROME_CODE_SET_NAME,
    SCHEME_LABELS,
)
from rome_export.serialisers.triples import base_of, mobility_sources, related_jobs
from rome_export.util import gc_tuned

if TYPE_CHECKING:
    from rome_export.model import Competency, Dataset, JobSheet, Referential

CONTEXT_URL = "https://w3id.org/rome-export/context.jsonld"
Node = dict[str, Any]


def context() -> dict[str, Any]:
    """The published context (the ``@context`` value of ``schemas/context.jsonld``)."""
    from rome_export.resources import read_json

    value: dict[str, Any] = read_json("schemas", "context.jsonld")["@context"]
    return value


def _context_value(options: Mapping[str, object] | None) -> Any:
    """The ``@context``: inline with ``embed_context``, else ``context_url`` (``build``
    gives the URL its bundle's copy will be served from), else :data:`CONTEXT_URL`."""
    if options and options.get("embed_context"):
        return context()
    return str((options or {}).get("context_url") or CONTEXT_URL)


def _langs(labels: Mapping[str, str]) -> dict[str, str]:
    return {lang.lower(): labels[lang] for lang in sorted(labels)}


_GRAPH_BATCH = 500
"""``@graph`` nodes serialised at a time by :func:`_dump`."""


def _dump(document: Node, stream: BinaryIO) -> None:
    """The bytes of ``orjson.dumps(document, OPT_INDENT_2 | OPT_APPEND_NEWLINE)``, written
    :data:`_GRAPH_BATCH` nodes of its ``@graph`` at a time.

    One ``dumps`` of the whole referential holds all of it as bytes (250 MB at 10,000
    sheets), and twice that while orjson's buffer grows: half a gigabyte of peak memory for
    nothing. Each batch is a list dumped alone, its brackets cut off and its lines indented
    one level deeper (orjson escapes every line break inside a string, so each ``\n`` it
    writes is one of its own).
    """
    graph = document.get("@graph")
    if not isinstance(graph, list) or not graph:
        stream.write(orjson.dumps(document, option=orjson.OPT_INDENT_2
                                  | orjson.OPT_APPEND_NEWLINE))
        return
    for n, (key, value) in enumerate(document.items()):
        stream.write(b',\n  ' if n else b'{\n  ')
        stream.write(orjson.dumps(key) + b": ")
        if value is not graph:
            stream.write(orjson.dumps(value, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n  "))
            continue
        for start in range(0, len(graph), _GRAPH_BATCH):
            batch = orjson.dumps(graph[start:start + _GRAPH_BATCH], option=orjson.OPT_INDENT_2)
            stream.write(b",\n    " if start else b"[\n    ")
            stream.write(batch[4:-2].replace(b"\n", b"\n  "))  # without "[\n  " and "\n]"
        stream.write(b"\n  ]")
    stream.write(b"\n}\n")


def document(
    referential: Referential, base: str | None = None, *, embed_context: bool = False
) -> Node:
    """The whole referential as one JSON-LD document with a ``@graph``."""
    return _document(referential, base, embed_context=embed_context)[0]


def _document(
    referential: Referential, base: str | None = None, *, embed_context: bool = False
) -> tuple[Node, int]:
    """:func:`document`, and where the job nodes (in id order) start in its ``@graph``."""
    iris = Iris(base_of(referential, base))
    extra = iris
    jobs = sorted(referential.jobs, key=lambda j: j.id)
    competencies = sorted(referential.competencies, key=lambda c: c.id)
    families = list(referential.families())
    members: dict[str, list[str]] = {}
    for job in jobs:
        if job.family is not None:
            members.setdefault(job.family.id, []).append(iris.job(job.id))
    graph: list[Node] = [_dataset(referential.dataset, iris)]
    tops = {
        "competencies": [iris.competency(c.id) for c in competencies],
        "families": [iris.family(f.id) for f in families],
        "jobs": [iris.job(j.id) for j in jobs],
        "levels": [iris.level(n) for n in LEVELS],
    }
    for name, concepts in tops.items():
        if not concepts:  # as in the Turtle: no empty scheme
            continue
        scheme: Node = {"id": iris.scheme(name), "type": ["ConceptScheme"],
                        "prefLabel": _langs(SCHEME_LABELS[name]), "hasTopConcept": concepts}
        graph.append(scheme)
    graph.extend(_levels(iris))
    for family in families:
        node: Node = {"id": iris.family(family.id), "type": ["Concept", "JobFamily"],
                      "inScheme": iris.scheme("families"),
                      "topConceptOf": iris.scheme("families"),
                      "prefLabel": _langs(family.label)}
        narrower = members.get(family.id, [])
        if narrower:
            node["narrower"] = narrower
        graph.append(node)
    graph.extend(_competency(c, iris) for c in competencies)
    refs = competency_refs(competencies, iris)
    sources = mobility_sources(jobs)
    first_job = len(graph)
    graph.extend(job_node(j, refs, iris, extra, sources.get(j.id, ())) for j in jobs)
    if any(j.mappings.rome for j in jobs):
        graph.append({"id": extra.rome_code_set(), "type": ["CategoryCodeSet"],
                      "name": ROME_CODE_SET_NAME})
    ctx = context() if embed_context else CONTEXT_URL
    return {"@context": ctx, "@graph": graph}, first_job


def _dataset(dataset: Dataset, iris: Iris) -> Node:
    node: Node = {"id": iris.dataset(), "titles": _langs(dataset.title),
                  "description": _langs(dataset.description), "license": dataset.licence,
                  "versionInfo": dataset.version, "issued": dataset.issued.isoformat()}
    if dataset.modified is not None:
        node["modified"] = dataset.modified.isoformat()
    if dataset.source is not None:
        node["source"] = dataset.source
    return node


def _levels(iris: Iris) -> list[Node]:
    nodes: list[Node] = [
        {"id": iris.level(n), "type": ["Concept", "ProficiencyLevel"],
         "inScheme": iris.scheme("levels"), "topConceptOf": iris.scheme("levels"),
         "prefLabel": {lang: LEVEL_LABELS[lang].format(n=n) for lang in sorted(LEVEL_LABELS)},
         "notation": str(n), "rank": n}
        for n in LEVELS
    ]
    nodes.append({"id": iris.levels_collection(), "type": ["OrderedCollection"],
                  "prefLabel": _langs(COLLECTION_LABELS),
                  "member": [iris.level(n) for n in LEVELS],
                  "memberList": iris.levels_list_cell(1)})
    for n in LEVELS:
        rest = "rdf:nil" if n == LEVELS[-1] else iris.levels_list_cell(n + 1)
        nodes.append({"id": iris.levels_list_cell(n), "first": iris.level(n), "rest": rest})
    return nodes


def _competency(competency: Competency, iris: Iris) -> Node:
    node: Node = {"id": iris.competency(competency.id), "type": ["Concept", "MacroCompetency"],
                  "inScheme": iris.scheme("competencies"),
                  "topConceptOf": iris.scheme("competencies"),
                  "prefLabel": _langs(competency.label)}
    _put(node, "definition", competency.definition)
    descriptors = []
    for n in sorted(competency.levels):
        labels = {lang: DESCRIPTOR_LABELS[lang].format(label=competency.label[lang], n=n)
                  for lang in sorted(competency.label) if lang in DESCRIPTOR_LABELS}
        descriptor: Node = {"id": iris.level_descriptor(competency.id, n),
                            "type": ["Concept", "LevelDescriptor"],
                            "inScheme": iris.scheme("competencies"),
                            "broader": node["id"]}
        if labels:
            descriptor["prefLabel"] = labels
        descriptor["definition"] = competency.levels[n]
        descriptor["level"] = iris.level(n)
        descriptors.append(descriptor)
    if descriptors:
        node["narrower"] = descriptors
    return node


def job_node(job: JobSheet, refs: Mapping[str, Node], iris: Iris, extra: Iris,
             sources: Iterable[str] = ()) -> Node:
    """One job sheet as a node object, its n-ary nodes nested (no ``@context``).

    ``refs`` maps a competency id to its reference (see :func:`competency_refs`);
    ``sources`` are the sheets whose mobility links point at this one (``skos:related``
    both ways, as in the Turtle).
    """
    node: Node = {"id": iris.job(job.id), "type": ["Concept", "JobSheet", "Occupation"],
                  "inScheme": iris.scheme("jobs"), "topConceptOf": iris.scheme("jobs"),
                  "prefLabel": _langs(job.title)}
    if job.alt_titles:
        node["altLabel"] = {lang.lower(): list(job.alt_titles[lang])
                            for lang in sorted(job.alt_titles) if job.alt_titles[lang]}
    if job.title_feminine is not None:
        node["feminineLabel"] = _langs(job.title_feminine)
    _put(node, "notation", job.code)
    _put(node, "definition", job.purpose)
    if job.family is not None:
        node["broader"] = iris.family(job.family.id)
    _put_list(node, "hasCompetency", [iris.competency(r.competency) for r in job.requirements])
    _put_list(node, "related", [iris.job(t) for t in related_jobs(job, sources)])
    _put_list(node, "romeCode", [m.code for m in job.mappings.rome])
    _put_list(node, "occupationalCategory", [
        {"id": extra.rome_code(m.code), "type": ["CategoryCode"], "codeValue": m.code,
         "inCodeSet": extra.rome_code_set()} for m in job.mappings.rome])
    for m in job.mappings.esco:
        node.setdefault(m.match, []).append(m.iri)
    for i in job.mappings.isco:
        node.setdefault(i.match, []).append(isco_group(i.code))
    conditions = job.working_conditions
    _put(node, "rhythm", conditions.rhythm)
    _put(node, "travel", conditions.travel)
    _put_list(node, "internalRelation", list(conditions.relations.internal))
    _put_list(node, "externalRelation", list(conditions.relations.external))
    _put_list(node, "branchCertification", list(job.certifications.branch))
    _put_list(node, "outsideBranchCertification", list(job.certifications.outside_branch))
    _put_list(node, "trend", list(job.trends))
    _put(node, "access", job.access)
    _put(node, "mobilityNote", job.mobility_note)
    if job.source is not None:
        node["source"] = job.source.url
        if job.source.retrieved is not None:
            node["sourceRetrieved"] = job.source.retrieved.isoformat()
    if job.modified is not None:
        node["modified"] = job.modified.isoformat()
    _nested(node, job, refs, iris, extra)
    return node


def competency_refs(competencies: Iterable[Competency], iris: Iris) -> dict[str, Node]:
    """Competency id → ``{"id", "prefLabel"}``, the reference a requirement nests.

    The labels repeat the competency node's own triples (the graph does not change) so that
    a reader of one sheet sees what each requirement is about. One dict per competency,
    shared by every requirement: orjson writes it each time, Python builds it once.
    """
    return {c.id: {"id": iris.competency(c.id), "prefLabel": _langs(c.label)}
            for c in competencies}


def _put(node: Node, key: str, value: object) -> None:
    if value is not None:
        node[key] = value


def _put_list(node: Node, key: str, values: list[Any]) -> None:
    if values:
        node[key] = values


def _nested(
    node: Node, job: JobSheet, refs: Mapping[str, Node], iris: Iris, extra: Iris
) -> None:
    requires = []
    for n, req in enumerate(job.requirements, 1):
        # The competency's labels are repeated here (the same triples as its own node's,
        # so the graph does not change) for a reader of one sheet.
        competency: Any = refs.get(req.competency) or iris.competency(req.competency)
        r: Node = {"id": iris.requirement(job.id, req.competency),
                   "type": ["CompetencyRequirement"], "position": n,
                   "competency": competency}
        if req.expected_level is not None:
            r["expectedLevel"] = iris.level(req.expected_level)
        _put(r, "example", req.example)
        requires.append(r)
    _put_list(node, "requires", requires)
    links = []
    for n, link in enumerate(job.mobility, 1):
        m: Node = {"id": iris.mobility(job.id, n), "type": ["MobilityLink"], "position": n}
        if link.target is not None:
            m["target"] = iris.job(link.target)
        _put(m, "targetLabel", link.target_label)
        if link.direction is not None:
            m["direction"] = direction(link.direction)
        if link.proximity is not None:
            m["proximity"] = proximity(link.proximity)
        if link.sector is not None:
            m["sector"] = sector(link.sector)
        links.append(m)
    _put_list(node, "mobility", links)
    _put_list(node, "mission", [
        {"id": extra.mission(job.id, n), "type": ["Mission"], "position": n,
         "title": mission.title, "text": mission.text}
        for n, mission in enumerate(job.missions, 1)])
    context = job.work_context
    for key, kind, notes in (("specificVariable", "specific", context.specific_variables),
                             ("organisationalContext", "organisational",
                              context.organisational_contexts)):
        values = []
        for n, note in enumerate(notes, 1):
            c: Node = {"id": extra.context_note(job.id, kind, n), "type": ["ContextNote"],
                       "position": n}
            _put(c, "title", note.title)
            c["text"] = note.text
            values.append(c)
        _put_list(node, key, values)
    readings = []
    for n, reading in enumerate(job.further_reading, 1):
        rd: Node = {"id": extra.reading(job.id, n), "type": ["Reading"], "position": n,
                    "label": {"fr": reading.label}}
        _put(rd, "url", reading.url)
        readings.append(rd)
    _put_list(node, "furtherReading", readings)
    _put_list(node, "mapping", _mappings(job, extra))


def _mappings(job: JobSheet, extra: Iris) -> list[Node]:
    out: list[Node] = []
    catalogues: list[tuple[str, list[Any]]] = [
        ("rome", list(job.mappings.rome)), ("esco", list(job.mappings.esco)),
        ("isco", list(job.mappings.isco))]
    for catalogue, mappings in catalogues:
        for n, m in enumerate(mappings, 1):
            if catalogue == "esco":
                key, target = m.iri.rsplit("/", 1)[1], m.iri
            elif catalogue == "isco":
                key, target = m.code, isco_group(m.code)
            else:
                key, target = m.code, extra.rome_code(m.code)
            node: Node = {"id": extra.mapping(job.id, catalogue, key), "type": ["Mapping"],
                          "position": n, "matchType": f"skos:{m.match}",
                          "mappedConcept": target}
            if catalogue == "rome":
                node["romeCode"] = m.code
            if m.label is not None:
                node["label"] = {MAPPING_LABEL_LANG[catalogue]: m.label}
            _put(node, "note", m.note)
            if m.provenance is not None:
                node["mappingAgent"] = m.provenance.agent
                _put(node, "catalogueVersion", m.provenance.catalogue_version)
                if m.provenance.date is not None:
                    node["date"] = m.provenance.date.isoformat()
            out.append(node)
    return out


def write_jsonld(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """The whole referential as one JSON-LD document; returns the number of top nodes.

    ``options={"embed_context": True}`` puts the context inline instead of its URL.
    """
    with gc_tuned():
        doc = document(referential, base)
        doc["@context"] = _context_value(options)
        _dump(doc, stream)
    return len(doc["@graph"])


def write_jsonld_and_jobs(
    referential: Referential,
    stream: BinaryIO,
    per_job: Callable[[JobSheet, bytes], object],
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """:func:`write_jsonld`, and each sheet's own document (the bytes of
    :func:`write_job_jsonld`) handed to ``per_job`` in id order: the nodes are made once
    for both (``build`` writes the two)."""
    with gc_tuned():
        doc, first = _document(referential, base)
        ctx = _context_value(options)
        doc["@context"] = ctx
        graph = doc["@graph"]
        jobs = sorted(referential.jobs, key=lambda j: j.id)
        for job, node in zip(jobs, graph[first:first + len(jobs)], strict=True):
            per_job(job, orjson.dumps({"@context": ctx, **node},
                                      option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
        _dump(doc, stream)
    return len(graph)


def write_job_jsonld(
    referential: Referential,
    job: JobSheet,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """One job sheet as its own JSON-LD document (its requirements and links nested)."""
    iris = Iris(base_of(referential, base))
    refs, sources = _cached_refs(referential, iris)
    stream.write(_job_document(job, refs, iris, options, sources.get(job.id, ())))
    return 1


_Refs = tuple[dict[str, Node], dict[str, list[str]]]
_last_refs: list[tuple[Referential, str, _Refs]] = []


def _cached_refs(referential: Referential, iris: Iris) -> _Refs:
    """The competency references and mobility sources of the last referential seen: a
    build writes every sheet of one referential in turn, and should not rebuild them
    10,000 times."""
    if _last_refs and _last_refs[0][0] is referential and _last_refs[0][1] == iris.base:
        return _last_refs[0][2]
    cached = (competency_refs(referential.competencies, iris),
              mobility_sources(sorted(referential.jobs, key=lambda j: j.id)))
    _last_refs[:] = [(referential, iris.base, cached)]
    return cached


def job_documents(
    referential: Referential,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> Iterator[tuple[JobSheet, bytes]]:
    """Every sheet's own JSON-LD document, sorted by id (for ``export --per-job``)."""
    iris = Iris(base_of(referential, base))
    refs = competency_refs(referential.competencies, iris)
    jobs = sorted(referential.jobs, key=lambda j: j.id)
    sources = mobility_sources(jobs)
    for job in jobs:
        yield job, _job_document(job, refs, iris, options, sources.get(job.id, ()))


def _job_document(
    job: JobSheet, refs: Mapping[str, Node], iris: Iris, options: Mapping[str, object] | None,
    sources: Iterable[str] = (),
) -> bytes:
    doc: Node = {"@context": _context_value(options)}
    doc.update(job_node(job, refs, iris, iris, sources))
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
