"""rome-export: job-sheet referentials as validated, linked open data.

The public API, imported lazily so that ``import rome_export`` costs next to nothing:

- :func:`load` (path → :class:`~rome_export.model.Referential`, raises
  :class:`~rome_export.errors.InvalidData` with a located report);
- :func:`validate` (paths → :class:`~rome_export.validation.report.Report`);
- :func:`build` (referential dir → release bundle);
- :data:`FORMATS` (the registry of output formats);
- :func:`to_graph` (an rdflib ``Graph`` of the referential, for users who want one).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load": "rome_export.sources:load",
    "validate": "rome_export.validation:validate",
    "build": "rome_export.build:build",
    "FORMATS": "rome_export.serialisers:FORMATS",
    "to_graph": "rome_export.serialisers.rdf:to_graph",
    "Referential": "rome_export.model:Referential",
    "JobSheet": "rome_export.model:JobSheet",
    "Competency": "rome_export.model:Competency",
    "Dataset": "rome_export.model:Dataset",
}

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'rome_export' has no attribute {name!r}")
    import importlib

    module_name, _, attr = target.partition(":")
    return getattr(importlib.import_module(module_name), attr)
