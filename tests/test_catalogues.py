"""Readers of the ROME 4.0 and ESCO files, label normalisation, catalogue-aware validation."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from rome_export.catalogue_check import check_catalogues
from rome_export.catalogues import (
    esco_version,
    find_rome_files,
    load_esco,
    load_rome,
    read_rome_texts,
)
from rome_export.errors import InvalidData, OperationalError, UsageError
from rome_export.labels import normalise, split_gendered, variants
from rome_export.model import JobSheet

OFFICE_MANAGER_IRI = "http://data.europa.eu/esco/occupation/6e6839b6-099c-4802-906e-7f2c8203ee69"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def small_rome(root: Path) -> Path:
    """A ROME release in miniature, with the publisher's quirks (columns out of order)."""
    write(
        root / "unix_referentiel_code_rome_v460_utf8.csv",
        '"libelle_rome","code_rome","code_ogr","code_rome_parent"\n'
        '"Assistant / Assistante de direction","M1604","477","M1604"\n'
        '"Steward / Hôtesse de l\'air","G1502","1","G1502"\n',
    )
    write(
        root / "unix_referentiel_appellation_v460_utf8.csv",
        '"code_ogr","libelle_appellation_long","code_rome","classification"\n'
        '"38862","Office manager","M1604","SYNONYME"\n'
        '"11111","Assistant / Assistante de direction","M1604","PRINCIPALE"\n',
    )
    write(
        root / "unix_texte_v460_utf8.csv",
        '"code_rome","libelle_type_texte","position_phrase","libelle_texte"\n'
        '"M1604","definition","2","Organise l\'\'agenda ""du directeur""."\n'
        '"M1604","definition","1","Assiste un responsable afin d\'\'optimiser son activité."\n'
        '"M1604","acces_metier","1","Accessible avec un Bac+2."\n',
    )
    write(
        root / "unix_rubrique_mobilite_v460_utf8.csv",
        '"code_rome","code_rome_cible","numero_ordre"\n"M1604","G1502","2"\n"M1604","Z9999","1"\n',
    )
    write(
        root / "unix_referentiel_competence_v460_utf8.csv",
        '"code_ogr","nature","libelle_competence"\n"100023","Compétence","Gérer l\'\'agenda"\n',
    )
    return root


def small_esco(root: Path, status: str = "released") -> Path:
    write(
        root / "occupations_en.csv",
        "conceptType,conceptUri,iscoGroup,preferredLabel,altLabels,status\n"
        f'Occupation,{OFFICE_MANAGER_IRI},3341,office manager,"general office administrator\n'
        f'office administrator\n\nadministration manager",{status}\n',
    )
    write(
        root / "ISCOGroups_en.csv",
        "conceptType,conceptUri,code,preferredLabel\n"
        "ISCOGroup,http://data.europa.eu/esco/isco/C3341,3341,Office supervisors\n",
    )
    return root / "occupations_en.csv"


# ------------------------------------------------------------------ real catalogues


@pytest.fixture(scope="module")
def rome_dir(reference_dir: Path) -> Path:
    return reference_dir / "rome-4.0-v460"


@pytest.fixture(scope="module")
def esco_file(reference_dir: Path) -> Path:
    return reference_dir / "esco-1.0-en" / "occupations_en.csv"


def test_real_rome_release(rome_dir: Path) -> None:
    rome = load_rome(rome_dir)
    assert rome.version == "ROME 4.0 v460"
    assert len(rome.fiches) == 1584
    assert len(rome.appellations) == 13120
    assert rome.fiches["M1604"].title == "Assistant / Assistante de direction"
    office = [a for a in rome.appellations if a.ogr == "38862"]
    assert [(a.label, a.code, a.principal) for a in office] == [("Office manager", "M1604", False)]


def test_real_rome_texts_lose_doubled_apostrophes(rome_dir: Path) -> None:
    files = find_rome_files(rome_dir)
    assert files.texts is not None and files.texts.name == "unix_texte_v460_utf8.csv"
    texts = read_rome_texts(files.texts)
    assert len(texts) == 11980
    assert not [t for t in texts if "''" in t.text]
    assert any("l'entretien" in t.text for t in texts if t.code == "A1101")


