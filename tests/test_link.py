"""``rome-export link``: candidates from the real catalogues, scoring rules, --accept."""

from __future__ import annotations

import csv
import difflib
import io
import shutil
import time
from pathlib import Path

import pytest

from rome_export.catalogues import (
    EscoCatalogue,
    EscoOccupation,
    RomeAppellation,
    RomeCatalogue,
    RomeFiche,
    load_esco,
    load_rome,
)
from rome_export.cli import main
from rome_export.link import CSV_COLUMNS, Candidate, Linker
from rome_export.model import JobSheet

OFFICE_MANAGER_IRI = "http://data.europa.eu/esco/occupation/6e6839b6-099c-4802-906e-7f2c8203ee69"
EXECUTIVE_ASSISTANT_IRI = (
    "http://data.europa.eu/esco/occupation/2a04a1df-a3b9-403e-a245-e7f93fdddd44"
)


@pytest.fixture(scope="module")
def catalogue_args(reference_dir: Path) -> list[str]:
    return [
        "--rome",
        str(reference_dir / "rome-4.0-v460"),
        "--esco",
        str(reference_dir / "esco-1.0-en" / "occupations_en.csv"),
    ]


@pytest.fixture(scope="module")
def linker(reference_dir: Path) -> Linker:
    return Linker(
        load_rome(reference_dir / "rome-4.0-v460"),
        load_esco(reference_dir / "esco-1.0-en" / "occupations_en.csv"),
    )


def office_manager() -> JobSheet:
    """The bundled sheet's labels, built in Python (independent of data/)."""
    return JobSheet.model_validate(
        {
            "id": "office-manager",
            "title": {"fr": "Office Manager"},
            "alt_titles": {
                "fr": [
                    "Assistant RH",
                    "Assistant commercial",
                    "Assistant comptable",
                    "Assistant Marketing",
                ],
                "en": [
                    "Assistant",
                    "Personal assistant",
                    "Management assistant",
                    "Executive assistant",
                ],
            },
        }
    )


def top(candidates: list[Candidate], catalogue: str) -> Candidate:
    return next(c for c in candidates if c.catalogue == catalogue)


# -------------------------------------------------------------- the real catalogues


def test_office_manager_top_candidates(linker: Linker) -> None:
    found = linker.candidates(office_manager(), top=3)
    rome, esco, isco = top(found, "rome"), top(found, "esco"), top(found, "isco")
    assert rome.code_or_iri == "M1604"
    assert 'title (fr) "Office Manager" = appellation 38862 "Office manager"' in rome.evidence
    assert rome.match == "broadMatch"  # met through a synonym appellation of the fiche
    assert esco.code_or_iri == OFFICE_MANAGER_IRI
    assert esco.label == "office manager"
    assert isco.code_or_iri == "3341" and isco.label == "Office supervisors"
    assert all(0.0 <= c.score <= 1.0 for c in found)
    assert len([c for c in found if c.catalogue == "rome"]) == 3


def test_bundled_data_and_determinism(linker: Linker, referential: object) -> None:
    first = linker.link(referential)  # type: ignore[arg-type]
    again = linker.link(referential)  # type: ignore[arg-type]
    assert first == again
    assert top(first, "rome").code_or_iri == "M1604"
    assert top(first, "esco").code_or_iri == OFFICE_MANAGER_IRI


def test_alt_title_matches_weigh_less_than_the_title(linker: Linker) -> None:
    found = linker.candidates(office_manager(), top=5)
    executive = next(c for c in found if c.code_or_iri == EXECUTIVE_ASSISTANT_IRI)
    assert executive.score == pytest.approx(0.9)
    assert executive.evidence.startswith('alt title (en) "Executive assistant"')
    assert top(found, "esco").score == 1.0


# -------------------------------------------------------------- scoring rules


def tiny_rome(order: list[str]) -> RomeCatalogue:
    fiches = {
        "A1001": RomeFiche("A1001", "Agent / Agente de bureau", None, "1"),
        "B1001": RomeFiche("B1001", "Agent / Agente de bureau", None, "2"),
        "C1001": RomeFiche("C1001", "Conducteur / Conductrice de bus", None, "3"),
    }
    apps = [RomeAppellation("9", "Employé / Employée de bureau", "", "B1001", False)]
    return RomeCatalogue("ROME 4.0 v1", {k: fiches[k] for k in order}, apps)


