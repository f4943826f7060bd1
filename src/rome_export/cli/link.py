"""``rome-export link``: suggest mappings to ROME / ESCO / ISCO, and accept them."""

from __future__ import annotations

import click

from rome_export.cli.options import catalogue_options

FORMATS = ("table", "csv", "yaml")


@click.command()
@click.argument("data_dir", type=click.Path(path_type=str))
@catalogue_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="Output format; csv columns: job_id, catalogue, code_or_iri, label, score, "
    "match, evidence.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="Candidates per sheet and catalogue.",
)
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=0.5,
    show_default=True,
    help="Leave out candidates scoring less.",
)
@click.option(
    "--catalogue",
    "catalogues",
    multiple=True,
    type=click.Choice(("rome", "esco", "isco")),
    help="Only these catalogues (repeatable; default: every one given).",
)
@click.option("--job", "job_ids", multiple=True, help="Only these sheets (ids; repeatable).")
@click.option(
    "--accept",
    is_flag=True,
    help="Write the top candidate of each catalogue into each sheet when it scores "
    "at least --accept-threshold and the sheet has no mapping to that "
    "catalogue yet.",
)
@click.option(
    "--accept-threshold",
    type=click.FloatRange(0, 1),
    default=0.9,
    show_default=True,
    help="Lowest score --accept writes.",
)
@click.option(
    "--choose",
    "choices",
    multiple=True,
    metavar="JOB_ID=CODE_OR_IRI",
    help="Write this mapping into the sheet (a ROME code, ESCO IRI or ISCO code, "
    "with the suggested match type); repeatable.",
)
@click.option(
    "--date",
    "date",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Date of the provenance of written mappings [default: today].",
)
def link(
    data_dir: str,
    rome_dir: str | None,
    esco_paths: tuple[str, ...],
    fmt: str,
    top: int,
    min_score: float,
    catalogues: tuple[str, ...],
    job_ids: tuple[str, ...],
    accept: bool,
    accept_threshold: float,
    choices: tuple[str, ...],
    date: object,
) -> None:
    """Suggest mappings of each job sheet to ROME 4.0, ESCO and ISCO-08.

    Each candidate comes with a score in [0, 1], the evidence (which label of the sheet
    met which label of the catalogue) and a suggested SKOS match type. With --accept or
    --choose, the chosen mappings are added to the sheets' YAML with their provenance;
    nothing else in the files changes.

    \b
    Examples:
      rome-export link data/ --rome rome-4.0-v460/ --esco esco/occupations_en.csv
      rome-export link data/ --rome rome/ --esco esco/ --format csv > candidates.csv
      rome-export link data/ --rome rome/ --esco esco/ --accept --date 2026-11-30
      rome-export link data/ --rome rome/ --choose office-manager=M1604
    """
    import datetime as dt
    import time
    from pathlib import Path

    from rome_export.accept import choose, load_linker, top_choices
    from rome_export.errors import UsageError
    from rome_export.link import CATALOGUES, render_csv, render_table, render_yaml

    if not rome_dir and not esco_paths:
        raise UsageError("give at least one catalogue: --rome DIR and/or --esco FILE")
    started = time.perf_counter()
    from rome_export.sources import load

    referential = load(data_dir)
    linker = load_linker(rome_dir, esco_paths)
    wanted = [c for c in CATALOGUES if not catalogues or c in catalogues]
    if rome_dir is None:
        wanted = [c for c in wanted if c != "rome"]
    if not esco_paths:
        wanted = [c for c in wanted if c not in ("esco", "isco")]
    jobs = [j for j in referential.jobs if not job_ids or j.id in job_ids]
    unknown = sorted(set(job_ids) - {j.id for j in jobs})
    if unknown:
        raise UsageError(f"no sheet with id {', '.join(unknown)} in {data_dir}")
    chosen = choose(linker, referential, choices) if choices else []  # bad choices fail first
    candidates = []
    for job in jobs:
        candidates += linker.candidates(job, top=top, min_score=min_score, catalogues=wanted)
    render = {"table": render_table, "csv": render_csv, "yaml": render_yaml}[fmt]
    click.echo(render(candidates), nl=False)
    click.echo(
        f"{len(jobs)} sheet(s), {len(candidates)} candidate(s) in "
        f"{time.perf_counter() - started:.2f} s",
        err=True,
    )
    if accept:
        chosen += top_choices(candidates, referential, accept_threshold)
    if not chosen:
        return
    from rome_export.accept import accept as write

    when = date.date() if isinstance(date, dt.datetime) else dt.date.today()
    versions = linker.versions()
    for outcome in write(Path(data_dir) / "jobs", chosen, versions, when):
        verb = f"added ({outcome.reason})" if outcome.added else f"kept: {outcome.reason}"
        click.echo(f"{outcome.job_id}: {outcome.catalogue} {outcome.code_or_iri} {verb}", err=True)
