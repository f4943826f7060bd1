"""IRIs of everything the referential describes (DESIGN, "Identifiers and IRIs").

Every IRI is ``{base}`` + a path; ``{base}`` comes from ``dataset.yaml`` or the command
line. IRIs carry no version. Writers of every format mint IRIs only through this module,
so that RDF, JSON-LD, CSV and DCAT agree to the byte.
"""

from __future__ import annotations

from dataclasses import dataclass

RX = "https://w3id.org/rome-export/ns#"
"""The package's own vocabulary (``ontology/vocabulary.ttl``)."""

SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
ESCO_ISCO = "http://data.europa.eu/esco/isco/C"
"""ISCO-08 groups as ESCO publishes them: ``http://data.europa.eu/esco/isco/C3341``."""

PREFIXES: dict[str, str] = {
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "rx": RX,
    "schema": SCHEMA,
    "skos": SKOS,
    "xsd": XSD,
}

SCHEMES = ("jobs", "competencies", "levels", "families")


def check_base(value: str, option: str, *, ends: tuple[str, ...] = ("/", "#")) -> str:
    """``value`` if it is an absolute IRI ending with one of ``ends``, else a
    :class:`~rome_export.errors.UsageError` naming ``option`` (the command-line option or
    field it came from). Every IRI is the base plus a path: a base that is no IRI fails
    deep in a writer, and one not ending with ``/`` or ``#`` glues the path onto its last
    segment (``http://x.orgjob/...``)."""
    import pyoxigraph  # the RDF writers' own IRI parser, so that what passes here parses there

    from rome_export.errors import UsageError

    endings = " or ".join(repr(e) for e in ends)
    expected = "an absolute IRI" + (f" ending with {endings}" if ends else "")
    try:
        pyoxigraph.NamedNode(value)
    except ValueError as exc:
        raise UsageError(f"{option} {value!r} is not {expected}: {exc}") from None
    if ends and not value.endswith(ends):
        raise UsageError(f"{option} {value!r} must end with {endings}",
                         hint="e.g. https://example.org/referential/")
    return value


@dataclass(frozen=True, slots=True)
class Iris:
    """Mints the IRIs of one referential under ``base``."""

    base: str

    def job(self, job_id: str) -> str:
        return f"{self.base}job/{job_id}"

    def competency(self, competency_id: str) -> str:
        return f"{self.base}competency/{competency_id}"

    def level_descriptor(self, competency_id: str, level: int) -> str:
        return f"{self.base}competency/{competency_id}/level/{level}"

    def level(self, level: int) -> str:
        return f"{self.base}level/{level}"

    def family(self, family_id: str) -> str:
        return f"{self.base}family/{family_id}"

    def requirement(self, job_id: str, competency_id: str) -> str:
        return f"{self.base}job/{job_id}/requirement/{competency_id}"

    def mobility(self, job_id: str, n: int) -> str:
        """The n-th mobility link of a job, counted from 1 in the sheet's order."""
        return f"{self.base}job/{job_id}/mobility/{n}"

    def scheme(self, name: str) -> str:
        if name not in SCHEMES:
            raise ValueError(f"unknown scheme {name!r}")
        return f"{self.base}scheme/{name}"

    def levels_list_cell(self, n: int) -> str:
        """The n-th ``rdf:List`` cell of the ordered level collection (no blank nodes)."""
        return f"{self.base}scheme/levels/list/{n}"

    def levels_collection(self) -> str:
        return f"{self.base}scheme/levels/ordered"

    def mission(self, job_id: str, n: int) -> str:
        """The n-th mission of a job, counted from 1 in the sheet's order."""
        return f"{self.base}job/{job_id}/mission/{n}"

    def context_note(self, job_id: str, kind: str, n: int) -> str:
        """The n-th note of a job's work context; ``kind`` is specific or organisational."""
        return f"{self.base}job/{job_id}/context/{kind}/{n}"

    def reading(self, job_id: str, n: int) -> str:
        return f"{self.base}job/{job_id}/reading/{n}"

    def mapping(self, job_id: str, catalogue: str, key: str) -> str:
        """A mapping record; ``catalogue`` is rome|esco|isco, ``key`` the code or ESCO uuid."""
        return f"{self.base}job/{job_id}/mapping/{catalogue}/{key}"

    def rome_code(self, code: str) -> str:
        """The ``schema:CategoryCode`` of a ROME code (ROME itself has no IRIs)."""
        return f"{self.base}rome/{code}"

    def rome_code_set(self) -> str:
        return f"{self.base}rome"

    def dataset(self) -> str:
        return f"{self.base}dataset"

    def catalog(self) -> str:
        """The DCAT catalogue of the releases."""
        return f"{self.base}catalog"

    def publisher(self) -> str:
        return f"{self.base}publisher"

    def graph(self) -> str:
        """The named graph of the referential in TriG / N-Quads."""
        return f"{self.base}graph"


@dataclass(frozen=True, slots=True)
class ReleaseIris:
    """IRIs of the files of one release bundle, under the URL they are served from."""

    download_base: str

    def download(self, path: str) -> str:
        return f"{self.download_base}{path}"

    def distribution(self, path: str) -> str:
        return f"{self.download_base}{path}#distribution"

    def checksum(self, path: str) -> str:
        return f"{self.download_base}{path}#checksum"


def default_download_base(base: str, version: str) -> str:
    """Where a release's files are assumed to be served when no download base is given.

    A base ending with ``#`` (a hash namespace) names a document: the files go below it,
    not inside its fragment, which no client downloads and which would give the
    ``…#distribution`` IRIs a second ``#``.
    """
    root = base.split("#", 1)[0]
    if not root.endswith("/"):
        root += "/"
    return f"{root}release/{version}/"


def isco_group(code: str) -> str:
    return f"{ESCO_ISCO}{code}"


# Small schemes of the vocabulary: concepts for mobility direction, proximity and sector.
def direction(value: str) -> str:
    return f"{RX}direction-{value}"


def proximity(value: str) -> str:
    return f"{RX}proximity-{value}"


def sector(value: str) -> str:
    return f"{RX}sector-{value}"
