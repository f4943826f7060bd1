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

import io
import itertools
import re
from collections.abc import Iterable, Mapping
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, cast

from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse, serialize

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
# (One character class plus two substring tests: 2-3x faster than one alternation.)
_XML_ILLEGAL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")
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


def _stream(
    statements: Iterable[Triple] | Iterable[Quad],
    output: BinaryIO | None,
    fmt: RdfFormat,
    prefixes: Mapping[str, str] = PREFIXES,
) -> tuple[int, bytes | None]:
    """Serialise while the statements are made, never holding them all in memory (each
    dies young, so the collector has little to scan); returns (count, bytes or None)."""
    counter = itertools.count()
    with gc_tuned():
        # zip stops on the statements first, so the counter ends at their number.
        counted = map(itemgetter(0), zip(statements, counter, strict=False))
        data = serialize(counted, output, fmt, prefixes=dict(prefixes))
    return next(counter), data


def _statements(
    referential: Referential, base: str | None, options: Mapping[str, object] | None
) -> Iterable[Triple]:
    """The triples to write, in the walk's order.

    ``options["ntriples"]``, the path of this referential's N-Triples already written (by
    :func:`write_ntriples`, with the same base), is parsed back instead of walking the model
    again: pyoxigraph's parser is several times cheaper than the walk, and streams, so
    ``build`` writes every syntax with one walk and little memory (PERFORMANCE.md).
    """
    written = (options or {}).get("ntriples")
    if written is not None:
        return cast("Iterable[Triple]", parse(path=str(written), format=RdfFormat.N_TRIPLES))
    return triples(referential, base)


def _write(
    referential: Referential,
    stream: BinaryIO,
    fmt: RdfFormat,
    base: str | None,
    options: Mapping[str, object] | None = None,
) -> int:
    prefixes = turtle_prefixes(base_of(referential, base)) if fmt == RdfFormat.TURTLE \
        else PREFIXES
    return _stream(_statements(referential, base, options), stream, fmt, prefixes)[0]


def write_turtle(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """Turtle, with prefixes for the vocabularies and for the referential's own nodes."""
    return _write(referential, stream, RdfFormat.TURTLE, base, options)


def write_ntriples(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    return _write(referential, stream, RdfFormat.N_TRIPLES, base, options)


def write_rdfxml(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """RDF/XML. A carriage return in a text is written ``&#13;`` so that XML parsers,
    which turn a raw CR into LF, read the text back exactly."""
    count, xml = _stream(_statements(referential, base, options), None, RdfFormat.RDF_XML)
    assert xml is not None  # no output stream given: pyoxigraph returns the bytes
    found = _XML_ILLEGAL.search(xml)
    bad = found.group() if found else next((c for c in _XML_NONCHARACTERS if c in xml), None)
    if bad is not None:
        raise InvalidData(
            f"a text contains the character {bad.decode()!r}, which XML (RDF/XML) cannot carry",
            hint="remove control characters from the sheet's texts",
        )
    # IRIs cannot hold a raw CR, so every CR in the output is inside a literal.
    stream.write(xml.replace(b"\r", b"&#13;") if b"\r" in xml else xml)
    return count


def _write_quads(
    referential: Referential,
    stream: BinaryIO,
    fmt: RdfFormat,
    base: str | None,
    options: Mapping[str, object] | None = None,
) -> int:
    graph = NamedNode(Iris(base_of(referential, base)).graph())
    written = (options or {}).get("ntriples")
    if fmt == RdfFormat.N_QUADS and written is not None:
        return _nquads_from_ntriples(Path(str(written)), graph, stream)
    quads: Iterable[Quad]
    if (options or {}).get("nquads") is not None:  # parsed back, as for "ntriples"
        quads = parse(path=str((options or {})["nquads"]), format=RdfFormat.N_QUADS)
    else:
        quads = (Quad(t.subject, t.predicate, t.object, graph)
                 for t in _statements(referential, base, options))
    prefixes = turtle_prefixes(base_of(referential, base)) if fmt == RdfFormat.TRIG \
        else PREFIXES
    return _stream(quads, stream, fmt, prefixes)[0]


def _nquads_from_ntriples(path: Path, graph: NamedNode, stream: BinaryIO) -> int:
    """N-Quads from N-Triples by adding the graph to each line: the bytes pyoxigraph would
    write for the same quads. Safe because N-Triples escapes every line break inside a
    literal, so each statement ends with the only ``" .\\n"`` of its line."""
    suffix = f" {graph} .\n".encode()
    count = 0
    rest = b""
    with path.open("rb") as source:
        while chunk := source.read(1 << 22):
            chunk = rest + chunk
            cut = chunk.rfind(b"\n") + 1
            body, rest = chunk[:cut], chunk[cut:]
            count += body.count(b"\n")
            stream.write(body.replace(b" .\n", suffix))
    if rest:
        raise InvalidData(f"{path}: N-Triples does not end with a line break")
    return count


def write_trig(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """TriG: the referential in one named graph, ``{base}graph``.

    Written as the Turtle's prefixes, then its statements inside ``<{base}graph> { … }``:
    TriG's graph blocks hold Turtle's statements, so this is the same quads as a TriG
    serialiser gives, in a fraction of the time when the Turtle exists already
    (``options["turtle"]``, the path of this referential's Turtle: ``build`` passes it).
    """
    written = (options or {}).get("turtle")
    if written is not None:
        with open(str(written), "rb") as source:
            turtle = source.read()
        count = int(cast("int", (options or {}).get("statements", 0)))  # as the Turtle's
    else:
        buffer = io.BytesIO()
        count = write_turtle(referential, buffer, base=base, options=options)
        turtle = buffer.getvalue()
    graph = Iris(base_of(referential, base)).graph()
    head, body = _split_prefixes(turtle)
    stream.write(head)
    stream.write(f"<{graph}> {{\n".encode())
    stream.write(body)
    stream.write(b"}\n")
    return count


def _split_prefixes(turtle: bytes) -> tuple[bytes, bytes]:
    """The ``@prefix`` lines at the top of pyoxigraph's Turtle, and the statements."""
    end = 0
    while turtle.startswith(b"@prefix ", end):
        end = turtle.index(b"\n", end) + 1
    return turtle[:end], turtle[end:]


def write_nquads(
    referential: Referential,
    stream: BinaryIO,
    *,
    base: str | None = None,
    options: Mapping[str, object] | None = None,
) -> int:
    """N-Quads: the referential in one named graph, ``{base}graph``."""
    return _write_quads(referential, stream, RdfFormat.N_QUADS, base, options)


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
