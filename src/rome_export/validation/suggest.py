"""Suggest the closest known field name for an unknown one ("did you mean …?")."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from pydantic import BaseModel


def closest_field(parts: Sequence[str | int], name: str) -> str | None:
    """The known field nearest to ``name`` at the path ``parts`` of a source file."""
    from rome_export.sources import KIND_MODELS

    candidates: set[str] = set()
    for model in KIND_MODELS.values():
        candidates |= _fields_at(model, [p for p in parts[:-1] if isinstance(p, str)])
    found = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return found[0] if found else None


def _fields_at(model: type[BaseModel], names: list[str]) -> set[str]:
    if not names:
        return set(model.model_fields)
    info = model.model_fields.get(names[0])
    if info is None:
        return set()
    for sub in _models_in(info.annotation):
        return _fields_at(sub, names[1:])
    return set()


def _models_in(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    out: list[type[BaseModel]] = []
    for arg in getattr(annotation, "__args__", ()):
        out += _models_in(arg)
    return out
