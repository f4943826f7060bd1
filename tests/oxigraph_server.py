"""Real servers for the SPARQL tests: Oxigraph itself, and a tiny recording HTTP server.

``running_oxigraph`` starts the ``oxigraph`` binary of the ``oxigraph`` package on a free
127.0.0.1 port with a temporary store, waits (bounded) until it answers, and stops it.
``RecordingServer`` is a real ``http.server`` on 127.0.0.1 that records what it receives
(method, path, headers, body) and answers with a scripted list of status codes: Oxigraph
ignores authentication and never fails on purpose, so headers and 5xx answers are
observed on a server of our own. Neither is a mock: both speak HTTP over a real socket.
"""

from __future__ import annotations

import http.server
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pyoxigraph


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph binary (PyPI package `oxigraph`) is not installed")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class OxigraphServer:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def store(self) -> str:
        return f"{self.url}store"

    @property
    def query(self) -> str:
        return f"{self.url}query"

    def graph_triples(self, graph: str) -> set[str]:
        """The triples of ``graph``, as canonical N-Triples lines, read back over GSP."""
        response = httpx.get(self.store, params={"graph": graph},
                             headers={"Accept": "application/n-triples"}, timeout=10)
        if response.status_code == 404:
            return set()
        response.raise_for_status()
        return ntriples_set(response.content)

    def count(self, graph: str) -> int:
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        response = httpx.post(self.query, data={"query": text},
                              headers={"Accept": "application/sparql-results+json"}, timeout=10)
        response.raise_for_status()
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    def stop(self) -> None:
        from rome_export.sparql import stop_process

        stop_process(self.process)


def ntriples_set(data: bytes, fmt: pyoxigraph.RdfFormat = pyoxigraph.RdfFormat.N_TRIPLES
                 ) -> set[str]:
    """Triples parsed by pyoxigraph, as canonical N-Triples strings (comparable sets)."""
    return {str(pyoxigraph.Triple(q.subject, q.predicate, q.object))
            for q in pyoxigraph.parse(data, fmt)}


@contextmanager
def running_oxigraph(location: Path, *, ready_within: float = 20.0) -> Iterator[OxigraphServer]:
    port = free_port()
    process = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = OxigraphServer(process, port)
    try:
        deadline = time.monotonic() + ready_within
        while True:
            if process.poll() is not None:
                err = process.stderr.read().decode() if process.stderr else ""
                raise RuntimeError(f"oxigraph exited at start: {err}")
            try:
                if httpx.get(server.query, params={"query": "ASK {}"}, timeout=1).is_success:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"oxigraph not ready within {ready_within} s")
            time.sleep(0.05)
        yield server
    finally:
        server.stop()


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class RecordingServer:
    """``http.server`` on 127.0.0.1 answering ``statuses`` in turn (then the last one)."""

    statuses: list[int] = field(default_factory=lambda: [204])
    requests: list[Recorded] = field(default_factory=list)
    port: int = 0
    _httpd: http.server.ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/store"

    def __enter__(self) -> RecordingServer:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                owner.requests.append(Recorded(self.command, self.path, dict(self.headers),
                                               body))
                status = owner.statuses[min(len(owner.requests), len(owner.statuses)) - 1]
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_PUT = do_POST = do_GET = _handle

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._httpd is not None
        self._httpd.shutdown()
        self._httpd.server_close()


@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]
