"""SPARQL over the exported RDF: an embedded store, a push to a triple store, a local server.

- :func:`open_store` loads a SOURCE (a data dir, a built DIST, or one RDF file) into an
  in-memory pyoxigraph store; :func:`query` runs SPARQL on it with the vocabulary prefixes
  predeclared, and :func:`write_result` prints the answer as a table, CSV, TSV, W3C SPARQL
  results JSON, or Turtle for a graph.
- :func:`push` sends the triples to a server over the SPARQL 1.1 Graph Store HTTP Protocol
  (Oxigraph ``/store``, Fuseki ``/{dataset}/data``, GraphDB
  ``/repositories/{id}/rdf-graphs/service``), in chunks, with timeouts and bounded retries.
- :func:`serve` starts the ``oxigraph`` server binary on a store loaded with the data.

Everything that reaches a server is N-Triples produced by the ``nt`` writer of the format
registry (for a data dir) or re-serialised by pyoxigraph (for RDF files): canonical lines,
one triple each, so that chunks can be cut at any line.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, BinaryIO

from rome_export.errors import InvalidData, OperationalError, UsageError
from rome_export.iris import PREFIXES, RDF, XSD

if TYPE_CHECKING:
    import pyoxigraph

# Extension -> pyoxigraph format name; the order is the preference when a DIST holds the
# same graph in several syntaxes (N-Triples parses fastest).
RDF_SUFFIXES: dict[str, str] = {
    ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".ttl": "TURTLE", ".trig": "TRIG",
    ".rdf": "RDF_XML", ".owl": "RDF_XML", ".n3": "N3", ".jsonld": "JSON_LD",
}
RESULT_FORMATS = ("table", "csv", "tsv", "json")
DATASET_FILE = "dataset.yaml"
TABLE_CELL_MAX = 80

# ------------------------------------------------------------------------------ sources


def is_data_dir(path: Path) -> bool:
    return path.is_dir() and (path / DATASET_FILE).is_file()


def rdf_format(path: Path) -> pyoxigraph.RdfFormat:
    import pyoxigraph

    name = RDF_SUFFIXES.get(path.suffix.lower())
    if name is None:
        raise UsageError(
            f"{path}: not an RDF file (known extensions: {', '.join(RDF_SUFFIXES)})",
            hint="give a data dir (with dataset.yaml), a built DIST, or an RDF file",
        )
    fmt: pyoxigraph.RdfFormat = getattr(pyoxigraph.RdfFormat, name)
    return fmt


def dist_files(dist: Path) -> list[Path]:
    """The RDF files of a built DIST: one per file stem, in the syntax fastest to parse.

    A DIST holds the same graph in several syntaxes (``x.nt``, ``x.ttl``, ``x.rdf``…) and
    maybe other graphs (the DCAT catalogue): every stem is loaded, each only once. JSON-LD
    is used only when nothing else is there, since its context may be remote.
    """
    candidates = sorted(p for p in dist.iterdir() if p.is_file()) or []
    if not any(p.suffix.lower() in RDF_SUFFIXES for p in candidates):
        candidates = sorted(p for p in dist.rglob("*") if p.is_file())
    rank = {suffix: i for i, suffix in enumerate(RDF_SUFFIXES)}
    best: dict[Path, Path] = {}
    for path in candidates:
        suffix = path.suffix.lower()
        if suffix not in rank:
            continue
        key = path.with_suffix("")
        if key not in best or rank[suffix] < rank[best[key].suffix.lower()]:
            best[key] = path
    files = sorted(best.values())
    if any(p.suffix.lower() != ".jsonld" for p in files):
        files = [p for p in files if p.suffix.lower() != ".jsonld"]
    if not files:
        raise UsageError(
            f"{dist}: neither a data dir (no {DATASET_FILE}) nor a DIST with RDF files",
            hint="give a data dir, the output of `rome-export build`, or an RDF file",
        )
    return files


def rdf_input(path: Path, fmt: pyoxigraph.RdfFormat) -> dict[str, Any]:
    """The arguments that give ``path`` to a pyoxigraph parser.

    pyoxigraph cannot fetch a remote JSON-LD context: a document that refers to the
    package's published context by its URL (``export --to jsonld``, the bundle's
    ``*.jsonld``) gets the bundled copy inline instead, so that the package reads what it
    writes, offline.
    """
    import pyoxigraph

    if fmt != pyoxigraph.RdfFormat.JSON_LD:
        return {"path": path}
    import json

    from rome_export.serialisers.jsonld import CONTEXT_URL, context

    try:
        document = json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return {"path": path}  # the parser says what is wrong, with the position
    except OSError as exc:
        raise OperationalError(f"{path}: cannot read: {exc.strerror or exc}") from exc

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: (context() if k == "@context" and v == CONTEXT_URL else inline(v))
                    for k, v in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return {"input": json.dumps(inline(document)).encode("utf-8")}


def source_files(source: Path) -> list[Path]:
    """The RDF files behind SOURCE (not for a data dir, whose RDF is written on the fly)."""
    if not source.exists():
        raise UsageError(f"{source}: no such file or directory")
    if source.is_dir():
        return dist_files(source)
    rdf_format(source)  # refuses unknown extensions early
    return [source]


def write_ntriples(source: Path, stream: IO[bytes], *, base: str | None = None) -> str | None:
    """Write the triples of SOURCE to ``stream`` as N-Triples (quads lose their graph).

    Returns, for a data dir, the IRI of the referential's named graph (``{base}graph``, as in
    the TriG and N-Quads exports), and None for RDF files.
    """
    if is_data_dir(source):
        from rome_export.iris import Iris
        from rome_export.serialisers import FORMATS
        from rome_export.sources import load

        referential = load(source)
        FORMATS["nt"].writer()(referential, stream, base=base)  # type: ignore[arg-type]
        return Iris(base or referential.dataset.base_iri).graph()
    import pyoxigraph

    for path in source_files(source):
        fmt = rdf_format(path)
        try:
            # Quads lose their graph: a push writes one named graph.
            triples = (pyoxigraph.Triple(q.subject, q.predicate, q.object)
                       for q in pyoxigraph.parse(format=fmt, base_iri=base,
                                                 **rdf_input(path, fmt)))
            pyoxigraph.serialize(triples, stream, pyoxigraph.RdfFormat.N_TRIPLES)
        except SyntaxError as exc:
            raise InvalidData(f"{path}: invalid {fmt.name}: {exc}") from exc
        except OSError as exc:
            raise OperationalError(f"{path}: cannot read: {exc}") from exc
    return None


def open_store(source: Path | str, *, base: str | None = None) -> pyoxigraph.Store:
    """An in-memory store holding SOURCE: a data dir, a built DIST, or one RDF file.

    Quads keep their named graph; :func:`query` looks at the union of all graphs.
    """
    import pyoxigraph

    source = Path(source)
    store = pyoxigraph.Store()
    if is_data_dir(source):
        buffer = io.BytesIO()
        write_ntriples(source, buffer, base=base)
        store.bulk_load(buffer.getvalue(), pyoxigraph.RdfFormat.N_TRIPLES)
        return store
    for path in source_files(source):
        fmt = rdf_format(path)
        try:
            store.bulk_load(format=fmt, base_iri=base, **rdf_input(path, fmt))
        except SyntaxError as exc:
            raise InvalidData(f"{path}: invalid {fmt.name}: {exc}") from exc
        except OSError as exc:
            raise OperationalError(f"{path}: cannot read: {exc}") from exc
    return store


# -------------------------------------------------------------------------------- query

_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)
_UNDECLARED = re.compile(r"([A-Za-z][\w.-]*)?:[^\s:]*$")


def read_query(query: str) -> str:
    """QUERY as given on the command line: inline text, a ``.rq`` file, or ``-`` (stdin)."""
    if query == "-":
        return sys.stdin.read()
    if query.endswith((".rq", ".sparql")) and "\n" not in query:
        path = Path(query)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise UsageError(f"{path}: no such query file") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise OperationalError(f"{path}: cannot read: {exc}") from exc
    return query


def query(store: pyoxigraph.Store, text: str) -> Any:
    """Run a SPARQL query on ``store``, over the union of its graphs.

    ``skos:``, ``rx:``, ``schema:``, ``dcterms:``, ``dcat:``, ``xsd:``, ``rdf:``, ``rdfs:``
    and ``owl:`` are predeclared. A malformed query raises :class:`InvalidData` with the
    parser's message, the line and column, and the line with a caret under the position.
    """
    try:
        return store.query(text, prefixes=PREFIXES, use_default_graph_as_union=True)
    except SyntaxError as exc:
        raise InvalidData(_syntax_message(text, str(exc)),
                          hint=_syntax_hint(str(exc))) from exc


def _syntax_message(text: str, message: str) -> str:
    match = _POSITION.match(message)
    if match is None:
        return f"malformed SPARQL query: {message}"
    line, column, detail = int(match[1]), int(match[2]), " ".join(match[3].split())
    lines = text.splitlines() or [""]
    source = lines[min(line, len(lines)) - 1].expandtabs(1)
    prefix = _UNDECLARED.search(source[: max(column - 1, 0)])
    if "Prefix not found" in detail and prefix:
        detail = f"undeclared prefix {prefix[1]}:"
    elif len(detail) > 240:  # oxigraph lists every expected token, character ranges included
        detail = detail[:240].rstrip() + "…"
    caret = " " * (max(column, 1) - 1) + "^"
    return (f"malformed SPARQL query at line {line}, column {column}: {detail}\n"
            f"  {source}\n  {caret}")


def _syntax_hint(message: str) -> str | None:
    if "Prefix not found" in message:
        return ("undeclared prefix; predeclared: "
                + ", ".join(f"{p}:" for p in sorted(PREFIXES)) + " (add a PREFIX line for others)")
    return None


def write_result(result: Any, fmt: str, out: BinaryIO) -> str | None:
    """Print a query result to ``out``; returns a summary ("3 rows", "12 triples") or None.

    SELECT: ``table`` (aligned text), ``csv``/``tsv`` (W3C SPARQL 1.1 CSV/TSV), ``json``
    (W3C SPARQL 1.1 results JSON). ASK: ``true``/``false`` or the W3C forms. CONSTRUCT and
    DESCRIBE: a graph, printed as Turtle (sorted, prefixed) with the default format.
    """
    import pyoxigraph

    if fmt not in RESULT_FORMATS:
        raise UsageError(f"unknown result format {fmt!r} (choose from {', '.join(RESULT_FORMATS)})")
    if isinstance(result, pyoxigraph.QueryTriples):
        if fmt != "table":
            raise UsageError(f"a CONSTRUCT or DESCRIBE result is a graph, printed as Turtle; "
                             f"--format {fmt} is for SELECT and ASK")
        triples = [t for _, t in sorted({str(t): t for t in result}.items())]
        text = "\n".join(map(str, triples))
        used = {p: ns for p, ns in PREFIXES.items() if f"<{ns}" in text}
        turtle = pyoxigraph.serialize(triples, None, pyoxigraph.RdfFormat.TURTLE,
                                      prefixes=used) or b""
        out.write(turtle if turtle.endswith(b"\n") or not turtle else turtle + b"\n")
        return _plural(len(triples), "triple")
    if fmt == "table":
        if isinstance(result, pyoxigraph.QueryBoolean):
            out.write(b"true\n" if bool(result) else b"false\n")
            return None
        return _plural(_write_table(result, out), "row")
    name = {"csv": "CSV", "tsv": "TSV", "json": "JSON"}[fmt]
    data: bytes = result.serialize(format=getattr(pyoxigraph.QueryResultsFormat, name))
    out.write(data if data.endswith(b"\n") else data + b"\n")
    return None


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def _write_table(solutions: Any, out: BinaryIO) -> int:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in solutions]
    widths = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
              for r in rows]
    out.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(rows)


_PLAIN_TYPES = {f"{XSD}{t}" for t in ("string", "integer", "decimal", "double", "boolean",
                                       "date", "dateTime", "gYear", "nonNegativeInteger")}
_LOCAL_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*(?<!\.)$|^$")


def compact_iri(iri: str) -> str:
    """``skos:Concept`` for vocabulary IRIs, the IRI itself otherwise."""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and _LOCAL_NAME.match(iri[len(namespace):]):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _cell(term: Any) -> str:
    """A term as a table shows it: readable rather than round-trippable (use csv/json)."""
    import pyoxigraph

    if term is None:
        text = ""
    elif isinstance(term, pyoxigraph.NamedNode):
        text = compact_iri(term.value)
    elif isinstance(term, pyoxigraph.Literal):
        text = term.value
        if term.language:
            text = f"{text}@{term.language}"
        elif term.datatype.value not in _PLAIN_TYPES and term.datatype.value != f"{RDF}langString":
            text = f"{text}^^{compact_iri(term.datatype.value)}"
    else:
        text = str(term)
    text = " ".join(text.split())
    if len(text) <= TABLE_CELL_MAX or isinstance(term, pyoxigraph.NamedNode):
        return text  # an IRI is an identifier: never cut
    return text[: TABLE_CELL_MAX - 1] + "…"


# -------------------------------------------------------------------------------- serve


def oxigraph_binary() -> Path:
    """The ``oxigraph`` server of the ``oxigraph`` package: next to Python, or on PATH."""
    beside = Path(sys.executable).parent / ("oxigraph.exe" if os.name == "nt" else "oxigraph")
    if beside.is_file():
        return beside
    found = shutil.which("oxigraph")
    if found:
        return Path(found)
    raise OperationalError("the oxigraph server binary was not found next to Python or on PATH",
                           hint="install it with `pip install oxigraph`")


def stop_process(process: subprocess.Popen[Any]) -> None:
    """Terminate a child server, then kill it if it has not stopped within 10 s; close its
    pipes (a long-lived caller starting servers would otherwise leak their descriptors)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@dataclass
