"""``rome-export query``, ``push`` and ``serve``: SPARQL on the data, embedded or served.

Only click is imported here at module level; the library (:mod:`rome_export.sparql`,
:mod:`rome_export.graph_store`) is imported when a command runs, so ``--help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path

import click

SOURCE = click.Path(exists=True, path_type=Path)
BASE_OPTION = click.option("--base", metavar="IRI",
                           help="Base IRI of the referential (default: from dataset.yaml).")


def _check_base(source: Path, base: str | None) -> None:
    """A data dir's IRIs are the base plus a path (it must end with / or #); for RDF
    files the base only resolves relative IRIs."""
    from rome_export.iris import check_base
    from rome_export.sparql import is_data_dir

    if base is not None:
        check_base(base, "--base", ends=("/", "#") if is_data_dir(source) else ())


@click.command()
@click.argument("source", type=SOURCE)
@click.argument("query_text", metavar="QUERY")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]),
              default="table", show_default=True,
              help="Result format; json is W3C SPARQL 1.1 results JSON. CONSTRUCT and DESCRIBE "
                   "print Turtle.")
@BASE_OPTION
def query(source: Path, query_text: str, fmt: str, base: str | None) -> None:
    """Run a SPARQL query on SOURCE, with no server.

    SOURCE is a data dir (with dataset.yaml), a built DIST, or an RDF file (.nt, .ttl,
    .rdf, .nq, .trig, .jsonld). QUERY is the query text, a .rq file, or - for stdin. The
    prefixes skos:, rx:, schema:, dcterms:, dcat:, xsd:, rdf:, rdfs: and owl: are
    predeclared; SELECT, ASK, CONSTRUCT and DESCRIBE are supported, over the union of the
    graphs.

    \b
    Example:
      rome-export query data 'SELECT ?job ?label WHERE { ?job a rx:JobSheet ;
          skos:prefLabel ?label }'
      rome-export query dist queries/jobs.rq --format csv
    """
    import sys

    from rome_export.sparql import open_store, read_query, write_result
    from rome_export.sparql import query as run_query

    _check_base(source, base)
    text = read_query(query_text)
    store = open_store(source, base=base)
    result = run_query(store, text)
    sys.stdout.flush()
    out = sys.stdout.buffer
    summary = write_result(result, fmt, out)
    out.flush()
    if summary is not None:
        click.echo(summary, err=True)


@click.command()
@click.argument("source", type=SOURCE)
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store Protocol URL: Oxigraph http://HOST:7878/store, Fuseki "
                   "http://HOST:3030/DATASET/data, GraphDB "
                   "http://HOST:7200/repositories/ID/rdf-graphs/service.")
@click.option("--graph", metavar="IRI",
              help="Named graph to write (default for a data dir: {base}graph, the graph of "
                   "the TriG/N-Quads export; required for RDF files).")
@click.option("--append", is_flag=True,
              help="POST: add to the graph instead of replacing it (PUT).")
@click.option("--query-endpoint", metavar="URL",
              help="SPARQL query URL (Oxigraph /query, Fuseki /DATASET/sparql, GraphDB "
                   "/repositories/ID) to count the graph's triples after the push.")
@click.option("--user", envvar="ROME_EXPORT_USER", metavar="NAME",
              help="HTTP Basic user [env ROME_EXPORT_USER]; the password comes from "
                   "ROME_EXPORT_PASSWORD (or a prompt). A Bearer token comes from "
                   "ROME_EXPORT_TOKEN.")
@click.option("--chunk-triples", type=click.IntRange(min=1), default=100_000,
              show_default=True, help="Triples per request for large graphs.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds to wait for the server on each request (connecting: at most 5).")
@click.option("--param", "params", multiple=True, metavar="NAME[=VALUE]",
              help="Extra query parameter of every Graph Store request, server-specific "
                   "(repeatable). Oxigraph's bulk loader, about 3x faster but never atomic: "
                   "--param no_transaction --param lenient.")
@click.option("--retries", type=click.IntRange(min=0, max=10), default=2, show_default=True,
              help="Retries after a connection error or a 5xx answer, with backoff.")
@BASE_OPTION
def push(source: Path, endpoint: str, graph: str | None, append: bool,
         query_endpoint: str | None, user: str | None, chunk_triples: int, timeout: float,
         params: tuple[str, ...], retries: int, base: str | None) -> None:
    """Load SOURCE into a triple store over the SPARQL 1.1 Graph Store Protocol.

    By default the named graph is replaced (PUT): pushing twice leaves one copy. Large
    graphs go in chunks (the first PUT, the rest POSTed); such a push is not atomic, and
    pushing again repairs an interrupted one.

    \b
    Example:
      rome-export push data --endpoint http://localhost:7878/store \\
          --graph https://example.org/graph --query-endpoint http://localhost:7878/query
    """
    import os
    import sys

    from rome_export.graph_store import ENV_PASSWORD, Credentials
    from rome_export.graph_store import push as push_graph

    _check_base(source, base)
    password = None
    if user and os.environ.get(ENV_PASSWORD) is None and sys.stdin.isatty():
        password = click.prompt(f"Password for {user}", hide_input=True, err=True)
    credentials = Credentials.from_env(user=user, password=password)

    def progress(sent: int, total: int, chunk: int, chunks: int) -> None:
        if chunks > 1:
            click.echo(f"chunk {chunk}/{chunks}: {sent}/{total} triples sent", err=True)

    result = push_graph(source, endpoint, graph, append=append, base=base,
                        credentials=credentials, chunk_triples=chunk_triples, timeout=timeout,
                        attempts=retries + 1, query_endpoint=query_endpoint,
                        params=dict(p.partition("=")[::2] for p in params), progress=progress)
    verb = "appended to" if append else "replaced"
    click.echo(f"{result.triples} triples {verb} <{result.graph}> at {result.endpoint} "
               f"({result.chunks} request{'s' * (result.chunks > 1)})", err=True)
    if result.server_count is not None:
        click.echo(f"the server holds {result.server_count} triples in <{result.graph}>",
                   err=True)


@click.command()
@click.argument("source", type=SOURCE)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback exposes a server without "
                   "authentication.")
@click.option("--port", type=click.IntRange(1, 65535), default=7878, show_default=True)
@click.option("--location", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the Oxigraph store in this directory (default: a temporary one, "
                   "removed on exit).")
@click.option("--read-only", is_flag=True, help="Refuse updates (oxigraph serve-read-only).")
@BASE_OPTION
def serve(source: Path, host: str, port: int, location: Path | None, read_only: bool,
          base: str | None) -> None:
    """Start a local SPARQL endpoint (the Oxigraph server) with SOURCE loaded.

    The data is in the default graph. Stop with Ctrl-C.

    \b
    Example:
      rome-export serve data --port 7878
      curl 'http://127.0.0.1:7878/query?query=SELECT+*+{?s+?p+?o}+LIMIT+3'
    """
    import signal
    import sys

    from rome_export.errors import OperationalError
    from rome_export.sparql import serve as start_server

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: listening on {host}: anyone who can reach it can query"
                   + ("" if read_only else " and change") + " the store", err=True)
    def terminate(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # so that `finally` stops the server (kill, systemd, docker)

    _check_base(source, base)
    previous = signal.signal(signal.SIGTERM, terminate)
    try:
        server = start_server(source, host=host, port=port, location=location,
                              read_only=read_only, base=base)
        try:
            click.echo(f"SPARQL endpoint: {server.query_url}")
            if not read_only:
                click.echo(f"Graph store:     {server.store_url}")
            click.echo(f"Web UI:          {server.url}")
            sys.stdout.flush()  # the URL must reach a pipe before we block
            click.echo("Serving; press Ctrl-C to stop.", err=True)
            code = server.wait()
            if code != 0:
                raise OperationalError(f"the oxigraph server stopped with exit code {code}")
        finally:
            server.stop()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        signal.signal(signal.SIGTERM, previous)
