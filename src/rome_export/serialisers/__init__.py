"""The one registry of output formats.

``FORMATS`` maps a format name to a :class:`Format`: its media type, file extension and the
dotted path of its writer, imported lazily so that ``rome-export --help`` stays fast. The
CLI's ``--to`` choices, ``build`` and the round-trip tests all iterate over this registry:
a new format is one module plus one entry here.

A writer has the signature ``write(referential, stream: BinaryIO, *, base: str | None = None,
options: Mapping[str, object] | None = None) -> int`` and returns the number of statements
(triples, quads or rows; the JSON-LD writer: top-level nodes) it wrote; it never opens
files itself. The RDF syntaxes can also be written together, from one walk of the model,
by :func:`rome_export.serialisers.rdf.write_rdf` (``build`` does).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Protocol

if TYPE_CHECKING:
    from rome_export.model import Referential


class Writer(Protocol):
    def __call__(
        self,
        referential: Referential,
        stream: BinaryIO,
        *,
        base: str | None = None,
        options: Mapping[str, object] | None = None,
    ) -> int: ...


@dataclass(frozen=True)
class Format:
    name: str
    media_type: str
    extension: str
    writer_path: str  # "module:function"
    description: str
    rdf: bool = True  # an RDF syntax: parseable back into a graph

    def writer(self) -> Writer:
        module_name, _, attr = self.writer_path.partition(":")
        writer: Writer = getattr(importlib.import_module(module_name), attr)
        return writer


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("ttl", "text/turtle", ".ttl", "rome_export.serialisers.rdf:write_turtle",
               "Turtle"),
        Format("nt", "application/n-triples", ".nt", "rome_export.serialisers.rdf:write_ntriples",
               "N-Triples"),
        Format("rdf", "application/rdf+xml", ".rdf", "rome_export.serialisers.rdf:write_rdfxml",
               "RDF/XML"),
        Format("trig", "application/trig", ".trig", "rome_export.serialisers.rdf:write_trig",
               "TriG, the referential in one named graph"),
        Format("nq", "application/n-quads", ".nq", "rome_export.serialisers.rdf:write_nquads",
               "N-Quads, the referential in one named graph"),
        Format("jsonld", "application/ld+json", ".jsonld",
               "rome_export.serialisers.jsonld:write_jsonld", "JSON-LD (compact, with context)"),
    )
}