class LocalServer:
    """A running ``oxigraph serve``; :meth:`stop` ends it and removes its temporary store."""

    process: subprocess.Popen[bytes]
    url: str
    location: Path
    _tmp: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def query_url(self) -> str:
        return f"{self.url}query"

    @property
    def store_url(self) -> str:
        return f"{self.url}store"

    def wait(self) -> int:
        return self.process.wait()

    def stop(self) -> None:
        stop_process(self.process)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(source: Path | str, *, host: str = "127.0.0.1", port: int = 7878,
          location: Path | None = None, read_only: bool = False, base: str | None = None,
          ready_timeout: float = 30.0) -> LocalServer:
    """Load SOURCE into an Oxigraph store (``location`` or a temporary one) and serve it.

    The triples go into the default graph (TriG/N-Quads keep their graphs; queries see the
    union), so that ``SELECT * { ?s ?p ?o }`` works without ``GRAPH``. Returns once the
    server answers a query; raises :class:`OperationalError` if it does not.
    """
    binary, source = oxigraph_binary(), Path(source)
    _check_port_free(host, port)
    tmp = tempfile.TemporaryDirectory(prefix="rome-export-serve-")
    store_dir = Path(location) if location is not None else Path(tmp.name) / "store"
    try:
        try:
            store_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:  # else oxigraph fails on it, and it is no fault of the data
            raise OperationalError(f"cannot use {store_dir} as the store: "
                                   f"{exc.strerror or exc}",
                                   hint="give --location a writable directory") from exc
        # a data dir, and JSON-LD (whose context the oxigraph binary cannot fetch), go in
        # as N-Triples written here
        convert = is_data_dir(source) or any(
            p.suffix.lower() == ".jsonld" for p in source_files(source))
        files = [Path(tmp.name) / "data.nt"] if convert else source_files(source)
        if convert:
            with files[0].open("wb") as stream:
                write_ntriples(source, stream, base=base)
        command = [str(binary), "load", "--location", str(store_dir), "--file", *map(str, files)]
        if base:
            command += ["--base", base]
        done = subprocess.run(command, capture_output=True, check=False, env=_oxigraph_env())
        if done.returncode != 0:
            raise InvalidData(f"oxigraph could not load {source}: {_tail(done.stderr)}")
        if convert:
            files[0].unlink()  # the store has it now
        mode = "serve-read-only" if read_only else "serve"
        process = subprocess.Popen(
            [str(binary), mode, "--location", str(store_dir), "--bind", f"{host}:{port}",
             "--union-default-graph"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=_detach,
            env=_oxigraph_env())
    except BaseException:
        tmp.cleanup()
        raise
    shown_host = f"[{host}]" if ":" in host else host
    server = LocalServer(process, f"http://{shown_host}:{port}/", store_dir, tmp)
    try:
        _wait_ready(server, ready_timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _detach() -> None:
    """In the server child: its own session (Ctrl-C reaches us, and we stop it cleanly),
    and on Linux a SIGTERM when we die, so that no server outlives a killed command."""
    os.setsid()
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _check_port_free(host: str, port: int) -> None:
    # Otherwise the readiness check could be answered by whatever already listens there.
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:  # a typo in --host: no port would help
        raise UsageError(f"--host {host!r}: no such interface or host name ({exc.strerror})",
                         hint="give an address of this machine, e.g. 127.0.0.1") from exc
    try:
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.bind(infos[0][4])
    except OSError as exc:
        raise OperationalError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                               hint="is another server using that port? try --port") from exc


def _wait_ready(server: LocalServer, timeout: float) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            err = server.process.stderr.read() if server.process.stderr else b""
            raise OperationalError(f"the oxigraph server stopped at start: {_tail(err)}",
                                   hint="is the port already in use? try --port")
        try:
            answer = httpx.get(server.query_url, params={"query": "ASK {}"}, timeout=1.0)
            if answer.is_success and server.process.poll() is None:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise OperationalError(f"the oxigraph server did not answer within {timeout:.0f} s")
        time.sleep(0.1)


def _oxigraph_env() -> dict[str, str]:
    # With RUST_BACKTRACE set in the user's environment, oxigraph appends a Rust stack
    # backtrace to every error, which would end up in our one-line message.
    return {**os.environ, "RUST_BACKTRACE": "0", "RUST_LIB_BACKTRACE": "0"}


def _tail(stderr: bytes, limit: int = 500) -> str:
    """oxigraph's error lines (``Error…``), on one line: not its advice on its own options
    (``--lenient``), which are not ours, nor a backtrace."""
    text = stderr.decode("utf-8", "replace").split("Stack backtrace:")[0]
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error")] or lines
    return " ".join(errors)[-limit:] or "no message"
