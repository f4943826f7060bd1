"""The documented SPARQL queries of ``queries/``, each answered on the bundled data.

Expected answers are computed from the model, not typed in, and checked on the bundled
data (one sheet) and on the kitchen-sink referential (several sheets sharing competencies
and linked by mobility). Every query also runs on rdflib's engine: plain SPARQL 1.1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib

from rdf_kitchen_sink import referential as kitchen_sink
from rome_export.iris import Iris
from rome_export.model import Referential
from rome_export.serialisers.rdf import to_graph
from rome_export.serialisers.triples import build

QUERIES = Path(__file__).resolve().parents[1] / "queries"


def run(ref: Referential, name: str) -> list[dict[str, str | None]]:
    store = ox.Store()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in build(ref))
    result: Any = store.query((QUERIES / name).read_text("utf-8"))
    names = [v.value for v in result.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in result]


def refs(referential: Referential) -> list[Referential]:
    return [referential, kitchen_sink()]


def test_there_are_at_least_six_documented_queries() -> None:
    files = sorted(QUERIES.glob("*.rq"))
    assert len(files) >= 6
    for path in files:
        lines = path.read_text("utf-8").splitlines()
        header = [line for line in lines if line.startswith("#")]
        assert lines[0].startswith("# ") and len(header) >= 3, path.name
        assert any("Answer columns" in line for line in header), path.name


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.stem)
def test_queries_give_the_same_answer_on_rdflib(path: Path, referential) -> None:  # type: ignore[no-untyped-def]
    """Standard SPARQL: rdflib's engine agrees with pyoxigraph's (as a set of rows)."""
    for ref in refs(referential):
        ours = run(ref, path.name)
        result = to_graph(ref).query(path.read_text("utf-8"))
        theirs = [{str(k): (str(v) if v is not None else None) for k, v in row.asdict().items()}
                  for row in result]
        norm = [{k: v for k, v in row.items() if v is not None} for row in ours]
        assert sorted(map(sorted, (r.items() for r in norm))) == \
            sorted(map(sorted, (r.items() for r in theirs)))


def test_competencies_at_level_two_or_more_with_descriptor(referential) -> None:  # type: ignore[no-untyped-def]
    for ref in refs(referential):
        iris = Iris(ref.dataset.base_iri)
        expected = sorted(
            (job.title["fr"], -req.expected_level, comp.label["fr"], iris.competency(comp.id),
             comp.levels.get(req.expected_level))
            for job in ref.jobs for req in job.requirements
            if req.expected_level is not None and req.expected_level >= 2
            and (comp := ref.competency(req.competency)) is not None
        )
        rows = run(ref, "competencies-at-level.rq")
        got = [(r["jobLabel"], -int(r["level"] or 0), r["competencyLabel"], r["competency"],
                r["descriptor"]) for r in rows]
        assert got == expected and got
    rows = run(referential, "competencies-at-level.rq")
    assert rows[0]["competencyLabel"] == "Communiquer efficacement"
    assert rows[0]["descriptor"] == "Synthétiser une présentation adaptée à l'objectif et au " \
                                    "public cible"


def test_jobs_that_share_a_competency(referential) -> None:  # type: ignore[no-untyped-def]
    for ref in refs(referential):
        iris = Iris(ref.dataset.base_iri)
        pairs = set()
        for a in ref.jobs:
            for b in ref.jobs:
                if iris.job(a.id) < iris.job(b.id):
                    shared = {r.competency for r in a.requirements} & \
                             {r.competency for r in b.requirements}
                    pairs |= {(c, a.id, b.id) for c in shared}
        rows = run(ref, "shared-competencies.rq")
        got = {(r["competencyLabel"], r["jobA"], r["jobB"]) for r in rows}
        assert got == {(ref.competency(c).label["fr"], iris.job(a), iris.job(b))  # type: ignore[union-attr]
                       for c, a, b in pairs}
    assert len(run(kitchen_sink(), "shared-competencies.rq")) == 4


def test_mobility_neighbours_in_sheet_order(referential) -> None:  # type: ignore[no-untyped-def]
    for ref in refs(referential):
        expected = []
        for job in sorted(ref.jobs, key=lambda j: j.title["fr"]):
            for n, link in enumerate(job.mobility, 1):
                target = ref.job(link.target) if link.target else None
                label = target.title["fr"] if target else link.target_label
                expected.append((job.title["fr"], n, label, link.direction, link.proximity,
                                 link.sector))
        rows = run(ref, "mobility-neighbours.rq")
        got = [(r["jobLabel"], int(r["position"] or 0), r["targetLabel"], r["direction"],
                r["proximity"], r["sector"]) for r in rows]
        assert got == expected and got
    first = run(referential, "mobility-neighbours.rq")[0]
    assert first["targetLabel"] == "Conseiller support technique"
    assert first["direction"] is None  # unknown on the page: not guessed


def test_jobs_mapped_to_a_rome_code(referential) -> None:  # type: ignore[no-untyped-def]
    for ref in refs(referential):
        expected = sorted((m.code, job.title["fr"], m.match, m.label)
                          for job in ref.jobs for m in job.mappings.rome if m.code == "M1604")
        got = [(r["code"], r["jobLabel"], r["match"], r["romeLabel"])
               for r in run(ref, "jobs-by-rome-code.rq")]
        assert got == expected and got


def test_labels_in_both_languages(referential) -> None:  # type: ignore[no-untyped-def]
    for ref in refs(referential):
        iris = Iris(ref.dataset.base_iri)
        rows = {r["concept"]: (r["fr"], r["en"]) for r in run(ref, "labels-fr-en.rq")}
        for job in ref.jobs:
            assert rows[iris.job(job.id)] == (job.title["fr"], job.title.get("en"))
        for comp in ref.competencies:
            assert rows[iris.competency(comp.id)] == (comp.label["fr"], comp.label.get("en"))
        assert rows[iris.level(2)] == ("Niveau 2", "Level 2")
        descriptors = sum(len(c.levels) for c in ref.competencies)
        families = len(list(ref.families()))
        assert len(rows) == len(ref.jobs) + len(ref.competencies) + 4 + descriptors + families


def test_the_level_scale_in_order(referential) -> None:  # type: ignore[no-untyped-def]
    rows = run(referential, "level-scale.rq")
    iris = Iris(referential.dataset.base_iri)
    assert [(r["position"], r["level"], r["notation"], r["rank"]) for r in rows] == [
        (str(n), iris.level(n), str(n), str(n)) for n in (1, 2, 3, 4)]
    assert [r["fr"] for r in rows] == ["Niveau 1", "Niveau 2", "Niveau 3", "Niveau 4"]


def test_requirements_without_level(referential) -> None:  # type: ignore[no-untyped-def]
    for ref in refs(referential):
        expected = sorted((job.title["fr"], ref.competency(r.competency).label["fr"],  # type: ignore[union-attr]
                           r.example) for job in ref.jobs for r in job.requirements
                          if r.expected_level is None)
        got = [(r["jobLabel"], r["competencyLabel"], r["example"])
               for r in run(ref, "requirements-without-level.rq")]
        assert got == expected and got


def test_external_links(referential) -> None:  # type: ignore[no-untyped-def]
    for ref in refs(referential):
        expected = {(job.id, m.match, m.iri, "ESCO") for job in ref.jobs
                    for m in job.mappings.esco}
        expected |= {(job.id, m.match, f"http://data.europa.eu/esco/isco/C{m.code}", "ISCO-08")
                     for job in ref.jobs for m in job.mappings.isco}
        got = {(r["job"].rsplit("/", 1)[1], r["relation"], r["target"], r["catalogue"])  # type: ignore[union-attr]
               for r in run(ref, "external-links.rq")}
        assert got == expected and got


def test_rdflib_graph_is_usable_for_sparql(referential) -> None:  # type: ignore[no-untyped-def]
    graph: rdflib.Graph = to_graph(referential)
    assert len(list(graph.query("SELECT ?s WHERE { ?s a skos:Concept }"))) > 0
