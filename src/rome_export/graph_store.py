"""Push triples into a triple store over the SPARQL 1.1 Graph Store HTTP Protocol.

The endpoint is the server's graph store URL; the graph is named with ``?graph=IRI``:
Oxigraph ``http://host:7878/store``, Apache Jena Fuseki ``http://host:3030/{dataset}/data``,
GraphDB ``http://host:7200/repositories/{id}/rdf-graphs/service``.

``PUT`` replaces the named graph (the default: pushing twice leaves one copy), ``POST``
adds to it (``append=True``). Large graphs go in chunks of N-Triples lines: the first
chunk is PUT (or POSTed when appending), the rest POSTed. Atomicity, as chosen: a graph
that fits in one chunk is replaced by ONE request, as atomic as the server makes a request;
a chunked push is not atomic — while it runs, and if it fails half-way, the graph holds
the chunks sent so far (the error says how many). Pushing again repairs it, since the first
PUT replaces everything; retries are safe for the same reason (PUT is idempotent, and
POSTing the same ground triples twice adds nothing). Data with blank nodes is never cut
into chunks (a blank node's label is scoped to one request) nor retried after it reached
the server when it is POSTed.

Credentials come from the environment (``ROME_EXPORT_USER`` + ``ROME_EXPORT_PASSWORD`` for
HTTP Basic, ``ROME_EXPORT_TOKEN`` for a Bearer token) and never appear in messages: URLs
are shown without their user-info.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
import urllib.parse
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from rome_export.errors import OperationalError, UsageError

ENV_USER = "ROME_EXPORT_USER"
ENV_PASSWORD = "ROME_EXPORT_PASSWORD"
ENV_TOKEN = "ROME_EXPORT_TOKEN"
NT_MEDIA_TYPE = "application/n-triples"
DEFAULT_CHUNK_TRIPLES = 100_000
SPOOL_BYTES = 64 * 1024 * 1024  # N-Triples beyond this go to a temporary file
ENDPOINT_HINT = ("the endpoint is the graph store URL: Oxigraph http://HOST:7878/store, "
                 "Fuseki http://HOST:3030/DATASET/data, "
                 "GraphDB http://HOST:7200/repositories/ID/rdf-graphs/service")

Progress = Callable[[int, int, int, int], None]
"""``progress(triples_sent, triples_total, chunks_sent, chunks_total)``."""


@dataclass(frozen=True)
class Credentials:
    """HTTP Basic (user + password) or a Bearer token; ``repr`` shows no secret."""

    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, user: str | None = None,
                 password: str | None = None) -> Credentials:
        env = os.environ if env is None else env
        user = user or env.get(ENV_USER) or None
        password = password if password is not None else env.get(ENV_PASSWORD)
        token = env.get(ENV_TOKEN) or None
        if token and user:
            raise UsageError(f"both a user ({ENV_USER} or --user) and {ENV_TOKEN} are set",
                             hint="use HTTP Basic or a Bearer token, not both")
        if user and password is None:
            raise UsageError(f"a user is given but no password: set {ENV_PASSWORD}")
        return cls(user, password, token)

    def auth(self) -> httpx.Auth | None:
        import httpx

        if self.token:
            return BearerAuth(self.token)
        if self.user:
            return httpx.BasicAuth(self.user, self.password or "")
        return None


class BearerAuth(httpx.Auth):
    """``Authorization: Bearer …``; the token is in no ``repr`` and no message."""

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = self._header
        yield request

    def __repr__(self) -> str:
        return "BearerAuth(***)"


@dataclass(frozen=True)
class PushResult:
    endpoint: str  # without user-info
    graph: str
    method: str  # of the first request: PUT (replace) or POST (append)
    triples: int  # N-Triples lines sent
    chunks: int
    server_count: int | None = None  # triples in the graph after the push, when checked


def redact(url: str) -> str:
    """``url`` without ``user:password@``, for messages."""
    parts = urllib.parse.urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"***@{host}" + (f":{parts.port}" if parts.port else "")
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def push(source: Path | str, endpoint: str, graph: str | None = None, *, append: bool = False,
         base: str | None = None, credentials: Credentials | None = None,
         chunk_triples: int = DEFAULT_CHUNK_TRIPLES, timeout: float = 60.0,
         connect_timeout: float = 5.0, attempts: int = 3, backoff: float = 0.5,
         query_endpoint: str | None = None, params: Mapping[str, str] | None = None,
         progress: Progress | None = None) -> PushResult:
    """Send the triples of SOURCE to the named graph ``graph`` at ``endpoint``.

    ``graph`` defaults to the referential's graph IRI (``{base}graph``) for a data dir.
    With ``query_endpoint``, counts the graph's triples afterwards and raises
    :class:`OperationalError` if a replacing push did not leave exactly the triples sent.
    ``params`` are extra, server-specific query parameters of every Graph Store request
    (Oxigraph's bulk loader: ``{"no_transaction": "", "lenient": ""}``, about 3× faster).
    """
    from rome_export.sparql import write_ntriples

    _check_url(endpoint, "--endpoint")
    if query_endpoint:
        _check_url(query_endpoint, "--query-endpoint")
    if params and "graph" in params:
        raise UsageError("the graph is given with --graph, not as a parameter")
    if chunk_triples < 1 or attempts < 1:
        raise UsageError("the chunk size and the number of attempts must be at least 1")
    if graph:
        _check_graph(graph)  # before the data is written: fail fast
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
        default_graph = write_ntriples(Path(source), spool, base=base)
        graph = graph or default_graph
        if not graph:
            raise UsageError("--graph IRI is required for an RDF file or a DIST")
        spool.seek(0)
        total, distinct, blank = _scan(spool, distinct=query_endpoint is not None)
        chunked = not blank and total > chunk_triples
        chunks = -(-total // chunk_triples) if chunked else 1
        first = "POST" if append else "PUT"
        auth = (credentials or Credentials()).auth()
        limits = httpx.Timeout(timeout, connect=min(connect_timeout, timeout))
        sent = 0
        with httpx.Client(auth=auth, timeout=limits, follow_redirects=False) as client:
            bodies = _bodies(spool, chunk_triples if chunked else 0, total)
            for index, (lines, body) in enumerate(bodies):
                method = first if index == 0 else "POST"
                try:
                    _send(client, method, endpoint, {**(params or {}), "graph": graph}, body,
                          attempts=attempts,
                          backoff=backoff, retry_after_send=not (blank and method == "POST"))
                except OperationalError as exc:
                    if index > 0:
                        exc.message += (f" (chunk {index + 1} of {chunks}: the graph holds the "
                                        f"first {sent} of {total} triples; push again to repair)")
                        exc.args = (exc.message,)
                    raise
                sent += lines
                if progress is not None:
                    progress(sent, total, index + 1, chunks)
            count = None
            if query_endpoint:
                count = count_triples(client, query_endpoint, graph, attempts=attempts,
                                      backoff=backoff)
                if not append and count != distinct:
                    raise OperationalError(
                        f"after the push, <{graph}> holds {count} triples, not the {distinct} "
                        f"sent ({redact(query_endpoint)})")
                if append and count < distinct:
                    raise OperationalError(
                        f"after the push, <{graph}> holds {count} triples, fewer than the "
                        f"{distinct} sent ({redact(query_endpoint)})")
    return PushResult(redact(endpoint), graph, first, total, chunks, count)


def _check_url(url: str, option: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UsageError(f"{option} must be an http(s) URL, got {redact(url)!r}",
                         hint=ENDPOINT_HINT if option == "--endpoint" else None)


def _check_graph(graph: str) -> None:
    import pyoxigraph

    try:
        pyoxigraph.NamedNode(graph)
    except ValueError as exc:
        raise UsageError(f"--graph must be an absolute IRI, got {graph!r}: {exc}") from exc
    if ":" not in graph:
        raise UsageError(f"--graph must be an absolute IRI, got {graph!r}")


def _scan(stream: IO[bytes], *, distinct: bool) -> tuple[int, int, bool]:
    """Lines, distinct lines (when asked; hashed, to bound memory) and blank-node use."""
    total, blank, seen = 0, False, set()
    for line in stream:
        if not line.strip() or line.startswith(b"#"):
            continue
        total += 1
        # A blank node is a subject (line start) or an object (after the predicate's '>').
        if not blank and (line.startswith(b"_:") or b"> _:" in line):
            blank = True
        if distinct:
            seen.add(hash(line.rstrip()))
    stream.seek(0)
    return total, (len(seen) if distinct else total), blank


def _bodies(stream: IO[bytes], chunk: int,
            total: int) -> Iterator[tuple[int, Callable[[], bytes]]]:
    """(triple count, body factory) per request; ``chunk == 0`` sends everything at once."""
    if chunk == 0:
        data = stream.read()
        yield total, lambda: data
        return
    while True:
        lines = list(itertools.islice(stream, chunk))
        if not lines:
            return
        body = b"".join(lines)
        yield len(lines), lambda body=body: body  # type: ignore[misc]


def _send(client: httpx.Client, method: str, endpoint: str, params: Mapping[str, str],
          body: Callable[[], bytes], *, attempts: int, backoff: float,
          retry_after_send: bool) -> httpx.Response:
    """One Graph Store request, retried on connection errors and 5xx (bounded, backoff)."""
    where = f"{method} {redact(endpoint)}"
    for attempt in range(1, attempts + 1):
        delay = min(backoff * 2 ** (attempt - 1), 8.0)
        try:
            response = client.request(method, endpoint, params=params, content=body(),
                                      headers={"Content-Type": NT_MEDIA_TYPE})
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            failure = f"cannot connect ({_reason(exc)})"
        except (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            failure = f"no answer ({_reason(exc)})"
            if not retry_after_send:
                attempts = attempt
        except httpx.HTTPError as exc:
            raise OperationalError(f"{where} failed: {_reason(exc)}") from exc
        else:
            if response.is_success:
                return response
            failure = _status_message(response)
            if response.status_code < 500 and response.status_code != 429:
                hint = _status_hint(response.status_code)
                if response.is_redirect and "Location" in response.headers:
                    hint = f"the server redirects to {redact(response.headers['Location'])}"
                raise OperationalError(f"{where} failed: {failure}", hint=hint)
            delay = max(delay, _retry_after(response))
        if attempt < attempts:
            time.sleep(delay)
    raise OperationalError(
        f"{where} failed after {attempts} attempt{'s' * (attempts > 1)}: {failure}",
        hint="is the server running and reachable? " + ENDPOINT_HINT)


def count_triples(client: httpx.Client, query_endpoint: str, graph: str, *, attempts: int = 3,
                  backoff: float = 0.5) -> int:
    """The number of triples in ``graph``, asked of a SPARQL 1.1 query endpoint."""
    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    where = f"the triple count from {redact(query_endpoint)}"
    failure = ""
    for attempt in range(1, attempts + 1):
        try:
            response = client.post(query_endpoint, data={"query": text},
                                    headers={"Accept": "application/sparql-results+json"})
        except httpx.HTTPError as exc:
            failure = _reason(exc)
        else:
            if response.is_success:
                try:
                    return int(response.json()["results"]["bindings"][0]["n"]["value"])
                except (ValueError, KeyError, IndexError, TypeError) as exc:
                    raise OperationalError(f"{where}: unexpected answer "
                                           f"{response.text[:200]!r}") from exc
            failure = _status_message(response)
            if response.status_code < 500:
                break
        if attempt < attempts:
            time.sleep(min(backoff * 2 ** (attempt - 1), 8.0))
    raise OperationalError(f"cannot get {where}: {failure}",
                           hint="the query endpoint is e.g. Oxigraph /query, Fuseki "
                                "/DATASET/sparql, GraphDB /repositories/ID")


def _reason(exc: Exception) -> str:
    # httpx messages can hold the URL, and so user-info: keep the kind and the OS reason.
    text = str(exc)
    for marker in ("://",):
        if marker in text:
            text = ""
    return f"{type(exc).__name__}{': ' + text if text else ''}"


def _status_message(response: httpx.Response) -> str:
    body = " ".join(response.text.split())[:300]
    return f"HTTP {response.status_code} {response.reason_phrase}" + (f": {body}" if body else "")


def _status_hint(status: int) -> str | None:
    if status in (401, 403):
        return (f"check the credentials: {ENV_USER} and {ENV_PASSWORD} (HTTP Basic) "
                f"or {ENV_TOKEN} (Bearer)")
    if status in (404, 405):
        return ENDPOINT_HINT
    return None


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(float(response.headers.get("Retry-After", "0")), 10.0)
    except ValueError:
        return 0.0
