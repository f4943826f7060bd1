"""RDF writers: Turtle, N-Triples, RDF/XML, TriG and N-Quads through pyoxigraph.

Every writer has the registry's signature (``write(referential, stream, *, base=None,
options=None) -> int``) and writes the triples of :func:`rome_export.serialisers.triples.
triples` — a deterministic walk with no blank nodes — so that outputs are byte-identical
from run to run (pyoxigraph's writers stream in the order they are given: no sort needed).
TriG and N-Quads put the referential in one named graph, ``{base}graph``.
:func:`write_rdf` writes several syntaxes from one walk (``build`` writes all five so).

:func:`to_graph` gives users an rdflib ``Graph``; rdflib is imported only there, never on
the hot path (PERFORMANCE.md: rdflib's Turtle writer is two orders of magnitude slower).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from operator import itemgetter
from typing import TYPE_CHECKING, BinaryIO

from pyoxigraph import RdfFormat, serialize

from rome_export.errors import InvalidData
from rome_export.iris import PREFIXES, Iris
from rome_export.serialisers.triples import base_of, build, chunks, triples
from rome_export.util import gc_tuned

if TYPE_CHECKING:
    from rdflib import Graph

    from rome_export.model import Referential

__all__ = [
    "SYNTAXES",
    "to_graph",
    "triples",
    "write_nquads",
    "write_ntriples",
    "write_rdf",
    "write_rdfxml",
    "write_trig",
    "write_turtle",
]

# XML 1.0 cannot carry these at all, even as character references; the model's text may
# (when made without validation). Deleting the allowed bytes' complement and comparing
# lengths is 2x faster than a regular expression over ~300 MB of RDF/XML at 10,000 sheets.
_XML_CONTROLS = bytes(range(0x00, 0x09)) + b"\x0b\x0c" + bytes(range(0x0e, 0x20))
_XML_ILLEGAL = re.compile(b"[" + re.escape(_XML_CONTROLS) + b"]")  # which one, once found
_XML_NONCHARACTERS = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")  # U+FFFE, U+FFFF in UTF-8


def turtle_prefixes(base: str) -> dict[str, str]:
    """The usual prefixes plus one per kind of node of the referential, so that Turtle and
    TriG read ``job:office-manager``, ``competency:…``, ``level:3`` (deeper nodes escape
    their slashes: ``job:office-manager\\/mobility\\/1``, valid Turtle every parser reads)."""
    iris = Iris(base)
    # Each namespace is a minted IRI less its last segment, so iris.py stays the authority.
    return {**PREFIXES, "competency": iris.competency("x")[:-1], "family": iris.family("x")[:-1],
            "job": iris.job("x")[:-1], "level": iris.level(1)[:-1],
            "scheme": iris.scheme("jobs").removesuffix("jobs")}


SYNTAXES: dict[str, RdfFormat] = {
    "nt": RdfFormat.N_TRIPLES, "nq": RdfFormat.N_QUADS, "ttl": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG, "rdf": RdfFormat.RDF_XML}
"""The RDF syntaxes :func:`write_rdf` writes, by the registry's format names."""


