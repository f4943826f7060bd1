"""``rome-export import-text``: publishers' page text → the canonical YAML referential."""

from __future__ import annotations

import datetime as dt

import click

FORMAT_CHOICES = ("text", "json", "junit", "github", "sarif")


@click.command("import-text")
@click.argument("pages", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=str))
@click.option("-o", "--output", "data_dir", required=True,
              type=click.Path(file_okay=False, path_type=str),
              help="Referential directory to create or merge into.")
@click.option("--base", help="Base IRI for a new referential's dataset.yaml "
              "(default: a https://example.org/ placeholder).")
@click.option("--publisher", help="Publisher name for a new referential's dataset.yaml.")
@click.option("--issued", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Issue date for a new dataset.yaml (default: SOURCE_DATE_EPOCH, else today).")
@click.option("--format", "fmt", type=click.Choice(FORMAT_CHOICES), default="text",
              show_default=True, help="Format of the findings report.")
@click.option("--dry-run", is_flag=True, help="Parse, merge and report; write nothing.")
def import_text(pages: tuple[str, ...], data_dir: str, base: str | None,
                publisher: str | None, issued: dt.datetime | None, fmt: str,
                dry_run: bool) -> None:
    """Import job-sheet pages (their text, as a browser copy gives it) into DATA_DIR.

    Each page becomes jobs/<id>.yaml; its competencies are merged into the shared
    competencies.yaml (same label = same competency; missing descriptors are added,
    conflicting ones reported and kept). A new DATA_DIR gets a dataset.yaml skeleton to
    complete. What the page shows twice is stored once; what it does not say stays
    unknown. Findings (cut-short text, missing descriptors, unknown levels, examples
    naming another job, repeated blocks) are reported by page line. Importing the same
    page again changes nothing. Exits 1, writing nothing, on a page it cannot read.

    \b
    Examples:
      rome-export import-text page.txt -o data/
      rome-export import-text pages/*.txt -o new-ref/ --base https://example.org/ref/
    """
    from pathlib import Path

    from rome_export.errors import InvalidData
    from rome_export.importers.text_merge import import_pages
    from rome_export.iris import check_base
    from rome_export.validation.formats import RENDERERS

    if base is not None:
        check_base(base, "--base")
    try:
        result = import_pages([Path(p) for p in pages], Path(data_dir), base=base,
                              publisher=publisher, issued=issued.date() if issued else None,
                              dry_run=dry_run)
    except InvalidData as exc:
        if exc.report is not None and len(exc.report):
            click.echo(RENDERERS[fmt](exc.report), nl=False)
        raise
    click.echo(RENDERERS[fmt](result.report), nl=False)
    if not result.created and (base or publisher or issued):
        click.echo(f"Note: {data_dir}/dataset.yaml exists: --base, --publisher and --issued "
                   "apply only to a new referential (edit dataset.yaml instead)", err=True)
    verb = "would write" if dry_run else "wrote"
    for path in result.written:
        click.echo(f"{verb} {path}", err=True)
    if not result.written:
        click.echo(f"{data_dir}: already up to date, nothing written", err=True)
