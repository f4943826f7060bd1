"""``rome-export schema``: write the JSON Schemas of the source files."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "-o",
    "--output",
    "out_dir",
    default="schemas",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the schemas into.",
)
def schema(out_dir: str) -> None:
    """Write the JSON Schemas (draft 2020-12) of dataset.yaml, competencies.yaml and job sheets.

    Editors validate and complete the YAML with them through a first-line modeline:
    "# yaml-language-server: $schema=../../schemas/jobsheet.schema.json".
    """
    from pathlib import Path

    from rome_export.schema import write_schemas

    for path in write_schemas(Path(out_dir)):
        click.echo(str(path))
