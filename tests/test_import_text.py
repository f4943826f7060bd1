"""``rome-export import-text``: the seed page and hand-made variants → the YAML referential."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from rome_export import validation
from rome_export.cli import main
from rome_export.importers.text import NotAPage, decode_page, parse_page, slugify
from rome_export.sources import load

PAGES = Path(__file__).parent / "fixtures" / "pages"
ISSUED = ["--issued", "2026-01-15"]


def run(runner: CliRunner, *args: str | Path) -> Any:
    return runner.invoke(main, ["import-text", *map(str, args)])


def hashes(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def strings(value: Any) -> list[str]:
    """Every string value of a loaded YAML document, depth first."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return [value] if isinstance(value, str) else []


@pytest.fixture()
def seed_ref(tmp_path: Path, seed_page: Path, runner: CliRunner) -> Path:
    out = tmp_path / "ref"
    result = run(runner, seed_page, "-o", out, *ISSUED)
    assert result.exit_code == 0, result.output
    return out


# ------------------------------------------------------------------------- the seed


def test_seed_into_new_dir_is_a_valid_referential(seed_ref: Path) -> None:
    assert sorted(hashes(seed_ref)) == ["competencies.yaml", "dataset.yaml",
                                        "jobs/office-manager.yaml"]
    report = validation.validate([seed_ref])
    assert report.ok, [(i.file, i.line, i.code, i.message) for i in report.errors]
    ref = load(seed_ref)
    assert ref.dataset.base_iri == "https://example.org/referential/"
    assert "PLACEHOLDER" in (seed_ref / "dataset.yaml").read_text("utf-8")


def test_seed_findings_are_located_by_page_line(tmp_path: Path, seed_page: Path,
                                                 runner: CliRunner) -> None:
    result = run(runner, seed_page, "-o", tmp_path / "ref", *ISSUED)
    found = [(int(line.split()[0]), line.split()[2].rstrip(":"))
             for line in result.stdout.splitlines() if line.startswith("  ")]
    assert found == [
        (33, "duplicate-block"), (50, "duplicate-block"), (62, "duplicate-block"),
        (97, "example-names-other-job"),
        (127, "missing-level-descriptors"), (127, "unknown-expected-level"),
        (160, "missing-level-descriptors"), (160, "unknown-expected-level"),
        (210, "truncated-text"),
    ]
    assert "dropped lines 33-39" in result.stdout
    assert "'Assistant de direction'" in result.stdout


SECTIONS = ("title", "family", "alt_titles", "purpose", "missions", "work_context",
            "working_conditions", "requirements", "certifications", "mobility",
            "mobility_note", "trends", "further_reading")


@pytest.mark.parametrize("section", SECTIONS)
def test_seed_import_equals_handwritten_data(seed_ref: Path, data_dir: Path,
                                             section: str) -> None:
    imported = load(seed_ref).job("office-manager")
    written = load(data_dir).job("office-manager")
    assert imported is not None and written is not None
    assert getattr(imported, section) == getattr(written, section)


def test_seed_competencies_equal_handwritten_data(seed_ref: Path, data_dir: Path) -> None:
    def view(path: Path) -> list[tuple[str, str, dict[int, str]]]:
        return [(c.id, c.label["fr"], dict(c.levels)) for c in load(path).competencies]

    assert view(seed_ref) == view(data_dir)


