"""``rome-export export``: write a referential in one format of the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from rome_export.cli.options import refuse_to_overwrite_sources
from rome_export.serialisers import FORMATS  # the registry only: no heavy import

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path


@click.command()
@click.argument("data_dir", type=click.Path(path_type=str))
@click.option(
    "--to",
    "fmt",
    type=click.Choice(list(FORMATS)),
    help="Output format (default: from the extension of -o).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=str),
    help="Write to this file (atomically) instead of stdout.",
)
@click.option("--base", help="Base IRI of every node, instead of dataset.yaml's base_iri.")
@click.option(
    "--per-job",
    "per_job",
    type=click.Path(file_okay=False, path_type=str),
    help="Also write one JSON-LD document per job sheet into this folder (<id>.jsonld).",
)
@click.option(
    "--embed-context",
    is_flag=True,
    help="JSON-LD: put the context inline instead of referring to its URL.",
)
@click.option(
    "--context-url",
    metavar="URL",
    help="JSON-LD: the URL of the context to name (where you serve schemas/context.jsonld); "
    "default: the package's https://w3id.org/rome-export/context.jsonld.",
)
def export(
    data_dir: str,
    fmt: str | None,
    output: str | None,
    base: str | None,
    per_job: str | None,
    embed_context: bool,
    context_url: str | None,
) -> None:
    """Export the referential in DATA_DIR to one format.

    Formats: ttl (Turtle), nt (N-Triples), rdf (RDF/XML), trig and nq (one named graph),
    jsonld (compact JSON-LD with the published context). Output is deterministic:
    the same data gives byte-identical files.

    \b
    Examples:
      rome-export export data/ --to ttl
      rome-export export data/ -o dist/referential.rdf
      rome-export export data/ --to jsonld --per-job dist/jobs/
      rome-export export data/ --to nt --base https://example.org/ref/
    """
    import sys
    from pathlib import Path

    from rome_export.errors import OperationalError, UsageError
    from rome_export.iris import check_base
    from rome_export.sources import load
    from rome_export.util import atomic_write

    refuse_to_overwrite_sources(output, [data_dir])
    if fmt is None and output is not None:
        fmt = next((f.name for f in FORMATS.values() if output.endswith(f.extension)), None)
    if fmt is None and per_job is None:
        raise UsageError(
            "no output format", hint=f"give --to ({', '.join(FORMATS)}) or an -o file name "
            "with a known extension"
        )
    if base is not None:
        check_base(base, "--base")
    referential = load(data_dir)
    options = {"embed_context": embed_context, "context_url": context_url}
    try:
        if fmt is not None:
            writer = FORMATS[fmt].writer()
            if output is None:
                stream = sys.stdout.buffer
                count = writer(referential, stream, base=base, options=options)
                stream.flush()
                where = "stdout"
            else:
                with atomic_write(Path(output)) as out:
                    count = writer(referential, out, base=base, options=options)
                where = output
            unit = "top-level nodes" if fmt == "jsonld" else "statements"
            click.echo(f"wrote {count} {unit} ({FORMATS[fmt].description}) to {where}", err=True)
        if per_job is not None:
            from rome_export.serialisers.jsonld import job_documents

            folder = Path(per_job)
            documents = ((f"{job.id}.jsonld", data) for job, data in
                         job_documents(referential, base=base, options=options))
            _write_all(folder, documents)
            n = len(referential.jobs)
            click.echo(f"wrote {n} job document{'' if n == 1 else 's'} to {folder}", err=True)
    except BrokenPipeError:
        # The reader went away (``| head``): not a failure of ours; keep Python quiet at exit.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as exc:
        raise OperationalError(f"cannot write: {exc}") from exc


def _write_all(folder: Path, documents: Iterable[tuple[str, bytes]]) -> None:
    """Write every document into a temporary folder beside ``folder``, then move each into
    place: a run that fails half-way leaves ``folder`` as it was, and there is no fsync per
    file (10,000 of them took 40 s that way)."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        names = []
        for name, data in documents:
            (staging / name).write_bytes(data)
            names.append(name)
        for name in names:
            os.replace(staging / name, folder / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
