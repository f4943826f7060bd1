"""The plain rdflib pipeline most users would write: the baseline of issue 8.

    python bench/baseline_rdflib.py DATA_DIR OUT_DIR

The referential is loaded with the package's own loader (both pipelines share it), then
an rdflib ``Graph`` is built from the model the way the rdflib documentation teaches
(``g.add((URIRef, SKOS.prefLabel, Literal(..., lang="fr")))``, ``g.bind`` for prefixes),
with the same shape of graph as DESIGN's RDF contract — SKOS concepts for jobs,
competencies, level descriptors and levels, n-ary requirement and mobility nodes, missions,
context notes and mappings — and written with rdflib's own writers: Turtle, RDF/XML,
JSON-LD and N-Triples. Each stage is timed; the last line of stdout is a JSON record
(``BENCH-RESULT {...}``) that ``bench/run.py`` reads.

It is a fair baseline, not a straw man: terms are made once per IRI where that is
natural, and nothing is written twice. It does less than ``rome-export build`` (no CSV,
no DCAT catalogue, no TriG/N-Quads, no per-job JSON-LD, no checksums).
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

from rdflib import RDF, SKOS, XSD, Graph, Literal, Namespace, URIRef

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from rome_export.sources import load  # noqa: E402

RX = Namespace("https://w3id.org/rome-export/ns#")
SDO = Namespace("https://schema.org/")
DCT = Namespace("http://purl.org/dc/terms/")
ISCO = "http://data.europa.eu/esco/isco/C"


def fr(text: str) -> Literal:
    return Literal(text, lang="fr")


def to_graph(ref) -> Graph:  # type: ignore[no-untyped-def]
    g = Graph()
    for prefix, ns in (("skos", SKOS), ("rx", RX), ("schema", SDO), ("dcterms", DCT)):
        g.bind(prefix, ns)
    base = ref.dataset.base_iri
    schemes = {name: URIRef(f"{base}scheme/{name}") for name in
               ("jobs", "competencies", "levels", "families")}
    for name, s in schemes.items():
        g.add((s, RDF.type, SKOS.ConceptScheme))
        g.add((s, SKOS.prefLabel, Literal(name, lang="en")))
    levels = {}
    for n in (1, 2, 3, 4):
        lv = levels[n] = URIRef(f"{base}level/{n}")
        g.add((lv, RDF.type, SKOS.Concept))
        g.add((lv, RDF.type, RX.ProficiencyLevel))
        g.add((lv, SKOS.inScheme, schemes["levels"]))
        g.add((schemes["levels"], SKOS.hasTopConcept, lv))
        g.add((lv, SKOS.prefLabel, Literal(f"Niveau {n}", lang="fr")))
        g.add((lv, SKOS.notation, Literal(str(n))))
        g.add((lv, RX.rank, Literal(n, datatype=XSD.integer)))
    for comp in ref.competencies:
        c = URIRef(f"{base}competency/{comp.id}")
        g.add((c, RDF.type, SKOS.Concept))
        g.add((c, RDF.type, RX.MacroCompetency))
        g.add((c, SKOS.inScheme, schemes["competencies"]))
        g.add((schemes["competencies"], SKOS.hasTopConcept, c))
        for lang, label in comp.label.items():
            g.add((c, SKOS.prefLabel, Literal(label, lang=lang)))
        for n, text in comp.levels.items():
            d = URIRef(f"{base}competency/{comp.id}/level/{n}")
            g.add((c, SKOS.narrower, d))
            g.add((d, RDF.type, SKOS.Concept))
            g.add((d, RDF.type, RX.LevelDescriptor))
            g.add((d, SKOS.inScheme, schemes["competencies"]))
            g.add((d, SKOS.broader, c))
            g.add((d, SKOS.prefLabel, Literal(f"{comp.label['fr']} — niveau {n}", lang="fr")))
            g.add((d, SKOS.definition, fr(text)))
            g.add((d, RX.level, levels[n]))
    for job in ref.jobs:
        add_job(g, job, base, schemes, levels)
    return g


def add_job(g: Graph, job, base: str, schemes, levels) -> None:  # type: ignore[no-untyped-def]
    s = URIRef(f"{base}job/{job.id}")
    for t in (SKOS.Concept, RX.JobSheet, SDO.Occupation):
        g.add((s, RDF.type, t))
    g.add((s, SKOS.inScheme, schemes["jobs"]))
    g.add((schemes["jobs"], SKOS.hasTopConcept, s))
    for lang, title in job.title.items():
        g.add((s, SKOS.prefLabel, Literal(title, lang=lang)))
    for lang, titles in job.alt_titles.items():
        for title in titles:
            g.add((s, SKOS.altLabel, Literal(title, lang=lang)))
    if job.code:
        g.add((s, SKOS.notation, Literal(job.code)))
    if job.purpose:
        g.add((s, SKOS.definition, fr(job.purpose)))
    if job.family:
        fam = URIRef(f"{base}family/{job.family.id}")
        g.add((s, SKOS.broader, fam))
        g.add((fam, RDF.type, SKOS.Concept))
        g.add((fam, SKOS.inScheme, schemes["families"]))
        g.add((schemes["families"], SKOS.hasTopConcept, fam))
        for lang, label in job.family.label.items():
            g.add((fam, SKOS.prefLabel, Literal(label, lang=lang)))
    wc = job.working_conditions
    for p, text in ((RX.rhythm, wc.rhythm), (RX.travel, wc.travel), (RX.access, job.access)):
        if text:
            g.add((s, p, fr(text)))
    for text in wc.relations.internal:
        g.add((s, RX.internalRelation, fr(text)))
    for text in wc.relations.external:
        g.add((s, RX.externalRelation, fr(text)))
    for text in job.certifications.branch:
        g.add((s, RX.branchCertification, fr(text)))
    for text in job.certifications.outside_branch:
        g.add((s, RX.outsideBranchCertification, fr(text)))
    for text in job.trends:
        g.add((s, RX.trend, fr(text)))
    if job.source:
        g.add((s, DCT.source, URIRef(job.source.url)))
    if job.modified:
        g.add((s, DCT.modified, Literal(job.modified)))
    for n, mission in enumerate(job.missions, 1):
        m = URIRef(f"{base}job/{job.id}/mission/{n}")
        g.add((s, RX.mission, m))
        g.add((m, RDF.type, RX.Mission))
        g.add((m, RX.position, Literal(n)))
        g.add((m, DCT.title, fr(mission.title)))
        g.add((m, RX.text, fr(mission.text)))
    ctx = job.work_context
    for kind, notes in (("specific", ctx.specific_variables),
                        ("organisational", ctx.organisational_contexts)):
        for n, note in enumerate(notes, 1):
            m = URIRef(f"{base}job/{job.id}/context/{kind}/{n}")
            g.add((s, RX.contextNote, m))
            g.add((m, RDF.type, RX.ContextNote))
            g.add((m, RX.position, Literal(n)))
            if note.title:
                g.add((m, DCT.title, fr(note.title)))
            g.add((m, RX.text, fr(note.text)))
    for n, req in enumerate(job.requirements, 1):
        c = URIRef(f"{base}competency/{req.competency}")
        r = URIRef(f"{base}job/{job.id}/requirement/{req.competency}")
        g.add((s, RX.hasCompetency, c))
        g.add((s, RX.requires, r))
        g.add((r, RDF.type, RX.CompetencyRequirement))
        g.add((r, RX.position, Literal(n)))
        g.add((r, RX.competency, c))
        if req.expected_level is not None:
            g.add((r, RX.expectedLevel, levels[req.expected_level]))
        if req.example:
            g.add((r, RX.example, fr(req.example)))
    for n, link in enumerate(job.mobility, 1):
        m = URIRef(f"{base}job/{job.id}/mobility/{n}")
        g.add((s, RX.mobility, m))
        g.add((m, RDF.type, RX.MobilityLink))
        g.add((m, RX.position, Literal(n)))
        if link.target:
            t = URIRef(f"{base}job/{link.target}")
            g.add((m, RX.target, t))
            g.add((s, SKOS.related, t))
        if link.target_label:
            g.add((m, RX.targetLabel, fr(link.target_label)))
        for p, kind, value in ((RX.direction, "direction", link.direction),
                               (RX.proximity, "proximity", link.proximity),
                               (RX.sector, "sector", link.sector)):
            if value:
                g.add((m, p, URIRef(f"{base}{kind}/{value}")))
    for n, reading in enumerate(job.further_reading, 1):
        m = URIRef(f"{base}job/{job.id}/reading/{n}")
        g.add((s, RX.furtherReading, m))
        g.add((m, RDF.type, RX.Reading))
        g.add((m, RX.position, Literal(n)))
        g.add((m, RX.label, fr(reading.label)))
        if reading.url:
            g.add((m, RX.url, URIRef(reading.url)))
    add_mappings(g, job, s, base)


def add_mappings(g: Graph, job, s: URIRef, base: str) -> None:  # type: ignore[no-untyped-def]
    records = []
    for n, rome in enumerate(job.mappings.rome, 1):
        code = URIRef(f"{base}rome/{rome.code}")
        g.add((s, RX.romeCode, Literal(rome.code)))
        g.add((s, SDO.occupationalCategory, code))
        g.add((code, RDF.type, SDO.CategoryCode))
        g.add((code, SDO.codeValue, Literal(rome.code)))
        records.append(("rome", n, rome.match, code))
    for n, esco in enumerate(job.mappings.esco, 1):
        g.add((s, SKOS[esco.match], URIRef(esco.iri)))
        records.append(("esco", n, esco.match, URIRef(esco.iri)))
    for n, isco in enumerate(job.mappings.isco, 1):
        g.add((s, SKOS[isco.match], URIRef(ISCO + isco.code)))
        records.append(("isco", n, isco.match, URIRef(ISCO + isco.code)))
    for catalogue, n, match, target in records:
        m = URIRef(f"{base}job/{job.id}/mapping/{catalogue}/{n}")
        g.add((s, RX.mapping, m))
        g.add((m, RDF.type, RX.Mapping))
        g.add((m, RX.position, Literal(n)))
        g.add((m, RX.matchType, SKOS[match]))
        g.add((m, RX.mappedConcept, target))


def main(argv: list[str]) -> int:
    data, out = Path(argv[0]), Path(argv[1])
    out.mkdir(parents=True, exist_ok=True)
    stages: dict[str, tuple[float, float]] = {}

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    def since(t: tuple[float, float]) -> tuple[float, float]:
        return time.perf_counter() - t[0], time.process_time() - t[1]

    t = clock()
    ref = load(data)
    stages["load"] = since(t)
    # The GC tuning a user would not think of is left out on purpose: this is the baseline.
    t = clock()
    g = to_graph(ref)
    stages["graph"] = since(t)
    for name, fmt, ext in (("turtle", "turtle", "ttl"), ("rdf/xml", "xml", "rdf"),
                           ("json-ld", "json-ld", "jsonld"), ("n-triples", "nt", "nt")):
        t = clock()
        g.serialize(destination=str(out / f"referential.{ext}"), format=fmt, encoding="utf-8")
        stages[name] = since(t)
        gc.collect()
    print("BENCH-RESULT " + json.dumps({"stages": stages, "triples": len(g)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
