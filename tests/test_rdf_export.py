"""RDF export: every format of the registry parses back, with three parsers, to the graph.

Also: byte-identical output across runs and interpreters, no blank nodes, the named graph
of TriG / N-Quads, ``--base``, ``to_graph`` and the characters XML cannot carry.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from rdf_helpers import (
    RAPPER,
    parse_oxigraph,
    parse_rapper,
    parse_rdflib,
    rdflib_to_oxigraph,
    write,
)
from rdf_kitchen_sink import BASE, referential
from rome_export.errors import InvalidData
from rome_export.iris import Iris
from rome_export.serialisers import FORMATS
from rome_export.serialisers.rdf import to_graph, write_nquads, write_rdfxml, write_turtle
from rome_export.serialisers.triples import build

ROOT = Path(__file__).resolve().parents[1]
ALL = list(FORMATS)
RDF_ONLY = [name for name in FORMATS if name != "jsonld"]


@pytest.fixture(scope="module")
def sink():  # type: ignore[no-untyped-def]
    return referential()


@pytest.mark.parametrize("fmt", ALL)
def test_every_format_parses_back_to_the_same_graph(fmt: str, sink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    expected = set(build(sink))
    data = write(fmt, sink)
    assert parse_oxigraph(fmt, data) == expected
    assert rdflib_to_oxigraph(parse_rdflib(fmt, data)) == expected
    by_rapper = parse_rapper(fmt, data, tmp_path)
    if by_rapper is not None:
        assert by_rapper == expected


@pytest.mark.parametrize("fmt", ALL)
def test_bundled_data_parses_back_in_every_format(fmt: str, referential, tmp_path) -> None:  # type: ignore[no-untyped-def]
    expected = set(build(referential))
    data = write(fmt, referential)
    assert parse_oxigraph(fmt, data) == expected
    assert rdflib_to_oxigraph(parse_rdflib(fmt, data)) == expected
    by_rapper = parse_rapper(fmt, data, tmp_path)
    if by_rapper is not None:
        assert by_rapper == expected


@pytest.mark.parametrize("fmt", RDF_ONLY)
def test_writers_return_the_number_of_statements(fmt: str, sink) -> None:  # type: ignore[no-untyped-def]
    stream = io.BytesIO()
    count = FORMATS[fmt].writer()(sink, stream)
    assert count == len(build(sink)) == len(set(build(sink)))  # no duplicate triple


def test_no_blank_nodes_anywhere(sink) -> None:  # type: ignore[no-untyped-def]
    for t in build(sink):
        for term in (t.subject, t.object):
            assert not isinstance(term, ox.BlankNode), t
    for fmt in ALL:
        assert not any(isinstance(term, ox.BlankNode) for t in parse_oxigraph(fmt, write(fmt, sink))
                       for term in (t.subject, t.object))


@pytest.mark.parametrize("fmt", ALL)
def test_output_is_byte_identical_from_run_to_run(fmt: str, sink) -> None:  # type: ignore[no-untyped-def]
    assert write(fmt, sink) == write(fmt, referential())


def test_output_is_byte_identical_across_interpreters(referential) -> None:  # type: ignore[no-untyped-def]
    """Another interpreter with another hash seed writes the same bytes (no set/dict order)."""
    code = (
        "import hashlib, io, sys\n"
        "from rome_export.sources import load\n"
        "from rome_export.serialisers import FORMATS\n"
        "ref = load(sys.argv[1])\n"
        "for name, f in FORMATS.items():\n"
        "    b = io.BytesIO(); f.writer()(ref, b)\n"
        "    print(name, hashlib.sha256(b.getvalue()).hexdigest())\n"
    )
    here = {name: hashlib.sha256(write(name, referential)).hexdigest() for name in FORMATS}
    for seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT / "src")}
        out = subprocess.run([sys.executable, "-c", code, str(ROOT / "data")], env=env,
                             capture_output=True, text=True, check=True).stdout
        assert dict(line.split() for line in out.splitlines()) == here


def test_trig_and_nquads_put_everything_in_one_named_graph(sink) -> None:  # type: ignore[no-untyped-def]
    graph = ox.NamedNode(Iris(BASE).graph())
    for fmt in ("trig", "nq"):
        quads = list(ox.parse(write(fmt, sink), format=ox.RdfFormat.TRIG if fmt == "trig"
                              else ox.RdfFormat.N_QUADS))
        assert {q.graph_name for q in quads} == {graph}


def test_base_can_be_overridden(sink) -> None:  # type: ignore[no-untyped-def]
    other = "http://other.example/x#"
    stream = io.BytesIO()
    write_nquads(sink, stream, base=other)
    text = stream.getvalue().decode()
    assert f"<{other}job/office-manager>" in text
    assert f"<{other}graph> ." in text
    assert BASE not in text


def test_turtle_groups_each_subject_once(sink) -> None:  # type: ignore[no-untyped-def]
    """Triples of one subject come together, so Turtle writes each subject once."""
    subjects = [t.subject for t in build(sink)]
    runs = [s for i, s in enumerate(subjects) if i == 0 or subjects[i - 1] != s]
    assert len(runs) == len(set(runs))


def test_to_graph_gives_an_rdflib_graph_with_prefixes(sink) -> None:  # type: ignore[no-untyped-def]
    import rdflib

    graph = to_graph(sink)
    assert isinstance(graph, rdflib.Graph)
    assert rdflib_to_oxigraph(graph) == set(build(sink))
    assert dict(graph.namespaces())["rx"] == rdflib.URIRef("https://w3id.org/rome-export/ns#")


def test_to_graph_is_public_api(sink) -> None:  # type: ignore[no-untyped-def]
    import rome_export

    assert len(rome_export.to_graph(sink)) == len(build(sink))


def test_rdfxml_carries_carriage_returns_through_xml_parsers(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """XML parsers turn a raw CR into LF; the writer escapes it so the text survives."""
    jobs = [{"id": "a", "title": {"fr": "A"}, "purpose": "ligne 1\r\nligne 2\rfin"}]
    ref = referential(jobs=jobs)
    data = write("rdf", ref)
    assert b"&#13;" in data
    expected = ("ligne 1\r\nligne 2\rfin", "fr")
    assert expected in {(t.object.value, getattr(t.object, "language", None))
                        for t in rdflib_to_oxigraph(parse_rdflib("rdf", data))}
    if RAPPER:
        assert expected in {(t.object.value, getattr(t.object, "language", None))
                            for t in parse_rapper("rdf", data, tmp_path) or set()}


@pytest.mark.parametrize("char", ["\x07", "\x00", "\x1f", "\ufffe", "\uffff"])
def test_rdfxml_refuses_characters_xml_cannot_carry(char: str) -> None:
    """The model refuses them (schema layer); the writer still guards a model built
    without validation (``model_construct``), and Turtle escapes them."""
    from pydantic import ValidationError

    from rome_export.model import JobSheet

    with pytest.raises(ValidationError):
        referential(jobs=[{"id": "a", "title": {"fr": "A"}, "purpose": f"bip{char}"}])
    ref = referential(jobs=[{"id": "a", "title": {"fr": "A"}, "purpose": "bip"}])
    job = JobSheet.model_construct(**{**dict(ref.jobs[0]), "purpose": f"bip{char}"})
    ref = ref.model_copy(update={"jobs": [job]})
    with pytest.raises(InvalidData, match="XML"):
        write_rdfxml(ref, io.BytesIO())
    stream = io.BytesIO()
    write_turtle(ref, stream)
    assert (f"bip{char}", "fr") in {(t.object.value, getattr(t.object, "language", None))
                                 for t in parse_oxigraph("ttl", stream.getvalue())}


@pytest.mark.parametrize("char", ["\ufffd", "\uffe0", "\t", "\r"])
def test_rdfxml_keeps_characters_near_the_refused_ones(char: str) -> None:
    # U+FFFD and U+FFE0 share their first UTF-8 bytes with U+FFFE/U+FFFF (checked apart).
    ref = referential(jobs=[{"id": "a", "title": {"fr": "A"}, "purpose": f"bip{char}bop"}])
    stream = io.BytesIO()
    write_rdfxml(ref, stream)
    assert (f"bip{char}bop", "fr") in {(t.object.value, getattr(t.object, "language", None))
                                       for t in parse_oxigraph("rdf", stream.getvalue())}


def test_empty_referential_has_only_the_level_scheme() -> None:
    ref = referential(jobs=[], competencies=[])
    schemes = {t.subject.value for t in build(ref)
               if t.object == ox.NamedNode("http://www.w3.org/2004/02/skos/core#ConceptScheme")}
    assert schemes == {Iris(BASE).scheme("levels")}


@pytest.mark.parametrize("fmt", ALL)
@pytest.mark.parametrize("base", ["http://other.example/x#", "https://example.com/a/b/"])
def test_every_format_round_trips_under_another_base(fmt: str, base: str, sink, tmp_path) -> None:  # type: ignore[no-untyped-def]
    expected = set(build(sink, base))
    data = write(fmt, sink, base=base)
    assert parse_oxigraph(fmt, data) == expected
    assert rdflib_to_oxigraph(parse_rdflib(fmt, data)) == expected
    by_rapper = parse_rapper(fmt, data, tmp_path)
    if by_rapper is not None:
        assert by_rapper == expected


def test_no_statement_is_written_twice_when_two_links_target_one_sheet() -> None:
    """Regression (bench): a provenance and an evolution to the same sheet wrote
    skos:related twice, so N-Triples had duplicate lines and the counts were off."""
    import json

    from rome_export.serialisers import FORMATS

    jobs = [{"id": "a", "title": {"fr": "A"},
             "mobility": [{"target": "b", "direction": "provenance"},
                          {"target": "b", "direction": "evolution"}]},
            {"id": "b", "title": {"fr": "B"}}]
    ref = referential(jobs=jobs)
    stream = io.BytesIO()
    FORMATS["nt"].writer()(ref, stream)
    lines = stream.getvalue().splitlines()
    assert len(lines) == len(set(lines))
    stream = io.BytesIO()
    FORMATS["jsonld"].writer()(ref, stream)
    found = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            found.extend(v for k, v in value.items() if k == "related")
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(json.loads(stream.getvalue()))
    assert found and all(not isinstance(v, list) or len(v) == len(set(v)) for v in found)


def test_skos_related_is_stated_both_ways() -> None:
    """qSKOS "unidirectionally related concepts": a mobility link from a to b made a
    skos:related b, and b said nothing of a; SKOS tools do not infer the inverse."""
    import json

    import pyoxigraph as ox

    from rome_export.iris import SKOS, Iris
    from rome_export.serialisers import FORMATS
    from rome_export.serialisers.jsonld import context, job_documents

    jobs = [{"id": "a", "title": {"fr": "A"}, "mobility": [{"target": "b"}, {"target": "c"}]},
            {"id": "b", "title": {"fr": "B"}, "mobility": [{"target": "a"}]},
            {"id": "c", "title": {"fr": "C"}}]
    ref = referential(jobs=jobs)
    iris = Iris(ref.dataset.base_iri)
    stream = io.BytesIO()
    FORMATS["nt"].writer()(ref, stream)
    lines = stream.getvalue().splitlines()
    assert len(lines) == len(set(lines))
    graph = ox.parse(stream.getvalue(), format=ox.RdfFormat.N_TRIPLES)
    related = {(t.subject.value, t.object.value) for t in graph
               if t.predicate.value == f"{SKOS}related"}
    pairs = {("a", "b"), ("b", "a"), ("a", "c"), ("c", "a")}
    assert related == {(iris.job(x), iris.job(y)) for x, y in pairs}
    # the per-job JSON-LD document of c says it too
    docs = {job.id: json.loads(data) for job, data in job_documents(ref)}
    docs["c"]["@context"] = context()
    c_graph = {(q.subject.value, q.predicate.value, q.object.value) for q in
               ox.parse(json.dumps(docs["c"]).encode(), format=ox.RdfFormat.JSON_LD)}
    assert (iris.job("c"), f"{SKOS}related", iris.job("a")) in c_graph