def test_tie_broken_by_evidence_not_file_order() -> None:
    job = JobSheet.model_validate(
        {"id": "x", "title": {"fr": "Agent de bureau"}, "alt_titles": {"fr": ["Employé de bureau"]}}
    )
    for order in (["A1001", "B1001", "C1001"], ["C1001", "B1001", "A1001"]):
        found = Linker(tiny_rome(order)).candidates(job, top=3)
        # A1001 and B1001 both score 1.0 on the title; B1001 also has the alt title.
        assert [c.code_or_iri for c in found][:2] == ["B1001", "A1001"]
        assert found[0].support == 2 and found[1].support == 1


def test_gender_forms_and_feminine_titles_match() -> None:
    job = JobSheet.model_validate({"id": "x", "title": {"fr": "Conductrice de bus"}})
    found = Linker(tiny_rome(["A1001", "C1001"])).candidates(job, top=1)
    assert (found[0].code_or_iri, found[0].score, found[0].match) == ("C1001", 1.0, "exactMatch")


def test_esco_french_labels_meet_french_alt_titles() -> None:
    occupation = EscoOccupation(
        OFFICE_MANAGER_IRI,
        "3341",
        "released",
        {"en": "office manager", "fr": "responsable de bureau"},
        {"en": (), "fr": ("chef de bureau",)},
    )
    esco = EscoCatalogue("ESCO 1.2", ("en", "fr"), {OFFICE_MANAGER_IRI: occupation}, {})
    job = JobSheet.model_validate(
        {"id": "x", "title": {"fr": "Gestionnaire"}, "alt_titles": {"fr": ["Chefs de bureau"]}}
    )
    found = Linker(esco=esco).candidates(job, catalogues=("esco",))
    assert [(c.code_or_iri, c.score) for c in found] == [(OFFICE_MANAGER_IRI, 0.9)]
    assert 'altLabel "chef de bureau"' in found[0].evidence


@pytest.mark.parametrize("reverse", [False, True])
def test_same_labels_in_any_file_order_give_the_same_evidence(reverse: bool) -> None:
    alts = ("policy officer agriculture", "agriculture policy officer")
    occupation = EscoOccupation(
        OFFICE_MANAGER_IRI,
        "2422",
        "released",
        {"en": "agricultural policy officer"},
        {"en": alts[::-1] if reverse else alts},
    )
    esco = EscoCatalogue("ESCO 1.0", ("en",), {OFFICE_MANAGER_IRI: occupation}, {})
    job = JobSheet.model_validate({"id": "x", "title": {"fr": "Agriculture policy officers"}})
    found = Linker(esco=esco).candidates(job, catalogues=("esco",))
    assert found[0].evidence == (
        'title (fr) "Agriculture policy officers" = altLabel "agriculture policy officer"'
    )


# ---------------------------------------------------------------------------- CLI


def test_cli_csv(runner, data_dir: Path, catalogue_args: list[str]) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = runner.invoke(main, ["link", str(data_dir), *catalogue_args, "--format", "csv"])
    elapsed = time.perf_counter() - started
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1][:6] == [
        "office-manager",
        "rome",
        "M1604",
        "Assistant / Assistante de direction",
        "1.000",
        "broadMatch",
    ]
    assert elapsed < 10, f"linking data/ took {elapsed:.1f} s"


def test_cli_needs_a_catalogue(runner, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(main, ["link", str(data_dir)])
    assert result.exit_code == 2
    assert "give at least one catalogue" in result.output


def test_cli_unknown_choice(runner, data_dir: Path, catalogue_args: list[str]) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        main, ["link", str(data_dir), *catalogue_args, "--choose", "office-manager=M9999"]
    )
    assert result.exit_code == 2
    assert "M9999 is not in ROME 4.0 v460" in result.output


def _added_only(before: str, after: str) -> list[str]:
    diff = list(difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0))
    changed = [line for line in diff[2:] if not line.startswith("@@")]
    assert changed and all(line.startswith("+") for line in changed), changed
    return [line[1:] for line in changed]