# Lines of the seed that are page furniture, not content: tabs, section headings, the
# competency table's headers and markers, the mobility widget (filter, legend, centre).
FURNITURE = {
    "Présentation du métier", "Contexte de travail", "Conditions de travail",
    "Compétences et niveaux attendus", "Certifications",
    "Proximité(s)/évolution(s) envisageables", "Tendances nationales sur le métier",
    "Pour en savoir plus", "OFFICE MANAGER", "Autres appellations en français",
    "Autres appellations en anglais", "Présentation du métier : Office Manager",
    "Finalité du métier", "Missions principales", "Variables spécifiques au métier",
    "Contextes organisationnels", "Le rythme de travail", "Déplacements",
    "Les relations professionnelles", "Relations internes", "Relations externes",
    "Compétences et niveaux attendus en 4 niveaux cumulés", "Macro compétences",
    "Niveaux et compétences attendues", "Exemple concret d'activité pour le niveau attendu",
    "Macro compétences :", "Niveaux et compétences attendues :",
    "Exemple concret d'activité pour le niveau attendu :", "Liste des certifications",
    "Hors branche", "La proximité des métiers", "Axes de mobilité professionnelle",
    "Sens d'évolution", "Sélection de secteur", "Numérique", "Ingénierie",
    "Études & Conseil", "Évènement", "Transverses", "Autre",
    "Cliquer sur un secteur pour afficher", "uniquement les provenances et les",
    "évolutions depuis et vers ce secteur",
    "Cliquer sur les flèches pour accéder à la comparaison des métiers.",
    "Provenances possibles", "Evolutions envisageables", "Autres provenances",
    "Provenances lointaines", "Provenances moyennes", "Proximité forte",
    "Evolutions moyennes", "Evolutions lointaines", "Autres évolutions", "Office Manager",
    "1", "2", "3", "4",
}


def test_every_paragraph_of_the_seed_is_in_the_output_once(seed_ref: Path,
                                                             seed_page: Path) -> None:
    values = [s for p in sorted(seed_ref.rglob("*.yaml"))
              if p.name != "dataset.yaml" for s in strings(yaml.safe_load(p.read_text("utf-8")))]
    content = [line.strip() for line in seed_page.read_text("utf-8").splitlines()
               if line.strip() and line.strip() not in FURNITURE]
    assert len(content) == 138  # 276 lines, half of them furniture or repeats
    for line in content:
        if line.startswith("Niveau attendu : "):
            continue  # a number, checked by the comparison with data/
        text = line.removeprefix("Famille : ").removesuffix(" :")
        if text.startswith("- "):  # list items lose their separator comma
            text = text[2:].removesuffix(",")
        assert text in values, f"not in the output: {line!r}"
        if len(text) > 60:  # paragraphs: stored exactly once, even those shown twice
            assert values.count(text) == 1, f"stored {values.count(text)} times: {text!r}"
    # and the furniture stays out
    for furniture in ("Cliquer sur les flèches pour accéder à la comparaison des métiers.",
                      "Provenances lointaines", "Sélection de secteur", "Études & Conseil"):
        assert furniture not in values


def test_reimporting_is_a_no_op(seed_ref: Path, seed_page: Path, runner: CliRunner) -> None:
    before = hashes(seed_ref)
    mtimes = {p: p.stat().st_mtime_ns for p in seed_ref.rglob("*.yaml")}
    result = run(runner, seed_page, "-o", seed_ref, "--base", "https://example.org/other/")
    assert result.exit_code == 0, result.output
    assert "already up to date, nothing written" in result.stderr
    assert "apply only to a new referential" in result.stderr
    assert hashes(seed_ref) == before
    assert {p: p.stat().st_mtime_ns for p in seed_ref.rglob("*.yaml")} == mtimes


def test_importing_into_the_handwritten_data_changes_nothing(tmp_path: Path, data_dir: Path,
                                                             seed_page: Path,
                                                             runner: CliRunner) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    result = run(runner, seed_page, "-o", copy)
    assert result.exit_code == 0, result.output
    assert hashes(copy) == hashes(data_dir)  # comments and mappings included


# ------------------------------------------------------------------------- merging


