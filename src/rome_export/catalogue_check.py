"""Catalogue-aware validation: are the mapped ROME codes, ESCO IRIs and ISCO codes real?

``rome-export validate --rome DIR --esco FILE`` runs :func:`catalogue_check` as an extra
check; :func:`check_catalogues` is the same check for a referential already loaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from rome_export.catalogues import load_esco, load_rome
from rome_export.model import JobSheet, Referential
from rome_export.validation.report import Issue, Severity, format_path

if TYPE_CHECKING:
    from rome_export.sources import Loaded

Parts = tuple[str | int, ...]
Locate = Callable[[str, Parts], tuple[str | None, int | None, int | None]]
"""``locate(job_id, path parts)`` → (file, line, column) of that field, for reports."""


def _default_locate(job_id: str, parts: Parts) -> tuple[str | None, int | None, int | None]:
    return f"jobs/{job_id}.yaml", None, None


PathArg = str | os.PathLike[str]


def _paths(value: PathArg | Sequence[PathArg]) -> list[Path]:
    if isinstance(value, str | os.PathLike):
        return [Path(value)]
    return [Path(v) for v in value]


def check_catalogues(
    referential: Referential | Iterable[JobSheet],
    rome_dir: PathArg | None = None,
    esco_file: PathArg | Sequence[PathArg] | None = None,
    locate: Locate | None = None,
) -> list[Issue]:
    """Issues for mapped codes and IRIs the given catalogues do not know.

    A ROME code, ESCO occupation or ISCO-08 code missing from the catalogue is an error
    (``unknown-rome-code``, ``unknown-esco-occupation``, ``unknown-isco-code``); an ESCO
    occupation whose status is not ``released`` is a warning (``deprecated-esco-occupation``).
    ISCO codes are checked against ``ISCOGroups_*.csv`` beside the ESCO file, or failing it
    against the occupations' iscoGroup. A catalogue not given is not checked.
    """
    rome = load_rome(Path(rome_dir)) if rome_dir is not None else None
    esco = load_esco(_paths(esco_file)) if esco_file is not None else None
    jobs = referential.jobs if isinstance(referential, Referential) else list(referential)
    where = locate or _default_locate
    issues: list[Issue] = []

    def add(code: str, severity: Severity, message: str, job: JobSheet, parts: Parts) -> None:
        file, line, column = where(job.id, parts)
        issues.append(Issue(code, severity, message, file, line, column, format_path(parts)))

    isco_codes = esco.isco_codes() if esco is not None else set()
    for job in jobs:
        if rome is not None:
            for i, rome_map in enumerate(job.mappings.rome):
                if rome_map.code not in rome.fiches:
                    add(
                        "unknown-rome-code",
                        Severity.ERROR,
                        f"ROME code {rome_map.code} is not in {rome.version}",
                        job,
                        ("mappings", "rome", i, "code"),
                    )
        if esco is None:
            continue
        for i, esco_map in enumerate(job.mappings.esco):
            occupation = esco.occupations.get(esco_map.iri)
            parts: Parts = ("mappings", "esco", i, "iri")
            if occupation is None:
                add(
                    "unknown-esco-occupation",
                    Severity.ERROR,
                    f"ESCO occupation {esco_map.iri} is not in {esco.version}",
                    job,
                    parts,
                )
            elif occupation.status != "released":
                add(
                    "deprecated-esco-occupation",
                    Severity.WARNING,
                    f"ESCO occupation {esco_map.iri} ({esco.version}) has status "
                    f"'{occupation.status}', not 'released'",
                    job,
                    parts,
                )
        for i, isco_map in enumerate(job.mappings.isco):
            if isco_map.code not in isco_codes:
                add(
                    "unknown-isco-code",
                    Severity.ERROR,
                    f"ISCO-08 code {isco_map.code} is not in {esco.isco_version}",
                    job,
                    ("mappings", "isco", i, "code"),
                )
    return issues


def catalogue_check(
    rome_dir: PathArg | None = None, esco_file: PathArg | Sequence[PathArg] | None = None
) -> Callable[[Loaded], list[Issue]]:
    """:func:`check_catalogues` as an extra check for :func:`rome_export.validation.validate`,
    locating each issue at its line in the job's YAML file."""

    def check(loaded: Loaded) -> list[Issue]:
        from rome_export.sources import Locator

        locator = Locator()
        sources = dict(zip((j.id for j in loaded.jobs), loaded.job_sources, strict=True))

        def locate(job_id: str, parts: Parts) -> tuple[str | None, int | None, int | None]:
            display = sources.get(job_id)
            path = loaded.paths.get(display or "")
            found = locator.locate(path, parts) if path is not None else None
            return (display, *found) if found else (display, None, None)

        return check_catalogues(loaded.jobs, rome_dir, esco_file, locate)

    return check
