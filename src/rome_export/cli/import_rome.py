"""``rome-export import-rome``: the ROME 4.0 CSV release as a referential."""

from __future__ import annotations

import click


@click.command("import-rome")
@click.argument("rome_dir", type=click.Path(exists=True, file_okay=False, path_type=str))
@click.option(
    "-o",
    "--output",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False),
    help="Referential folder to write (dataset.yaml, competencies.yaml, jobs/).",
)
@click.option(
    "--base-iri",
    default=None,
    help="Base IRI of the referential [default: https://w3id.org/rome-export/rome/].",
)
@click.option(
    "--issued",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Issue date written in dataset.yaml [default: today].",
)
@click.option("--force", is_flag=True, help="Write into a folder that already holds files.")
def import_rome(
    rome_dir: str, out_dir: str, base_iri: str | None, issued: object, force: bool
) -> None:
    """Turn the ROME 4.0 CSV files (France Travail) into a referential.

    One job sheet per fiche (1,584 in v460): code, title and feminine title, appellations
    as alternative titles, definition, access to the job, mobility links to other fiches,
    and an exactMatch to its own ROME code. The competences become the shared competency
    referential, without levels. Licence: Etalab 2.0, publisher: France Travail.

    \b
    Examples:
      rome-export import-rome rome-4.0-v460/ -o rome-data/
      rome-export import-rome rome-4.0-v460/ -o rome-data/ --issued 2025-01-15
    """
    import datetime as dt
    import time
    from pathlib import Path

    from rome_export.errors import UsageError
    from rome_export.importers.rome import DEFAULT_BASE
    from rome_export.importers.rome import import_rome as run
    from rome_export.iris import check_base
    from rome_export.sources import write_referential

    if base_iri is not None:
        check_base(base_iri, "--base-iri")
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()) and not force:
        raise UsageError(f"{out} is not empty", hint="pass --force to write into it anyway")
    started = time.perf_counter()
    when = issued.date() if isinstance(issued, dt.datetime) else None
    referential = run(Path(rome_dir), base_iri=base_iri or DEFAULT_BASE, issued=when)
    write_referential(referential, out)
    click.echo(
        f"{len(referential.jobs)} sheets and {len(referential.competencies)} competencies "
        f"written to {out} in {time.perf_counter() - started:.1f} s",
        err=True,
    )