def test_choose_adds_lines_only_and_once(
    runner, data_dir: Path, tmp_path: Path, catalogue_args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    sheet = copy / "jobs" / "office-manager.yaml"
    before = sheet.read_text("utf-8")
    args = [
        "link",
        str(copy),
        *catalogue_args,
        "--date",
        "2026-11-30",
        "--choose",
        f"office-manager={EXECUTIVE_ASSISTANT_IRI}",
        "--choose",
        "office-manager=M1604",
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "office-manager: rome M1604 kept: already mapped" in result.output
    added = _added_only(before, sheet.read_text("utf-8"))
    assert added == [
        f"    - iri: {EXECUTIVE_ASSISTANT_IRI}",
        "      match: closeMatch",
        "      label: executive assistant",
        "      provenance:",
        "        agent: suggested by rome-export link",
        "        catalogue_version: ESCO 1.0",
        "        date: 2026-11-30",
    ]
    once = sheet.read_text("utf-8")
    assert runner.invoke(main, args).exit_code == 0
    assert sheet.read_text("utf-8") == once


def test_accept_into_a_sheet_without_mappings(
    runner, data_dir: Path, tmp_path: Path, catalogue_args: list[str]
) -> None:  # type: ignore[no-untyped-def]
    from rome_export.sources import load

    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    sheet = copy / "jobs" / "office-manager.yaml"
    text = sheet.read_text("utf-8")
    start = text.index("\nmappings:\n") + 1
    end = text.index("\n# The page's own URL")  # the comment after the mappings block
    before = text[:start] + text[end + 1 :]
    sheet.write_text(before, "utf-8")
    result = runner.invoke(
        main, ["link", str(copy), *catalogue_args, "--accept", "--date", "2026-11-30"]
    )
    assert result.exit_code == 0, result.output
    after = sheet.read_text("utf-8")
    added = _added_only(before, after)
    assert added[:3] == ["mappings:", "  rome:", "    - code: M1604"]
    assert "    - code: '3341'" in added
    assert f"    - iri: {OFFICE_MANAGER_IRI}" in added
    assert added.count("        agent: suggested by rome-export link") == 3
    assert "# The page's own URL and its date are not known" in after  # comments kept
    job = load(copy).job("office-manager")
    assert job is not None and job.mappings.rome[0].provenance is not None
    assert job.mappings.rome[0].provenance.catalogue_version == "ROME 4.0 v460"
    assert str(job.mappings.isco[0].provenance.date) == "2026-11-30"  # type: ignore[union-attr]
    again = runner.invoke(main, ["link", str(copy), *catalogue_args, "--accept"])
    assert again.exit_code == 0 and sheet.read_text("utf-8") == after


def test_accept_changes_no_file_when_one_sheet_cannot_take_its_mappings(
    data_dir: Path, tmp_path: Path
) -> None:
    """Regression: sheets were written one by one, so a bad sheet late in the run left the
    earlier ones changed and the rest not. Now every text is checked before any write."""
    import datetime as dt

    from rome_export.accept import accept
    from rome_export.errors import InvalidData

    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    jobs = copy / "jobs"
    broken = jobs / "zz-broken.yaml"  # sorted after office-manager
    broken.write_text("id: zz-broken\ntitle: {fr: Métier}\nexpected_level: 9\n", "utf-8")
    before = {p.name: p.read_bytes() for p in sorted(jobs.iterdir())}
    chosen = [Candidate("office-manager", "esco", EXECUTIVE_ASSISTANT_IRI,
                        "executive assistant", 0.9, "closeMatch", "test"),
              Candidate("zz-broken", "rome", "M1604", "Assistant(e) de direction", 0.9,
                        "closeMatch", "test")]
    with pytest.raises(InvalidData, match=r"zz-broken\.yaml: the sheet is not valid"):
        accept(jobs, chosen, {"esco": "ESCO 1.0", "rome": "ROME 4.0"}, dt.date(2026, 11, 30))
    assert {p.name: p.read_bytes() for p in sorted(jobs.iterdir())} == before
    accept(jobs, chosen[:1], {"esco": "ESCO 1.0"}, dt.date(2026, 11, 30))  # alone, it goes in
    assert (jobs / "office-manager.yaml").read_bytes() != before["office-manager.yaml"]
