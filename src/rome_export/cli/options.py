"""Options shared by several commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def catalogue_options(command: F) -> F:
    """``--rome DIR`` and ``--esco PATH`` (repeatable): the publishers' catalogue files."""
    command = click.option(
        "--esco",
        "esco_paths",
        multiple=True,
        type=click.Path(exists=True),
        help="ESCO occupations_<lang>.csv, or its folder; repeat for more languages "
        "(occupations_fr.csv adds French labels). ISCOGroups_*.csv beside it names the "
        "ISCO-08 groups.",
    )(command)
    return click.option(
        "--rome",
        "rome_dir",
        type=click.Path(exists=True, file_okay=False),
        help="ROME 4.0 CSV folder (unix_*_v460_utf8.csv files).",
    )(command)


def refuse_to_overwrite_sources(output: str | None, inputs: tuple[str, ...] | list[str]) -> None:
    """A usage error when ``-o`` names one of the referential's own source files."""
    if output is None:
        return
    import os
    from pathlib import Path

    from rome_export.errors import UsageError
    from rome_export.sources import discover

    target = os.path.realpath(output)
    for raw in inputs:
        path = Path(raw)
        sources = discover(path) if path.is_dir() else [path]
        if any(os.path.realpath(s) == target for s in sources):
            raise UsageError(f"-o {output}: that is a source file of the referential",
                             hint="write the output somewhere else")
