"""RDF writers: Turtle, N-Triples, RDF/XML, TriG and N-Quads through pyoxigraph.

Every writer has the registry's signature (``write(referential, stream, *, base=None,
options=None) -> int``) and writes the triples of :func:`rome_export.serialisers.triples.
triples` — a deterministic walk with no blank nodes — so that outputs are byte-identical
from run to run (pyoxigraph's writers stream in the order they are given: no sort needed).
TriG and N-Quads put the referential in one named graph, ``{base}graph``.

:func:`to_graph` gives users an rdflib ``Graph``; rdflib is imported only there, never on
the hot path (PERFORMANCE.md: rdflib's Turtle writer is two orders of magnitude slower).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, BinaryIO

from pyoxigraph import NamedNode, Quad, RdfFormat, serialize

from rome_export.errors import InvalidData
from rome_export.iris import PREFIXES, Iris
from rome_export.serialisers.triples import base_of, build, triples
from rome_export.util import gc_tuned

if TYPE_CHECKING:
    from rdflib import Graph

    from rome_export.model import Referential

__all__ = [
    "to_graph",
    "triples",
    "write_nquads",
    "write_ntriples",
    "write_rdfxml",
    "write_trig",
    "write_turtle",
]

# XML 1.0 cannot carry these at all, even as character references; the model's text may.
_XML_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]")


def _write(
    referential: Referential, stream: BinaryIO, fmt: RdfFormat, base: str | None
) -> int:
    data = build(referential, base)
    serialize(data, stream, fmt, prefixes=PREFIXES)
    return len(data)


def write_turtle(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """Turtle with the usual prefixes; full IRIs for the referential's own nodes."""
    return _write(referential, stream, RdfFormat.TURTLE, base)


def write_ntriples(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    return _write(referential, stream, RdfFormat.N_TRIPLES, base)


def write_rdfxml(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """RDF/XML. A carriage return in a text is written ``&#13;`` so that XML parsers,
    which turn a raw CR into LF, read the text back exactly."""
    data = build(referential, base)
    xml = serialize(data, None, RdfFormat.RDF_XML, prefixes=PREFIXES)
    assert xml is not None  # no output stream given: pyoxigraph returns the bytes
    bad = _XML_ILLEGAL.search(xml)
    if bad is not None:
        raise InvalidData(
            f"a text contains the character {bad.group()!r}, which XML (RDF/XML) cannot carry",
            hint="remove control characters from the sheet's texts",
        )
    # IRIs cannot hold a raw CR, so every CR in the output is inside a literal.
    stream.write(xml.replace(b"\r", b"&#13;"))
    return len(data)


def _write_quads(
    referential: Referential, stream: BinaryIO, fmt: RdfFormat, base: str | None
) -> int:
    graph = NamedNode(Iris(base_of(referential, base)).graph())
    with gc_tuned():
        data = [Quad(t.subject, t.predicate, t.object, graph) for t in triples(referential, base)]
    serialize(data, stream, fmt, prefixes=PREFIXES)
    return len(data)


def write_trig(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """TriG: the referential in one named graph, ``{base}graph``."""
    return _write_quads(referential, stream, RdfFormat.TRIG, base)


def write_nquads(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """N-Quads: the referential in one named graph, ``{base}graph``."""
    return _write_quads(referential, stream, RdfFormat.N_QUADS, base)


def to_graph(referential: Referential, base: str | None = None) -> Graph:
    """The referential as an rdflib ``Graph`` (prefixes bound), for users who want one.

    Made by parsing pyoxigraph's N-Triples, which is faster than adding triples one by one.
    """
    from rdflib import Graph

    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    data = serialize(build(referential, base), None, RdfFormat.N_TRIPLES)
    assert data is not None
    graph.parse(data=data, format="nt")
    return graph
