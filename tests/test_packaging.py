"""What the package needs at run time ships inside it, identical to the repository's files."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

import rome_export

ROOT = Path(__file__).resolve().parents[1]
INSTALLED = "site-packages" in Path(rome_export.__file__).parts


@pytest.mark.skipif(not INSTALLED, reason="running from a checkout (PYTHONPATH=src)")
@pytest.mark.parametrize(("package", "folder"), [("rome_export.ontology", "ontology"),
                                                 ("rome_export.schemas", "schemas")])
def test_installed_package_ships_the_repository_files(package, folder):
    shipped = {p.name: p.read_bytes() for p in resources.files(package).iterdir()
               if p.is_file() and not p.name.startswith("__")}
    repo = {p.name: p.read_bytes() for p in (ROOT / folder).iterdir() if p.is_file()}
    assert shipped == repo


def test_resources_resolve_without_the_repository_when_installed():
    from rome_export import resources as res

    shapes = res.path("ontology", "shapes.ttl")
    assert shapes.is_file()
    if INSTALLED:
        assert "site-packages" in shapes.parts
