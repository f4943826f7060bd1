"""``write_rdf``: every RDF syntax from one walk, serialised chunk by chunk, gives the bytes
of one serialisation of the whole graph; and ``build``'s writer thread reports its errors.
"""

from __future__ import annotations

import errno
import io
import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from rdf_kitchen_sink import referential as kitchen_sink
from rome_export.bundle_files import Spool
from rome_export.iris import PREFIXES, Iris
from rome_export.serialisers import triples as triples_module
from rome_export.serialisers.rdf import SYNTAXES, turtle_prefixes, write_rdf
from rome_export.serialisers.triples import base_of, build, chunks, triples
from rome_export.sources import load

GENERATE = Path(__file__).resolve().parents[1] / "bench" / "generate.py"


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("gen") / "ref"
    subprocess.run([sys.executable, str(GENERATE), "--sheets", "25", "-o", str(out),
                    "--seed", "3"], check=True, capture_output=True)
    return load(out)


def _whole(ref, name: str) -> bytes:  # type: ignore[no-untyped-def]
    """What pyoxigraph writes for the whole graph at once (TriG and N-Quads: as quads)."""
    base = base_of(ref)
    statements = build(ref)
    if name in ("nq", "trig"):
        graph = ox.NamedNode(Iris(base).graph())
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in statements]
        if name == "nq":
            return ox.serialize(quads, None, ox.RdfFormat.N_QUADS)  # type: ignore[no-any-return]
        return ox.serialize(quads, None, ox.RdfFormat.TRIG,  # type: ignore[no-any-return]
                            prefixes=turtle_prefixes(base))
    prefixes = turtle_prefixes(base) if name in ("ttl", "trig") else dict(PREFIXES)
    fmt = SYNTAXES[name]
    return ox.serialize(statements, None, fmt, prefixes=prefixes)  # type: ignore[no-any-return]


def _chunked(ref, size: int, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(triples_module, "CHUNK", size)
    made: list[int] = []
    real = triples_module.chunks

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        for chunk in real(*args, **kwargs):
            made.append(len(chunk))
            yield chunk

    monkeypatch.setattr("rome_export.serialisers.rdf.chunks", counted)
    streams = {name: io.BytesIO() for name in SYNTAXES}
    count = write_rdf(ref, streams)
    assert count == len(build(ref)) == sum(made)
    if size < count // 3:  # the joins are exercised: several chunks (one a sheet at least)
        assert len(made) > 3
    return {name: s.getvalue() for name, s in streams.items()}


@pytest.mark.parametrize("size", [1, 7, 300, 10**9])
def test_chunks_are_the_walk_in_order_and_split_no_subject(generated, size, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(triples_module, "CHUNK", size)
    pieces = list(chunks(generated, size=size))
    assert [t for piece in pieces for t in piece] == list(triples(generated))
    if size < 10**9:
        assert len(pieces) > 3
    subjects = [{t.subject for t in piece} for piece in pieces]
    for n, these in enumerate(subjects):
        for later in subjects[n + 1:]:
            assert not these & later


@pytest.mark.parametrize("size", [1, 50, 10**9])
@pytest.mark.parametrize("name", ["nt", "ttl", "rdf", "nq"])
def test_chunked_bytes_are_one_serialisation_of_all(generated, name, size, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    assert _chunked(generated, size, monkeypatch)[name] == _whole(generated, name)


@pytest.mark.parametrize("size", [1, 50, 10**9])
def test_chunked_trig_is_the_turtle_in_one_graph_block(generated, size, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = _chunked(generated, size, monkeypatch)
    graph = Iris(base_of(generated)).graph()
    head, _, body = out["ttl"].partition(b"\njob:")  # after the prefixes, the first subject
    assert out["trig"].count(f"<{graph}> {{\n".encode()) == 1 and out["trig"].endswith(b"}\n")
    expected = set(ox.parse(_whole(generated, "trig"), format=ox.RdfFormat.TRIG))
    assert set(ox.parse(out["trig"], format=ox.RdfFormat.TRIG)) == expected
    assert head and body


def test_the_kitchen_sink_in_small_chunks(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Quotes, every language map, all the optional nodes.
    ref = kitchen_sink()
    out = _chunked(ref, 5, monkeypatch)
    for name in ("nt", "ttl", "nq"):
        assert out[name] == _whole(ref, name)
    parsed = {q.triple for q in ox.parse(out["rdf"], format=ox.RdfFormat.RDF_XML)}
    assert parsed == set(build(ref))


def test_one_syntax_alone_is_the_same_bytes(generated, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(triples_module, "CHUNK", 40)
    together = {name: io.BytesIO() for name in SYNTAXES}
    write_rdf(generated, together)
    for name in SYNTAXES:
        alone = io.BytesIO()
        write_rdf(generated, {name: alone})
        assert alone.getvalue() == together[name].getvalue(), name


def test_an_unknown_syntax_is_refused(generated) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="jsonld"):
        write_rdf(generated, {"jsonld": io.BytesIO()})


# ------------------------------------------------------------------ the writer thread


def test_spool_runs_work_in_order_off_the_main_thread() -> None:
    spool = Spool()
    seen: list[tuple[int, str]] = []
    try:
        for n in range(200):
            spool.submit(lambda n=n: seen.append((n, threading.current_thread().name)),
                         size=1 << 20)  # over the budget: submit waits for room
        spool.drain()
    finally:
        spool.close()
    assert [n for n, _ in seen] == list(range(200))
    assert {name for _, name in seen} == {"rome-export-writer"}


def test_spool_raises_the_first_error_and_skips_the_rest_but_clean_up() -> None:
    spool = Spool()
    done: list[str] = []

    def fail() -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        spool.submit(fail)
        spool.submit(lambda: done.append("after"), always=False)
        spool.submit(lambda: done.append("close"), always=True)
        with pytest.raises(OSError, match="No space left"):
            spool.drain()
        spool.submit(lambda: done.append("later"), always=False)  # skipped: it failed
        spool.submit(lambda: done.append("close again"), always=True)
        spool.drain()
    finally:
        spool.close()
    assert "after" not in done and "later" not in done
    assert done == ["close", "close again"]
