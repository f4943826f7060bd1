"""Helpers shared by the build, CSV and DCAT tests: the kitchen-sink referential fixture.

The referential under ``tests/fixtures/build-data`` uses every field of the model (and texts
that start with ``=``, ``+``, ``-``, ``@``). It is read here with PyYAML and the model alone,
so that the serialiser tests do not depend on the loader.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from rome_export.model import CompetencyFile, Dataset, JobSheet, Referential

BUILD_DATA = Path(__file__).parent / "fixtures" / "build-data"


def _read(path: Path) -> object:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def fixture_referential(root: Path = BUILD_DATA) -> Referential:
    jobs = [JobSheet.model_validate(_read(p)) for p in sorted((root / "jobs").glob("*.yaml"))]
    return Referential(
        dataset=Dataset.model_validate(_read(root / "dataset.yaml")),
        competencies=list(
            CompetencyFile.model_validate(_read(root / "competencies.yaml")).competencies),
        jobs=sorted(jobs, key=lambda j: j.id),
    )
