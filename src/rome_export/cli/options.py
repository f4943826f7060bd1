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
