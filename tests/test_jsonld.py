"""JSON-LD: the published context, readable documents, the same graph as the Turtle."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from rdf_helpers import inline_context, parse_oxigraph, parse_rdflib, write
from rdf_kitchen_sink import BASE, referential
from rome_export.serialisers.jsonld import (
    CONTEXT_URL,
    context,
    document,
    write_job_jsonld,
    write_jsonld,
    write_jsonld_and_jobs,
)
from rome_export.serialisers.terms import T
from rome_export.serialisers.triples import build

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sink():  # type: ignore[no-untyped-def]
    return referential()


def test_context_file_is_published_and_valid_json() -> None:
    published = json.loads((ROOT / "schemas" / "context.jsonld").read_text("utf-8"))
    assert published["@context"] == context()
    assert context()["@version"] == 1.1


def test_context_defines_every_term_the_writers_use() -> None:
    """Every vocabulary term of the writers has the same short name in the context."""
    ctx = context()
    for name, iri in T.items():
        if name in {"type", "nil", "integer", "xsdDate", "string"}:
            continue
        definition = ctx.get(name) or ctx.get({"title": "titles"}.get(name, name))
        assert definition is not None, name
        target = definition if isinstance(definition, str) else definition["@id"]
        prefix, _, local = target.partition(":")
        assert ctx[prefix] + local == iri, name


def test_labels_are_language_maps() -> None:
    ctx = context()
    for term in ("prefLabel", "altLabel", "label", "feminineLabel", "titles", "description"):
        assert ctx[term]["@container"] == "@language"


@pytest.mark.parametrize("which", ["sink", "bundled"])
def test_jsonld_and_turtle_are_isomorphic(which: str, sink, referential) -> None:  # type: ignore[no-untyped-def]
    ref = sink if which == "sink" else referential
    turtle = rdflib.Graph().parse(data=write("ttl", ref), format="turtle")
    jsonld = parse_rdflib("jsonld", write("jsonld", ref))
    assert len(turtle) == len(jsonld) > 0
    assert isomorphic(turtle, jsonld)
    # and with the second parser
    assert parse_oxigraph("jsonld", write("jsonld", ref)) == set(build(ref))


def test_document_refers_to_the_published_context_or_embeds_it(sink) -> None:  # type: ignore[no-untyped-def]
    by_url = json.loads(write("jsonld", sink))
    assert by_url["@context"] == CONTEXT_URL
    stream = io.BytesIO()
    write_jsonld(sink, stream, options={"embed_context": True})
    embedded = json.loads(stream.getvalue())
    assert embedded["@context"] == context()
    graph = rdflib.Graph().parse(data=stream.getvalue(), format="json-ld")
    assert isomorphic(graph, parse_rdflib("jsonld", write("jsonld", sink)))


def test_output_is_deterministic_with_a_final_newline(sink) -> None:  # type: ignore[no-untyped-def]
    first = write("jsonld", sink)
    assert first == write("jsonld", referential())
    assert first.endswith(b"}\n")


def test_a_person_can_read_a_job_and_its_requirements(referential) -> None:  # type: ignore[no-untyped-def]
    """The job is one object: labels by language, requirements nested with their level."""
    doc = document(referential)
    job = next(n for n in doc["@graph"] if n["id"].endswith("/job/office-manager"))
    assert job["type"] == ["Concept", "JobSheet", "Occupation"]
    assert job["prefLabel"] == {"fr": "Office Manager"}
    assert "Assistant RH" in job["altLabel"]["fr"]
    first = job["requires"][0]
    assert first["competency"]["prefLabel"] == {"fr": "Communiquer efficacement"}
    assert first["expectedLevel"].endswith("/level/3")
    assert first["example"].startswith("L'Assistant de direction")
    unknown = [r for r in job["requires"] if "expectedLevel" not in r]
    assert len(unknown) == 2  # unknown levels are absent, never guessed
    assert [m["targetLabel"] for m in job["mobility"]][:2] == [
        "Conseiller support technique", "Responsable accueil et billetterie"]


def test_one_document_per_job(sink) -> None:  # type: ignore[no-untyped-def]
    whole = parse_rdflib("jsonld", write("jsonld", sink))
    for job in sink.jobs:
        stream = io.BytesIO()
        assert write_job_jsonld(sink, job, stream) == 1
        doc = json.loads(stream.getvalue())
        assert doc["@context"] == CONTEXT_URL
        assert doc["id"] == f"{BASE}job/{job.id}"
        part = rdflib.Graph().parse(data=inline_context(stream.getvalue()), format="json-ld")
        assert len(part) > 0
        assert all(triple in whole for triple in part)  # a part of the whole graph
        subject = rdflib.URIRef(doc["id"])
        assert set(whole.triples((subject, None, None))) == set(part.triples((subject, None,
                                                                              None)))


@pytest.mark.parametrize("options", [None, {"context_url": "https://example.org/c.jsonld"},
                                     {"embed_context": True}])
def test_whole_and_per_job_documents_from_one_making_are_the_same_bytes(sink, options) -> None:  # type: ignore[no-untyped-def]
    # build writes both from one set of nodes; export writes each on its own
    alone = io.BytesIO()
    assert write_jsonld(sink, alone, options=options) > len(sink.jobs)
    together = io.BytesIO()
    per_job: list[tuple[str, bytes]] = []
    count = write_jsonld_and_jobs(sink, together, lambda j, data: per_job.append((j.id, data)),
                                  options=options)
    assert together.getvalue() == alone.getvalue()
    assert count == len(json.loads(alone.getvalue())["@graph"])
    assert [job_id for job_id, _ in per_job] == sorted(j.id for j in sink.jobs)
    for job_id, data in per_job:
        stream = io.BytesIO()
        write_job_jsonld(sink, next(j for j in sink.jobs if j.id == job_id), stream,
                         options=options)
        assert data == stream.getvalue()


def test_per_job_document_parses_with_pyoxigraph(sink) -> None:  # type: ignore[no-untyped-def]
    stream = io.BytesIO()
    write_job_jsonld(sink, sink.jobs[0], stream, options={"embed_context": True})
    triples = {ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(stream.getvalue(), format=ox.RdfFormat.JSON_LD)}
    assert triples <= set(build(sink))


# ------------------------------------------------------------ the document, in batches

def _json_values() -> object:
    from hypothesis import strategies as st

    scalars = st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=8)
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=5), inner, max_size=4), max_leaves=12)


def test_dump_in_batches_writes_the_bytes_of_one_dumps() -> None:
    """_dump writes the @graph a batch at a time (memory): the bytes of one orjson.dumps,
    whatever the nodes and keys (line breaks and quotes in strings included)."""
    import orjson
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from rome_export.serialisers import jsonld as mod

    nodes = st.lists(st.dictionaries(st.text(max_size=5), _json_values(), max_size=4),
                     max_size=7)
    others = st.dictionaries(st.text(max_size=5).filter(lambda k: k != "@graph"),
                             _json_values(), max_size=3)

    @settings(max_examples=300, deadline=None)
    @given(graph=nodes, before=others, after=others, batch=st.integers(1, 4))
    def check(graph: list[dict[str, object]], before: dict[str, object],
              after: dict[str, object], batch: int) -> None:
        doc = {**before, "@graph": graph, **{k: v for k, v in after.items() if k not in before}}
        out = io.BytesIO()
        real = mod._GRAPH_BATCH
        mod._GRAPH_BATCH = batch
        try:
            mod._dump(doc, out)
        finally:
            mod._GRAPH_BATCH = real
        assert out.getvalue() == orjson.dumps(doc, option=orjson.OPT_INDENT_2
                                              | orjson.OPT_APPEND_NEWLINE)

    check()