def test_existing_job_keeps_what_the_page_lacks(tmp_path: Path, data_dir: Path,
                                                seed_page: Path, runner: CliRunner) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    job_file = copy / "jobs" / "office-manager.yaml"
    job = yaml.safe_load(job_file.read_text("utf-8"))
    job["title"]["en"] = "Office manager"
    job["code"] = "OM-01"
    job["purpose"] = "Un texte modifié à la main, que la page remplace."
    job["mobility"][4].update(direction="evolution", proximity="forte")
    job["requirements"][3]["expected_level"] = 2  # the page leaves it unknown
    job["trends"] = ["Une tendance que la page ne montre pas."]
    job_file.write_text(yaml.safe_dump(job, allow_unicode=True), "utf-8")
    result = run(runner, seed_page, "-o", copy)
    assert result.exit_code == 0, result.output
    merged = load(copy).job("office-manager")
    original = load(data_dir).job("office-manager")
    assert merged is not None and original is not None
    assert merged.title == {"fr": "Office Manager", "en": "Office manager"}
    assert merged.code == "OM-01"
    assert merged.purpose == original.purpose  # page-derived: overwritten
    assert merged.mappings == original.mappings
    assert (merged.mobility[4].direction, merged.mobility[4].proximity) == ("evolution", "forte")
    assert merged.mobility[4].target_label == "Assistant de direction"
    assert merged.requirements[3].expected_level == 2
    assert merged.trends == ["Une tendance que la page ne montre pas."]  # section not on page


def test_competency_merge_keeps_ids_adds_and_reports(tmp_path: Path, data_dir: Path,
                                                     seed_page: Path,
                                                     runner: CliRunner) -> None:
    copy = tmp_path / "data"
    shutil.copytree(data_dir, copy)
    comp_file = copy / "competencies.yaml"
    doc = yaml.safe_load(comp_file.read_text("utf-8"))
    for comp in doc["competencies"]:
        if comp["id"] == "communiquer-efficacement":
            comp["id"] = "communication"  # same label, other id: the id is kept
            comp["label"]["fr"] = "COMMUNIQUER efficacement"
            comp["levels"] = {1: "Un autre texte pour le niveau 1", 2: comp["levels"][2],
                              3: comp["levels"][3]}
    comp_file.write_text(yaml.safe_dump(doc, allow_unicode=True), "utf-8")
    job_file = copy / "jobs" / "office-manager.yaml"
    job_file.write_text(job_file.read_text("utf-8").replace(
        "competency: communiquer-efficacement", "competency: communication"), "utf-8")
    result = run(runner, seed_page, "-o", copy)
    assert result.exit_code == 0, result.output
    assert "     88  warning  conflicting-descriptor: level 1 of 'Communiquer efficacement'" \
        in result.stdout
    ref = load(copy)
    comp = ref.competency("communication")
    assert comp is not None and ref.competency("communiquer-efficacement") is None
    assert comp.levels[1] == "Un autre texte pour le niveau 1"  # not overwritten
    assert comp.levels[4].startswith("Coordonner")  # added where missing
    assert len(comp.levels) == 4
    job = ref.job("office-manager")
    assert job is not None and job.requirements[0].competency == "communication"


def test_several_pages_share_competencies_and_link_by_id(tmp_path: Path, seed_page: Path,
                                                         runner: CliRunner) -> None:
    out = tmp_path / "ref"
    result = run(runner, seed_page, PAGES / "kitchen_sink.txt", "-o", out, *ISSUED)
    assert result.exit_code == 0, result.output
    ref = load(out)
    sink = ref.job("charge-de-production-evenementielle")
    assert sink is not None
    assert [m.target or m.target_label for m in sink.mobility] == [
        "Régisseur général", "office-manager", "Chef de projet événementiel"]
    logistics = [c for c in ref.competencies if c.label["fr"].startswith("Gérer la logistique")]
    assert len(logistics) == 1
    assert validation.validate([out]).ok


# ------------------------------------------------------------------------- variants


