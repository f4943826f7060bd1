"""The DCAT-AP release catalogue: parsed by rdflib and pyoxigraph, the same graph in Turtle
and JSON-LD, no blank nodes, and conforming to DCAT-AP 3's mandatory properties (SHACL)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, XSD

from build_fixtures import fixture_referential
from rome_export.serialisers import dcat

SHAPES = Path(__file__).parent / "fixtures" / "dcat-ap-mandatory.ttl"
SPDX = "http://spdx.org/rdf/terms#"
# plain namespaces: rdflib's closed DCAT namespace lacks DCAT 3 terms (dcat:version)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
DL = "https://example.org/downloads/1.2.0/"


def _entry(path: str, data: bytes, conforms_to: str | None = None) -> dcat.FileEntry:
    digest = hashlib.sha256(data).hexdigest()
    return dcat.FileEntry(path, len(data), digest, conforms_to=conforms_to)


FILES = [
    _entry("referential.ttl", b"<a> <b> <c> .\n"),
    _entry("csv/jobs.csv", b"job_id\nx\n", "https://specs.frictionlessdata.io/tabular-data-resource/"),
    _entry("jobs/office-manager.jsonld", b"{}\n"),
    _entry("referential.nq", b""),
]


@pytest.fixture(scope="module")
def statements() -> list[dcat.Statement]:
    return dcat.catalogue(fixture_referential().dataset, FILES, download_base=DL)


@pytest.fixture(scope="module")
def triples(statements) -> list[ox.Triple]:  # type: ignore[no-untyped-def]
    return dcat.to_triples(statements)


def _bytes(write, triples) -> bytes:  # type: ignore[no-untyped-def]
    buf = io.BytesIO()
    write(triples, buf)
    return buf.getvalue()


@pytest.fixture(scope="module")
def graphs(statements) -> tuple[Graph, Graph]:  # type: ignore[no-untyped-def]
    ttl = Graph().parse(data=_bytes(dcat.write_turtle, statements), format="turtle")
    jsonld = Graph().parse(data=_bytes(dcat.write_jsonld, statements), format="json-ld")
    return ttl, jsonld


def test_turtle_and_jsonld_are_the_same_graph(graphs, triples) -> None:  # type: ignore[no-untyped-def]
    ttl, jsonld = graphs
    assert len(ttl) == len(triples) > 50
    assert isomorphic(ttl, jsonld)


def test_pyoxigraph_parses_both(statements, triples) -> None:  # type: ignore[no-untyped-def]
    for write, fmt in ((dcat.write_turtle, ox.RdfFormat.TURTLE),
                       (dcat.write_jsonld, ox.RdfFormat.JSON_LD)):
        parsed = {q.triple for q in ox.parse(_bytes(write, statements), fmt)}
        assert parsed == set(triples)


def test_no_blank_nodes(graphs) -> None:  # type: ignore[no-untyped-def]
    ttl, _ = graphs
    assert not [t for t in ttl if isinstance(t[0], BNode) or isinstance(t[2], BNode)]


def test_one_distribution_per_file_with_size_and_checksum(graphs) -> None:  # type: ignore[no-untyped-def]
    g, _ = graphs
    ds = URIRef("https://example.org/rx/dataset")
    dists = set(g.objects(ds, DCAT.distribution))
    assert len(dists) == len(FILES)
    for f in FILES:
        dist = URIRef(f"{DL}{f.path}#distribution")
        assert dist in dists
        assert g.value(dist, DCAT.downloadURL) == URIRef(DL + f.path)
        assert g.value(dist, DCAT.accessURL) == URIRef(DL + f.path)
        size = g.value(dist, DCAT.byteSize)
        assert size == Literal(str(f.size), datatype=XSD.nonNegativeInteger)
        chk = g.value(dist, URIRef(SPDX + "checksum"))
        assert chk == URIRef(f"{DL}{f.path}#checksum")
        assert g.value(chk, URIRef(SPDX + "algorithm")) == URIRef(SPDX + "checksumAlgorithm_sha256")
        assert str(g.value(chk, URIRef(SPDX + "checksumValue"))) == f.sha256
    csv = URIRef(f"{DL}csv/jobs.csv#distribution")
    assert g.value(csv, DCAT.mediaType) == URIRef("https://www.iana.org/assignments/media-types/text/csv")
    assert g.value(csv, DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/CSV")
    nq = URIRef(f"{DL}referential.nq#distribution")
    assert g.value(nq, DCTERMS["format"]).endswith("/file-type/RDF_N_QUADS")


def test_dataset_metadata(graphs) -> None:  # type: ignore[no-untyped-def]
    g, _ = graphs
    ds = URIRef("https://example.org/rx/dataset")
    cat = URIRef("https://example.org/rx/catalog")
    assert (cat, DCAT.dataset, ds) in g
    assert {str(o) for o in g.objects(ds, DCTERMS.title)} == {
        "Référentiel de test des métiers", "Test job referential"}
    assert set(g.objects(ds, DCTERMS.language)) == {
        URIRef("http://publications.europa.eu/resource/authority/language/FRA"),
        URIRef("http://publications.europa.eu/resource/authority/language/ENG")}
    assert g.value(ds, DCTERMS.issued) == Literal(dt.date(2026, 1, 15))
    assert g.value(ds, DCTERMS.modified) == Literal(dt.date(2026, 2, 1))
    assert str(g.value(ds, DCAT.version)) == "1.2.0"
    assert g.value(ds, DCAT.landingPage) == URIRef("https://example.org/referentiel")
    assert g.value(ds, DCTERMS.conformsTo) == URIRef("https://w3id.org/rome-export/ns")
    assert g.value(ds, DCTERMS.license) == URIRef(
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
    pub = g.value(ds, DCTERMS.publisher)
    assert (pub, RDF.type, FOAF.Agent) in g
    assert str(g.value(pub, FOAF.name)) == "Observatoire de test"


def test_date_option_and_default_download_base() -> None:
    ds = fixture_referential().dataset
    trs = dcat.catalogue(ds, FILES[:1], modified=dt.date(2027, 3, 4))
    g = Graph().parse(data=_bytes(dcat.write_turtle, trs), format="turtle")
    assert g.value(URIRef("https://example.org/rx/dataset"), DCTERMS.modified) == Literal(
        dt.date(2027, 3, 4))
    default = URIRef("https://example.org/rx/release/1.2.0/referential.ttl")
    assert (None, DCAT.downloadURL, default) in g


def test_output_is_deterministic(statements) -> None:  # type: ignore[no-untyped-def]
    again = dcat.catalogue(fixture_referential().dataset, list(reversed(FILES)),
                           download_base=DL)
    assert _bytes(dcat.write_turtle, statements) == _bytes(dcat.write_turtle, again)
    assert _bytes(dcat.write_jsonld, statements) == _bytes(dcat.write_jsonld, again)


def _conforms(data: Graph) -> tuple[bool, str]:
    from pyshacl import validate

    conforms, _, text = validate(data, shacl_graph=Graph().parse(SHAPES), inference="none")
    return bool(conforms), str(text)


def test_satisfies_dcat_ap_mandatory_shapes(graphs) -> None:  # type: ignore[no-untyped-def]
    for g in graphs:
        conforms, text = _conforms(g)
        assert conforms, text


@pytest.mark.parametrize("drop", [
    (None, FOAF.name, None),
    (URIRef("https://example.org/rx/catalog"), DCTERMS.publisher, None),
    (URIRef("https://example.org/rx/dataset"), DCTERMS.description, None),
    (None, DCAT.accessURL, None),
    (None, URIRef(SPDX + "checksumValue"), None),
])
def test_the_shapes_catch_a_missing_mandatory_property(graphs, drop) -> None:  # type: ignore[no-untyped-def]
    g = Graph()
    for t in graphs[0]:
        g.add(t)
    g.remove(drop)
    conforms, _ = _conforms(g)
    assert not conforms


def test_unknown_file_type_is_refused() -> None:
    with pytest.raises(ValueError, match="no catalogue file type"):
        dcat.file_type("notes.docx")


def test_language_iris() -> None:
    assert dcat.language_iri("fr") == "http://publications.europa.eu/resource/authority/language/FRA"
    assert dcat.language_iri("en-GB").endswith("/ENG")
    assert dcat.language_iri("x-klingon") is None
