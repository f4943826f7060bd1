"""Files shipped with the package: the vocabulary, the SHACL shapes, the JSON-LD context.

They live at the top of the repository (``ontology/``, ``schemas/``) and ship inside the
wheel as the packages ``rome_export.ontology`` and ``rome_export.schemas``
(``pyproject.toml``, ``package-dir``). Installed, they are read through
``importlib.resources``; run from a checkout with ``PYTHONPATH=src``, those packages do not
exist, so the repository's own directories are used instead.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from rome_export.errors import OperationalError

_REPO = Path(__file__).resolve().parents[2]


def path(folder: str, name: str) -> Path:
    """The path of ``name`` in ``folder`` (``ontology`` or ``schemas``)."""
    try:
        candidate = resources.files(f"rome_export.{folder}").joinpath(name)
        if candidate.is_file():
            return Path(str(candidate))
    except ModuleNotFoundError:
        pass
    local = _REPO / folder / name
    if local.is_file():
        return local
    raise OperationalError(
        f"package resource {folder}/{name} not found",
        hint="reinstall rome-export; the wheel ships ontology/ and schemas/",
    )


def read_bytes(folder: str, name: str) -> bytes:
    return path(folder, name).read_bytes()


@cache
def _json(folder: str, name: str) -> str:
    return read_bytes(folder, name).decode("utf-8")


def read_json(folder: str, name: str) -> Any:
    """The parsed JSON of a resource (a fresh copy each call: callers may change it)."""
    return json.loads(_json(folder, name))