def test_kitchen_sink_variant(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "ref"
    result = run(runner, PAGES / "kitchen_sink.txt", "-o", out, *ISSUED,
                 "--base", "https://example.org/events/", "--publisher", "Observatoire")
    assert result.exit_code == 0, result.output
    ref = load(out)
    assert ref.dataset.base_iri == "https://example.org/events/"
    assert ref.dataset.publisher.name == "Observatoire"
    assert ref.dataset.languages == ["fr", "de", "en"]
    job = ref.job("charge-de-production-evenementielle")
    assert job is not None
    assert job.title == {"fr": "Chargé de production événementielle"}
    assert job.family is not None and job.family.id == "evenementiel-spectacle"
    assert job.alt_titles == {"fr": ["Chargée de production", "Régisseur de production",
                                     "Coordinateur événementiel"],
                              "en": ["Event producer"], "de": ["Veranstaltungsproduzent"]}
    assert job.purpose is not None and job.purpose.count("\n\n") == 1
    assert [m.title for m in job.missions] == ["Préparer la production", "Piloter l'événement"]
    assert job.missions[0].text.endswith("\n\nIl constitue les équipes techniques.")
    assert job.working_conditions.relations.internal == ["Chef de projet",
                                                         "Directeur de production"]
    levels = {c.id: c.levels for c in ref.competencies}
    assert levels["gerer-la-logistique-d-un-evenement-d-un-projet-ou-d-un-chantier"][3] == (
        "Dimensionner les besoins de matériels et organiser la gestion des stocks et des flux")
    assert levels["negocier-avec-des-prestataires"].keys() == {1, 2}
    assert levels["assurer-la-securite-du-public"] == {}
    assert levels["piloter-un-budget"].keys() == {4}
    reqs = {r.competency: (r.expected_level, r.example) for r in job.requirements}
    assert reqs["assurer-la-securite-du-public"] == (None, None)
    assert reqs["piloter-un-budget"] == (None, None)
    assert reqs["negocier-avec-des-prestataires"][0] == 2
    assert job.certifications.branch == [
        "Certificat de qualification professionnelle Chargé de production"]
    assert job.certifications.outside_branch == [
        "Titre professionnel Chargé de projet événementiel (RNCP)", "BTS Tourisme"]
    assert all(m.direction is None and m.proximity is None for m in job.mobility)
    assert len(job.trends) == 2
    assert [(r.label, r.url) for r in job.further_reading] == [
        ("Observatoire des métiers de l'événement", "https://example.org/observatoire"),
        ("Guide des métiers du spectacle", None)]
    codes = [line.split()[2].rstrip(":") for line in result.stdout.splitlines()
             if line.startswith("  ")]
    assert codes == ["duplicate-block", "duplicate-block", "incomplete-level-descriptors",
                     "example-names-other-job", "missing-level-descriptors",
                     "unknown-expected-level", "incomplete-level-descriptors",
                     "unknown-expected-level"]


def test_minimal_and_empty_sections_variants(tmp_path: Path, runner: CliRunner) -> None:
    out = tmp_path / "ref"
    result = run(runner, PAGES / "minimal.txt", PAGES / "empty_sections.txt", "-o", out,
                 *ISSUED)
    assert result.exit_code == 0, result.output
    assert "0 warnings" in result.stdout
    ref = load(out)
    minimal, empty = ref.job("agent-d-accueil"), ref.job("teleconseiller")
    assert minimal is not None and empty is not None
    assert minimal.purpose == "L'agent d'accueil reçoit, renseigne et oriente le public."
    assert not (minimal.missions or minimal.requirements or minimal.mobility)
    assert empty.missions == [] and empty.mobility == [] and empty.requirements == []
    assert ref.competencies == []


def test_upper_case_title_without_presentation_line() -> None:
    page = parse_page("CHARGÉ D'ACCUEIL\nFamille : Accueil\n")
    assert page.title == "Chargé d'accueil"
    assert [i.code for i in page.findings] == ["title-case-guessed"]


def test_second_copy_without_first_subheading_is_dropped() -> None:
    page = parse_page("Présentation du métier : X\nMissions principales\nA :\nTexte a.\n"
                      "B :\nTexte b.\nTexte a.\nB :\nTexte b.\n")
    assert page.job["missions"] == [{"title": "A", "text": "Texte a."},
                                    {"title": "B", "text": "Texte b."}]
    assert [(i.code, i.line) for i in page.findings] == [("duplicate-block", 7)]


def test_slugs() -> None:
    assert slugify("Développer l'attractivité de son entreprise") == (
        "developper-l-attractivite-de-son-entreprise")
    assert slugify("Œuvrer « au » cœur !") == "oeuvrer-au-coeur"
    assert slugify("Office Manager") == "office-manager"


# ------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(("name", "message"), [
    ("empty.txt", "the file is empty"),
    ("not_a_page.txt", "not a job-sheet page"),
    ("binary.txt", "binary"),
    ("latin1.txt", "not UTF-8 (byte 0xe9 on line 1)"),
    ("unplaced.txt", "1 error(s) in the page(s); nothing written"),
])
def test_bad_input_exits_1_and_writes_nothing(tmp_path: Path, runner: CliRunner,
                                              name: str, message: str) -> None:
    out = tmp_path / "ref"
    result = run(runner, PAGES / "minimal.txt", PAGES / name, "-o", out)
    assert result.exit_code == 1, result.output
    assert message in result.stderr
    if name != "unplaced.txt":
        assert f"{(PAGES / name).as_posix()}: cannot import" in result.stderr
    else:
        assert "      5  error    unplaced-text" in result.stdout
    assert "Traceback" not in result.output
    assert not out.exists()