def test_real_esco(esco_file: Path) -> None:
    esco = load_esco(esco_file)
    assert esco.version == "ESCO 1.0"
    assert esco.languages == ("en",)
    assert len(esco.occupations) == 2942
    office = esco.occupations[OFFICE_MANAGER_IRI]
    assert office.isco_group == "3341"
    assert office.preferred == {"en": "office manager"}
    assert "general office administrator" in office.alt["en"]
    assert all("\n" not in label for o in esco.occupations.values() for label in o.alt["en"])
    assert esco.isco_groups["3341"].label == "Office supervisors"


# --------------------------------------------------------------------------- quirks


def test_small_rome_columns_in_any_order_and_sql_apostrophes(tmp_path: Path) -> None:
    rome = load_rome(small_rome(tmp_path))
    assert rome.fiches["M1604"].title == "Assistant / Assistante de direction"
    files = find_rome_files(tmp_path)
    texts = sorted(
        (t for t in read_rome_texts(files.texts or Path()) if t.kind == "definition"),
        key=lambda t: t.position,
    )
    assert texts[0].text == "Assiste un responsable afin d'optimiser son activité."
    assert texts[1].text == 'Organise l\'agenda "du directeur".'


def test_missing_required_column_names_file_and_column(tmp_path: Path) -> None:
    small_rome(tmp_path)
    write(
        tmp_path / "unix_referentiel_code_rome_v460_utf8.csv",
        '"code_rome","libelle"\n"M1604","x"\n',
    )
    with pytest.raises(InvalidData) as err:
        load_rome(tmp_path)
    assert "unix_referentiel_code_rome_v460_utf8.csv" in err.value.message
    assert "missing required column(s) libelle_rome" in err.value.message


def test_missing_rome_file_and_directory(tmp_path: Path) -> None:
    small_rome(tmp_path)
    (tmp_path / "unix_referentiel_appellation_v460_utf8.csv").unlink()
    with pytest.raises(OperationalError, match="no ROME appellations file"):
        load_rome(tmp_path)
    with pytest.raises(OperationalError, match="ROME directory not found"):
        load_rome(tmp_path / "nowhere")


def test_not_utf8_is_invalid_data(tmp_path: Path) -> None:
    small_rome(tmp_path)
    (tmp_path / "unix_referentiel_code_rome_v460_utf8.csv").write_bytes(
        b'"code_rome","libelle_rome"\n"M1604","Assistant de direction \xe9"\n'
    )
    with pytest.raises(InvalidData, match="not UTF-8"):
        load_rome(tmp_path)


def test_esco_newline_separated_alt_labels_and_languages(tmp_path: Path) -> None:
    small_esco(tmp_path)
    write(
        tmp_path / "occupations_fr.csv",
        "conceptUri,preferredLabel,altLabels,iscoGroup,status\n"
        f"{OFFICE_MANAGER_IRI},responsable de bureau,"
        '"office manager\nchef de bureau",3341,released\n',
    )
    esco = load_esco(tmp_path)  # a folder: every occupations_<lang>.csv in it
    office = esco.occupations[OFFICE_MANAGER_IRI]
    assert office.alt["en"] == (
        "general office administrator",
        "office administrator",
        "administration manager",
    )
    assert office.preferred == {"en": "office manager", "fr": "responsable de bureau"}
    assert esco.languages == ("en", "fr")


def test_esco_file_of_unknown_language(tmp_path: Path) -> None:
    shutil.copy(small_esco(tmp_path), tmp_path / "jobs.csv")
    with pytest.raises(UsageError, match="cannot tell the language"):
        load_esco(tmp_path / "jobs.csv")


def test_esco_version_from_path() -> None:
    assert esco_version(Path("esco-1.0-en/occupations_en.csv")) == "ESCO 1.0"
    assert esco_version(Path("ESCO dataset - v1.2.0 - classification - fr - csv/x.csv")) == (
        "ESCO 1.2.0"
    )
    assert esco_version(Path("downloads/occupations_en.csv")) == "ESCO"


