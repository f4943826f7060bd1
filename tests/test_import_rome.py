"""``rome-export import-rome``: the ROME 4.0 release as a referential of the model."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from rome_export.cli import main
from rome_export.importers.rome import import_rome
from rome_export.model import Referential


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def rome_dir(reference_dir: Path) -> Path:
    return reference_dir / "rome-4.0-v460"


@pytest.fixture(scope="module")
def imported(rome_dir: Path) -> Referential:
    return import_rome(rome_dir, issued=dt.date(2026, 11, 30))


def test_one_sheet_per_fiche(imported: Referential) -> None:
    assert len(imported.jobs) == 1584
    assert len(imported.competencies) == 18317
    assert imported.dataset.publisher.name == "France Travail"
    assert imported.dataset.licence == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert imported.dataset.version == "460"
    assert not [j for j in imported.jobs if j.requirements]  # ROME 4.0 CSVs give no link


def test_m1604(imported: Referential) -> None:
    job = imported.job("m1604")
    assert job is not None
    assert job.code == "M1604"
    assert job.title == {"fr": "Assistant de direction"}
    assert job.title_feminine == {"fr": "Assistante de direction"}
    assert "Office manager" in job.alt_titles["fr"]
    assert "Assistant / Assistante de direction" not in job.alt_titles["fr"]
    assert job.purpose is not None and job.purpose.startswith("Assiste un ou plusieurs")
    assert "d'optimiser" in job.purpose and "''" not in job.purpose
    assert job.access is not None and "Bac+2" in job.access
    assert [m.target for m in job.mobility][:2] == ["m1701", "m1605"]  # numero_ordre 1, 2
    assert all(m.direction is None and m.proximity is None for m in job.mobility)
    assert [(m.code, m.match) for m in job.mappings.rome] == [("M1604", "exactMatch")]
    provenance = job.mappings.rome[0].provenance
    assert provenance is not None and provenance.catalogue_version == "ROME 4.0 v460"


def test_unsplittable_titles_are_kept_whole(imported: Referential) -> None:
    titles = {j.code: j for j in imported.jobs}
    steward = next(j for j in titles.values() if j.title["fr"] == "Steward / Hôtesse de train")
    assert steward.title_feminine is None
    split = [j for j in imported.jobs if j.title_feminine]
    assert len(split) > 1150  # the gendered titles that split reliably
    assert all(" / " not in j.title["fr"] for j in split)


def test_every_mobility_target_is_a_sheet(imported: Referential) -> None:
    ids = {j.id for j in imported.jobs}
    targets = [m.target for j in imported.jobs for m in j.mobility]
    assert len(targets) == 14912
    assert set(targets) <= ids


def test_cli_writes_a_referential_that_loads_and_validates(
    runner,
    rome_dir: Path,
    tmp_path: Path,  # type: ignore[no-untyped-def]
) -> None:
    from rome_export.sources import load

    out = tmp_path / "rome"
    started = time.perf_counter()
    result = runner.invoke(
        main, ["import-rome", str(rome_dir), "-o", str(out), "--issued", "2026-11-30"]
    )
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "1584 sheets and 18317 competencies written" in result.output
    assert elapsed < 60, f"import took {elapsed:.1f} s"  # mostly fsync of 1,586 files
    assert len(list((out / "jobs").glob("*.yaml"))) == 1584
    assert "issued: 2026-11-30" in (out / "dataset.yaml").read_text("utf-8")
    referential = load(out)
    assert len(referential.jobs) == 1584
    check = runner.invoke(main, ["validate", str(out), "--rome", str(rome_dir)])
    assert check.exit_code == 0, check.output[-2000:]
    again = runner.invoke(main, ["import-rome", str(rome_dir), "-o", str(out)])
    assert again.exit_code == 2 and "is not empty" in again.output


def test_small_release_quirks(tmp_path: Path) -> None:
    write(
        tmp_path / "unix_referentiel_code_rome_v999_utf8.csv",
        '"code_rome","libelle_rome"\n"M1604","Assistant / Assistante de direction"\n'
        '"G1502","Homme / Femme de chambre"\n',
    )
    write(
        tmp_path / "unix_referentiel_appellation_v999_utf8.csv",
        '"libelle_appellation_long","code_rome","code_ogr","classification"\n'
        '"Office manager","M1604","38862","SYNONYME"\n'
        '"Assistant / Assistante de direction","M1604","1","PRINCIPALE"\n',
    )
    write(
        tmp_path / "unix_texte_v999_utf8.csv",
        '"code_rome","libelle_type_texte","position_phrase","libelle_texte"\n'
        '"M1604","definition","2","Organise l\'\'agenda."\n'
        '"M1604","definition","1","Assiste la direction."\n',
    )
    write(
        tmp_path / "unix_rubrique_mobilite_v999_utf8.csv",
        '"code_rome","code_rome_cible","numero_ordre"\n"M1604","Z9999","2"\n"M1604","G1502","1"\n',
    )
    ref = import_rome(tmp_path, issued=dt.date(2026, 1, 1), base_iri="https://example.org/r/")
    m1604, g1502 = ref.job("m1604"), ref.job("g1502")
    assert m1604 is not None and g1502 is not None
    assert m1604.purpose == "Assiste la direction. Organise l'agenda."
    assert m1604.alt_titles == {"fr": ["Office manager"]}
    assert [(m.target, m.target_label) for m in m1604.mobility] == [
        ("g1502", None),
        (None, "Z9999"),  # not a fiche of the release: kept, by its code
    ]
    assert g1502.title == {"fr": "Homme / Femme de chambre"} and g1502.title_feminine is None
    assert ref.competencies == []  # no competence file in this release
    assert ref.dataset.version == "999"