def test_bad_page_leaves_an_existing_referential_untouched(seed_ref: Path,
                                                           runner: CliRunner) -> None:
    before = hashes(seed_ref)
    result = run(runner, PAGES / "kitchen_sink.txt", PAGES / "latin1.txt", "-o", seed_ref)
    assert result.exit_code == 1
    assert hashes(seed_ref) == before


def test_bad_base_is_a_usage_error(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, PAGES / "minimal.txt", "-o", tmp_path / "r", "--base", "no-slash")
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "r").exists()


def test_dry_run_writes_nothing(tmp_path: Path, runner: CliRunner) -> None:
    result = run(runner, PAGES / "minimal.txt", "-o", tmp_path / "r", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would write" in result.stderr
    assert not (tmp_path / "r").exists()


def test_decode_page_refuses_control_characters() -> None:
    with pytest.raises(NotAPage, match="binary"):
        decode_page(b"Pr\x01sentation")


def test_expected_level_without_descriptor_is_refused(tmp_path: Path, runner: CliRunner) -> None:
    page = tmp_path / "page.txt"
    page.write_text("Présentation du métier : Agent\nCompétences et niveaux attendus\n"
                    "Macro compétences : Accueillir\n1\nAccueillir le public\n"
                    "Niveau attendu : 3\n", "utf-8")
    result = run(runner, page, "-o", tmp_path / "r")
    assert result.exit_code == 1, result.output
    assert "      6  error    level-not-defined: expected level 3 of 'Accueillir'" in result.stdout
    assert not (tmp_path / "r").exists()


# ------------------------------------------------------------------ property: round trip

WORDS = ["gérer", "le", "projet", "équipe", "client", "budget", "œuvre", "accueil", "d'un",
         "service", "qualité", "réseau", "sécurité", "planning", "données", "à", "et"]


def _render(sheet: dict[str, Any], twice: bool) -> str:
    """A page in the publisher's layout for ``sheet`` (missions rendered twice if asked)."""
    out = [*("Présentation du métier", "Contexte de travail", "Certifications"),
           sheet["title"].upper(), "Autres appellations en français",
           *(f"- {t}" for t in sheet["alt"]),
           f"Présentation du métier : {sheet['title']}", "Finalité du métier", sheet["purpose"],
           "Missions principales"]
    missions = [line for title, text in sheet["missions"] for line in (f"{title} :", text)]
    out += missions + (missions[1:] if twice and missions else [])
    out += ["Conditions de travail", "Les relations professionnelles", "Relations internes",
            *(f"- {r}," for r in sheet["internal"]),
            "Compétences et niveaux attendus en 4 niveaux cumulés"]
    for label, levels, expected, example in sheet["competencies"]:
        out += ["Macro compétences :", label, "Niveaux et compétences attendues :"]
        for n, text in sorted(levels.items()):
            out += [str(n), *text]  # a descriptor over one or more lines
        if expected:
            out.append(f"Niveau attendu : {expected}")
        if example:
            out += ["Exemple concret d'activité pour le niveau attendu :", example]
    out += ["Certifications", "Liste des certifications", "Branche",
            *(f"- {c}" for c in sheet["branch"]),
            "Proximité(s)/évolution(s) envisageables", "Proximité forte", sheet["title"],
            *sheet["mobility"]]
    return "\n".join(out) + "\n"


def _sentence(draw: Any, st: Any, n: int = 3) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=n, max_size=n + 6))
    return " ".join(words).capitalize() + "."


