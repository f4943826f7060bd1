"""``rome-export build``: validate a referential and write its release bundle."""

from __future__ import annotations

import datetime as dt
import os
from typing import TYPE_CHECKING, Any

import click

MAX_SHOWN = 50
"""Warnings listed on the terminal after a build; the report in DIST has all of them."""

if TYPE_CHECKING:
    from rome_export.build import BuildSummary


def _check_base(value: str | None, option: str, ends: tuple[str, ...]) -> None:
    from rome_export.errors import UsageError
    from rome_export.iris import check_base

    if value is None:
        return
    check_base(value, option, ends=tuple(e for e in ends if e))
    if not value.startswith(("http://", "https://")):
        endings = " or ".join(repr(e) for e in ends if e)
        raise UsageError(f"{option} {value!r}: give an http(s) IRI"
                         + (f" ending with {endings}" if endings else ""))


def _summary_table(summary: BuildSummary) -> Any:
    from rich.table import Table

    table = Table(title=f"Bundle written to {summary.dist}", title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files", f"{len(summary.files):,}")
    table.add_row("bytes", f"{summary.bytes:,}")
    table.add_row("job sheets", f"{summary.jobs:,}")
    table.add_row("triples", f"{summary.triples:,}")
    table.add_row("CSV rows", f"{sum(summary.rows.values()):,} in {len(summary.rows)} tables")
    table.add_row("warnings", f"{summary.warnings:,}")
    return table


@click.command()
@click.argument("data_dir", type=click.Path(path_type=str))
@click.option("-o", "--output", "dist", required=True, type=click.Path(path_type=str),
              help="The bundle directory (created, or replaced if it holds a previous bundle).")
@click.option("--base", help="Base IRI of every IRI, instead of base_iri in dataset.yaml.")
@click.option("--download-base", metavar="URL",
              help="URL the bundle's files are served from, for the catalogue's download "
                   "URLs [default: {base}release/{version}/].")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Release date (dct:modified) [default: modified, else issued, of "
                   "dataset.yaml; never today's date].")
@click.option("--strict", is_flag=True, help="Treat warnings as errors: nothing is built.")
@click.option("--processes", type=click.IntRange(1, 2), metavar="1|2",
              help="2: write the RDF syntaxes in a second process (forked), the rest in "
                   "this one; 1: everything in this process. The bundle is the same. "
                   "[default: 2 on Linux with two CPUs available and 200 sheets or more]")
@click.option("-q", "--quiet", is_flag=True, help="No progress, warnings or summary.")
def build(data_dir: str, dist: str, base: str | None, download_base: str | None,
          date: dt.datetime | None, strict: bool, processes: int | None, quiet: bool) -> None:
    """Validate DATA_DIR and write its release bundle to DIST in one atomic step.

    The bundle holds the referential in every RDF format and JSON-LD (one JSON-LD file per
    job too), CSV tables with a Frictionless datapackage.json and a flat table for
    spreadsheets, the vocabulary, shapes, JSON-LD context and JSON Schemas, the validation
    report, a DCAT-AP catalogue (catalogue.ttl, catalogue.jsonld) and SHA256SUMS. Two builds
    of the same data are byte-identical. On invalid data (exit 1) or any failure (exit 3)
    the previous DIST is left exactly as it was.

    \b
    Examples:
      rome-export build data/ -o dist/
      rome-export build data/ -o dist/ --download-base https://example.org/releases/1.0.0/
      rome-export build data/ -o dist/ --strict --date 2026-12-01 -q
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from rome_export.build import build as run_build
    from rome_export.errors import InvalidData, OperationalError
    from rome_export.validation.formats import to_text

    _check_base(base, "--base", ("/", "#"))
    _check_base(download_base, "--download-base", ("",))  # a missing final "/" is added
    err = Console(stderr=True, highlight=False)
    progress = Progress(TextColumn("{task.description:<40}"), BarColumn(), MofNCompleteColumn(),
                        console=err, transient=True, disable=quiet or not err.is_terminal)
    tasks: dict[str, Any] = {}

    def advance(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = progress.add_task(stage, total=total)
        progress.update(tasks[stage], completed=done, total=total)

    try:
        with progress:
            summary = run_build(data_dir, dist, base=base, download_base=download_base,
                                date=date.date() if date else None, strict=strict,
                                progress=advance, processes=processes)
    except InvalidData as exc:
        if exc.report is not None:
            click.echo(to_text(exc.report), err=True, nl=False)
        raise
    except KeyboardInterrupt:
        raise OperationalError(f"interrupted; {dist} was left as it was") from None
    if quiet:
        return
    if summary.report is not None and summary.warnings:
        # the full list is in the bundle; a terminal needs the first ones and the counts
        click.echo(to_text(summary.report, limit=MAX_SHOWN), err=True, nl=False)
        report = os.path.join(dist, "validation-report.json")
        click.echo(f"built with {summary.warnings} warning(s), also in {report} "
                   "(--strict refuses them)", err=True)
    Console(highlight=False).print(_summary_table(summary))
