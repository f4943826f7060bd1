"""Test helpers: write a referential in a registered format, parse it back three ways.

Parsers: pyoxigraph, rdflib and, where installed, Raptor's ``rapper`` (an independent C
implementation). Everything is compared as sets of pyoxigraph triples (named graphs
dropped: TriG / N-Quads hold the one graph ``{base}graph``).
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from typing import Any

import pyoxigraph as ox
import rdflib

from rome_export.serialisers import FORMATS
from rome_export.serialisers.jsonld import CONTEXT_URL, context

OX = {
    "ttl": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
    "trig": ox.RdfFormat.TRIG,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
RDFLIB = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "trig": "trig", "nq": "nquads",
          "jsonld": "json-ld"}
RAPPER_SYNTAX = {"ttl": "turtle", "nt": "ntriples", "rdf": "rdfxml", "trig": "trig",
                 "nq": "nquads"}
RAPPER = shutil.which("rapper")


def write(fmt: str, referential: Any, **kwargs: Any) -> bytes:
    stream = io.BytesIO()
    FORMATS[fmt].writer()(referential, stream, **kwargs)
    return stream.getvalue()


def inline_context(data: bytes) -> bytes:
    """A JSON-LD document with the published context put inline (no network in tests)."""
    doc = json.loads(data)
    assert doc["@context"] == CONTEXT_URL
    doc["@context"] = context()
    return json.dumps(doc).encode()


def _as_triple(q: Any) -> ox.Triple:
    return ox.Triple(q.subject, q.predicate, q.object)


def parse_oxigraph(fmt: str, data: bytes) -> set[ox.Triple]:
    if fmt == "jsonld":
        data = inline_context(data)
    return {_as_triple(q) for q in ox.parse(data, format=OX[fmt])}


def parse_rdflib(fmt: str, data: bytes) -> rdflib.Graph:
    if fmt == "jsonld":
        data = inline_context(data)
    if fmt in ("trig", "nq"):
        dataset = rdflib.Dataset()
        dataset.parse(data=data, format=RDFLIB[fmt])
        graph = rdflib.Graph()
        for s, p, o, _g in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return rdflib.Graph().parse(data=data, format=RDFLIB[fmt])


def rdflib_to_oxigraph(graph: rdflib.Graph) -> set[ox.Triple]:
    """rdflib's triples as pyoxigraph triples, through N-Triples."""
    text = graph.serialize(format="nt", encoding="utf-8")
    return {_as_triple(q) for q in ox.parse(text, format=ox.RdfFormat.N_TRIPLES)}


def parse_rapper(fmt: str, data: bytes, tmp_path: Any) -> set[ox.Triple] | None:
    """Raptor's reading of ``data`` (None when rapper is not installed or cannot read fmt)."""
    if RAPPER is None or fmt not in RAPPER_SYNTAX:
        return None
    source = tmp_path / f"input{FORMATS[fmt].extension}"
    source.write_bytes(data)
    result = subprocess.run(
        [RAPPER, "-q", "-i", RAPPER_SYNTAX[fmt], "-o", "ntriples", source.as_uri()],
        capture_output=True, check=False, timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode()
    return {_as_triple(q) for q in ox.parse(result.stdout, format=ox.RdfFormat.N_TRIPLES)}


def literals(triples: set[ox.Triple]) -> set[tuple[str, str | None]]:
    return {(t.object.value, t.object.language) for t in triples
            if isinstance(t.object, ox.Literal)}