def test_generated_pages_round_trip() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    @st.composite
    def sheets(draw: Any) -> dict[str, Any]:
        label = st.builds(lambda ws: " ".join(ws).capitalize() + " " + str(len(ws)),
                          st.lists(st.sampled_from(WORDS), min_size=2, max_size=5))
        para = st.builds(lambda a, b: f"{a} {b}", label, label).map(lambda s: s + ".")
        levels = st.dictionaries(st.integers(1, 4), st.lists(label, min_size=1, max_size=3),
                                 max_size=4)
        comps = draw(st.lists(st.tuples(label, levels), max_size=5,
                              unique_by=lambda c: c[0].casefold()))
        return {
            "title": draw(label), "purpose": draw(para),
            "alt": draw(st.lists(label, max_size=4, unique=True)),
            "missions": draw(st.lists(st.tuples(label, para), max_size=5,
                                      unique_by=(lambda m: m[0], lambda m: m[1]))),
            "internal": draw(st.lists(label, max_size=4, unique=True)),
            "competencies": [
                (c, lv, draw(st.sampled_from([None, *sorted(lv)])), draw(st.none() | para))
                for c, lv in comps],
            "branch": draw(st.lists(label, max_size=3, unique=True)),
            "mobility": draw(st.lists(label, max_size=5, unique_by=str.casefold)),
        }

    @settings(max_examples=150, deadline=None)
    @given(sheets(), st.booleans())
    def check(sheet: dict[str, Any], twice: bool) -> None:
        mobility = [m for m in sheet["mobility"] if m.casefold() != sheet["title"].casefold()]
        page = parse_page(_render(sheet, twice))
        assert [i for i in page.findings if i.severity == "error"] == []
        job = page.job
        assert job["title"] == {"fr": sheet["title"]}
        assert job.get("alt_titles", {}).get("fr", []) == sheet["alt"]
        assert job["purpose"] == sheet["purpose"]
        assert job["missions"] == [{"title": t, "text": x} for t, x in sheet["missions"]]
        assert job["working_conditions"]["relations"]["internal"] == sheet["internal"]
        assert [(c.label, c.levels, c.expected_level, c.example) for c in page.competencies] \
            == [(label, {n: " ".join(t) for n, t in lv.items()}, exp, ex)
                for label, lv, exp, ex in sheet["competencies"]]
        assert job["certifications"].get("branch", []) == sheet["branch"]
        assert [label for _, label in page.mobility] == mobility
        duplicated = twice and len(sheet["missions"]) > 0
        assert any(i.code == "duplicate-block" for i in page.findings) == duplicated

    check()


def test_typographic_apostrophe_is_the_same_competency(tmp_path: Path, seed_page: Path,
                                                       runner: CliRunner) -> None:
    out = tmp_path / "ref"
    assert run(runner, seed_page, "-o", out, *ISSUED).exit_code == 0
    page = tmp_path / "page.txt"
    page.write_text("Présentation du métier : Assistant export\nCompétences et niveaux "
                    "attendus\nMacro compétences : Utiliser l’anglais en contexte "
                    "professionnel\n1\nLire un courriel simple en anglais\n", "utf-8")
    result = run(runner, page, "-o", out)
    assert result.exit_code == 0, result.output
    ref = load(out)
    comp = ref.competency("utiliser-l-anglais-en-contexte-professionnel")
    assert comp is not None and comp.levels == {1: "Lire un courriel simple en anglais"}
    assert len(ref.competencies) == 12