# -------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "Assistant / Assistante de direction",
            ("Assistant de direction", "Assistante de direction"),
        ),
        (
            "Chef / Cheffe d'équipe paysagiste",
            ("Chef d'équipe paysagiste", "Cheffe d'équipe paysagiste"),
        ),
        (
            "Assistant administratif / Assistante administrative de projet",
            ("Assistant administratif de projet", "Assistante administrative de projet"),
        ),
        (
            "Responsable Commercial / Commerciale",
            ("Responsable Commercial", "Responsable Commerciale"),
        ),
        ("Steward / Hôtesse de l'air", None),
        ("Homme / Femme de chambre", None),
        ("Office manager", None),
    ],
)
def test_split_gendered(label: str, expected: tuple[str, str] | None) -> None:
    assert split_gendered(label) == expected


def test_normalise() -> None:
    assert normalise("Assistant(e) administratif(ve)") == "assistant administratif"
    assert normalise("  Secrétaires  GÉNÉRAUX ") == "secretaire general"
    assert normalise("Office-Manager") == normalise("office manager")
    assert [normalise(v) for v in variants("Assistant / Assistante de direction")] == [
        "assistant de direction",
        "assistante de direction",
    ]


# ----------------------------------------------------------- catalogue-aware checks


def _job(**mappings: object) -> JobSheet:
    return JobSheet.model_validate(
        {"id": "office-manager", "title": {"fr": "Office Manager"}, "mappings": mappings}
    )


def test_check_catalogues_on_bundled_data(
    referential: object, rome_dir: Path, esco_file: Path
) -> None:
    assert check_catalogues(referential, rome_dir, esco_file) == []  # type: ignore[arg-type]


def test_check_catalogues_names_unknown_codes(rome_dir: Path, esco_file: Path) -> None:
    made_up = "http://data.europa.eu/esco/occupation/00000000-0000-4000-8000-000000000000"
    job = _job(
        rome=[{"code": "M1604", "match": "broadMatch"}, {"code": "M9999", "match": "closeMatch"}],
        esco=[{"iri": made_up, "match": "closeMatch"}],
        isco=[{"code": "9999", "match": "broadMatch"}],
    )
    issues = check_catalogues([job], rome_dir, esco_file)
    assert [(i.file, i.path, i.code, i.severity.value) for i in issues] == [
        ("jobs/office-manager.yaml", "mappings.rome[1].code", "unknown-rome-code", "error"),
        ("jobs/office-manager.yaml", "mappings.esco[0].iri", "unknown-esco-occupation", "error"),
        ("jobs/office-manager.yaml", "mappings.isco[0].code", "unknown-isco-code", "error"),
    ]
    assert "M9999 is not in ROME 4.0 v460" in issues[0].message
    assert made_up in issues[1].message
    assert "9999 is not in ISCO-08 (ESCO 1.0)" in issues[2].message


def test_check_catalogues_warns_on_obsolete_esco(tmp_path: Path) -> None:
    esco = small_esco(tmp_path, status="obsolete")
    job = _job(esco=[{"iri": OFFICE_MANAGER_IRI, "match": "closeMatch"}])
    issues = check_catalogues([job], esco_file=esco)
    assert [(i.code, i.severity.value) for i in issues] == [
        ("deprecated-esco-occupation", "warning")
    ]
    assert "'obsolete'" in issues[0].message


def test_validate_cli_with_catalogues(
    runner, data_dir: Path, rome_dir: Path, esco_file: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from rome_export.cli import main

    args = ["--rome", str(rome_dir), "--esco", str(esco_file)]
    ok = runner.invoke(main, ["validate", str(data_dir), *args])
    assert ok.exit_code == 0, ok.output
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    sheet = copy / "jobs" / "office-manager.yaml"
    sheet.write_text(sheet.read_text("utf-8").replace("code: M1604", "code: M9999"), "utf-8")
    bad = runner.invoke(main, ["validate", str(copy), *args])
    assert bad.exit_code == 1
    assert "unknown-rome-code" in bad.output
    assert "M9999 is not in ROME 4.0 v460" in bad.output
    line = next(
        n for n, text in enumerate(sheet.read_text("utf-8").splitlines(), 1) if "M9999" in text
    )
    assert re.search(rf"\b{line}:\d+\s+error\s+unknown-rome-code", bad.output), bad.output