def write_rdf(referential: Referential, streams: Mapping[str, BinaryIO], *,
              base: str | None = None) -> int:
    """Write the referential in every RDF syntax of ``streams`` (format name → stream, names
    of :data:`SYNTAXES`) from one walk of the model; return the number of triples.

    The walk (:func:`~rome_export.serialisers.triples.chunks`) makes pyoxigraph triples a
    chunk at a time; each chunk is serialised by pyoxigraph into each syntax and the
    pieces are joined: the ``@prefix`` lines of Turtle and TriG, and the XML declaration,
    root element and closing tag of RDF/XML, are written once. A chunk never splits a
    subject, so the result is the bytes one serialisation of the whole graph gives —
    at the cost of one walk for all the syntaxes, and one chunk in memory
    (PERFORMANCE.md: making the triples costs more than serialising them; parsing
    N-Triples back into Python objects costs as much as the walk).

    N-Quads is the N-Triples with the graph added to each line, and TriG the Turtle
    statements inside one graph block: the bytes pyoxigraph would write for those quads
    (N-Triples escapes every line break inside a literal, so each statement ends with the
    only ``" .\\n"`` of its line), without serialising twice. N-Triples or Turtle alone
    is streamed, without chunks (the same bytes, faster).
    """
    unknown = sorted(set(streams) - set(SYNTAXES))
    if unknown:
        raise ValueError(f"not an RDF syntax of write_rdf: {', '.join(unknown)}")
    root = base_of(referential, base)
    if len(streams) == 1 and set(streams) <= {"nt", "ttl"}:
        # One syntax that needs no rewriting: streamed triple by triple, each dying young,
        # which is ~25 % faster than going through chunks (``export --to nt``).
        ((name, stream),) = streams.items()
        counter = itertools.count()
        with gc_tuned():
            counted = map(itemgetter(0), zip(triples(referential, base), counter, strict=False))
            serialize(counted, stream, SYNTAXES[name],
                      prefixes=turtle_prefixes(root) if name == "ttl" else dict(PREFIXES))
        return next(counter)
    graph = Iris(root).graph()
    quad_suffix = f" <{graph}> .\n".encode()
    nt, nq, rdf = streams.get("nt"), streams.get("nq"), streams.get("rdf")
    turtles = [streams[name] for name in ("ttl", "trig") if name in streams]
    trig = streams.get("trig")
    ttl_prefixes = turtle_prefixes(root)
    xml_head, xml_foot = _xml_frame()
    count = 0
    first = True
    for chunk in chunks(referential, base):
        count += len(chunk)
        if nt is not None or nq is not None:
            lines = serialize(chunk, None, RdfFormat.N_TRIPLES)
            assert lines is not None
            if nt is not None:
                nt.write(lines)
            if nq is not None:
                nq.write(lines.replace(b" .\n", quad_suffix))
        if turtles:
            turtle = serialize(chunk, None, RdfFormat.TURTLE, prefixes=ttl_prefixes)
            assert turtle is not None
            head, body = _split_prefixes(turtle)
            for out in turtles:
                if first:
                    out.write(head)
                    if out is trig:
                        out.write(f"<{graph}> {{\n".encode())
                out.write(body)
        if rdf is not None:
            xml = serialize(chunk, None, RdfFormat.RDF_XML, prefixes=dict(PREFIXES))
            assert xml is not None and xml.startswith(xml_head) and xml.endswith(xml_foot)
            if first:
                rdf.write(xml_head)
            rdf.write(_xml_body(xml[len(xml_head):len(xml) - len(xml_foot)]))
        first = False
    if trig is not None:
        trig.write(b"}\n")
    if rdf is not None:
        if first:  # nothing at all: still one well-formed document
            rdf.write(xml_head)
        rdf.write(xml_foot)
    return count


def _xml_frame() -> tuple[bytes, bytes]:
    """What pyoxigraph writes before and after the descriptions of an RDF/XML document."""
    empty = serialize([], None, RdfFormat.RDF_XML, prefixes=dict(PREFIXES))
    assert empty is not None
    cut = empty.index(b">\n", empty.index(b"<rdf:RDF")) + 2
    return empty[:cut], empty[cut:]


def _xml_body(xml: bytes) -> bytes:
    """The descriptions of a chunk, checked for what XML cannot carry. A carriage return in
    a text is written ``&#13;``, so that XML parsers, which turn a raw CR into LF, read the
    text back exactly (IRIs cannot hold a raw CR: every CR here is inside a literal)."""
    bad = None
    if len(xml.translate(None, _XML_CONTROLS)) != len(xml):
        found = _XML_ILLEGAL.search(xml)
        bad = found.group() if found else None
    elif b"\xef\xbf" in xml:  # U+FFC0-U+FFFF: rare, then look closer
        bad = next((c for c in _XML_NONCHARACTERS if c in xml), None)
    if bad is not None:
        raise InvalidData(
            f"a text contains the character {bad.decode()!r}, which XML (RDF/XML) cannot carry",
            hint="remove control characters from the sheet's texts",
        )
    return xml.replace(b"\r", b"&#13;") if b"\r" in xml else xml


def _split_prefixes(turtle: bytes) -> tuple[bytes, bytes]:
    """The ``@prefix`` lines at the top of pyoxigraph's Turtle, and the statements."""
    end = 0
    while turtle.startswith(b"@prefix ", end):
        end = turtle.index(b"\n", end) + 1
    return turtle[:end], turtle[end:]


def write_turtle(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """Turtle, with prefixes for the vocabularies and for the referential's own nodes."""
    return write_rdf(referential, {"ttl": stream}, base=base)


def write_ntriples(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """N-Triples."""
    return write_rdf(referential, {"nt": stream}, base=base)


def write_rdfxml(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """RDF/XML; a carriage return in a text is written ``&#13;``."""
    return write_rdf(referential, {"rdf": stream}, base=base)


def write_trig(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """TriG: the referential in one named graph, ``{base}graph``."""
    return write_rdf(referential, {"trig": stream}, base=base)


def write_nquads(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """N-Quads: the referential in one named graph, ``{base}graph``."""
    return write_rdf(referential, {"nq": stream}, base=base)


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
