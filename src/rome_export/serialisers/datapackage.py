"""The Frictionless data package descriptor (``datapackage.json``) of the CSV tables.

Derived from :data:`rome_export.serialisers.csv.TABLES`: every field has its type and
description, every table its primary key, and foreign keys tie the tables together so that
``frictionless validate datapackage.json`` catches a dangling id. When the build passes the
size and SHA-256 of each CSV file, they go in ``bytes`` and ``hash`` and frictionless checks
them too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rome_export.model import SLUG_PATTERN
from rome_export.serialisers.csv import TABLES, Column, TableSchema

if TYPE_CHECKING:
    from rome_export.model import Referential

CSV_DIR = "csv"
PROFILE = "tabular-data-package"

# Columns holding slugs: constrain them so that a typo is a cell error, not just a bad key.
_SLUG_COLUMNS = {"job_id", "family_id", "competency_id", "target_job_id"}


def table_path(name: str) -> str:
    """Where a table lives in the bundle, relative to ``datapackage.json``."""
    return f"{CSV_DIR}/{name}.csv"


def _field(col: Column) -> dict[str, Any]:
    out: dict[str, Any] = {"name": col.name, "type": col.type, "description": col.description}
    constraints: dict[str, Any] = {}
    if col.required:
        constraints["required"] = True
    if col.enum is not None:
        constraints["enum"] = list(col.enum)
    if col.name in _SLUG_COLUMNS:
        constraints["pattern"] = SLUG_PATTERN.strip("^$")
    if constraints:
        out["constraints"] = constraints
    return out


def _schema(table: TableSchema) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "fields": [_field(c) for c in table.columns],
        "missingValues": [""],
        "primaryKey": list(table.primary_key),
    }
    if table.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": list(fk.fields),
             "reference": {"resource": fk.table, "fields": list(fk.reference)}}
            for fk in table.foreign_keys
        ]
    return schema


def descriptor(ref: Referential, *, files: Mapping[str, tuple[int, str]] | None = None,
               version: str | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` content as a dict (serialise with sorted keys).

    ``files`` maps a table's path (``csv/jobs.csv``) to its (byte size, SHA-256 hex digest).
    """
    ds = ref.dataset
    title = ds.title.get("fr") or next(iter(ds.title.values()))
    description = ds.description.get("fr") or next(iter(ds.description.values()))
    resources = []
    for name, table in TABLES.items():
        path = table_path(name)
        res: dict[str, Any] = {
            "name": name,
            "path": path,
            "profile": "tabular-data-resource",
            "title": name.replace("_", " "),
            "description": table.description,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": _schema(table),
        }
        if files and path in files:
            size, digest = files[path]
            res["bytes"] = size
            res["hash"] = f"sha256:{digest}"
        resources.append(res)
    package: dict[str, Any] = {
        "profile": PROFILE,
        "name": "rome-export-referential",
        "title": title,
        "description": description,
        "version": version or ds.version,
        "created": f"{ds.issued.isoformat()}T00:00:00Z",  # a datetime in the spec
        "licenses": [{"path": ds.licence, "title": "Licence"}],
        "contributors": [{"title": ds.publisher.name, "role": "publisher",
                          **({"path": ds.publisher.url} if ds.publisher.url else {})}],
        "keywords": list(ds.keywords),
        "resources": resources,
    }
    if ds.landing_page:
        package["homepage"] = ds.landing_page
    if ds.source:
        package["sources"] = [{"title": "Source", "path": ds.source}]
    return package
