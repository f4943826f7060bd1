"""JSON Schemas (draft 2020-12) of the source files, generated from the model.

``schemas/*.schema.json`` are written by ``rome-export schema`` and committed; a test fails
when they drift from the model. Editors use them through the yaml-language-server modeline
at the top of each source file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from rome_export.model import CompetencyFile, Dataset, JobSheet
from rome_export.util import atomic_write

SCHEMA_BASE = "https://w3id.org/rome-export/schemas/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "dataset.schema.json": Dataset,
    "competencies.schema.json": CompetencyFile,
    "jobsheet.schema.json": JobSheet,
}


def json_schema(model: type[BaseModel], name: str) -> dict[str, Any]:
    body = model.model_json_schema(mode="validation")
    return {"$schema": DIALECT, "$id": SCHEMA_BASE + name, **body}


def render(model: type[BaseModel], name: str) -> str:
    return json.dumps(json_schema(model, name), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_schemas(out_dir: Path) -> list[Path]:
    written = []
    for name, model in SCHEMA_FILES.items():
        path = out_dir / name
        with atomic_write(path) as stream:
            stream.write(render(model, name).encode("utf-8"))
        written.append(path)
    return written
