"""`rome-export validate`: the bundled data, every kind of bad input, every report format."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from rome_export.cli import main

JOB = "jobs/office-manager.yaml"


@pytest.fixture()
def ref_copy(tmp_path: Path, data_dir: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(data_dir, dest)
    return dest


def run(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def issues(runner: CliRunner, *paths: str) -> tuple[int, list[dict]]:
    code, out, _ = run(runner, "validate", "--format", "json", *paths)
    return code, json.loads(out)["issues"]


def test_bundled_data_is_valid_with_the_seed_defects_as_warnings(runner, data_dir):
    code, found = issues(runner, str(data_dir))
    assert code == 0
    flat = sorted((i["code"], i["path"]) for i in found)
    assert flat == [
        ("example-names-other-job", "requirements[0].example"),
        ("missing-level-descriptors", "competencies[11].levels"),
        ("missing-level-descriptors", "competencies[8].levels"),
        ("truncated-text", "competencies[3].levels[1]"),
        ("unknown-expected-level", "requirements[3]"),
        ("unknown-expected-level", "requirements[6]"),
    ]
    assert all(i["severity"] == "warning" and i["line"] and i["column"] for i in found)
    named = next(i for i in found if i["code"] == "example-names-other-job")
    assert "Assistant de direction" in named["message"]
    cut = next(i for i in found if i["code"] == "truncated-text")
    assert "recrutement," in cut["message"]


def test_text_output_is_grouped_by_file_and_ends_with_a_summary(runner, data_dir):
    code, out, _ = run(runner, "validate", str(data_dir))
    assert code == 0
    lines = out.splitlines()
    assert lines[-1] == "valid: 0 errors, 6 warnings in 3 files checked"
    assert any(line.endswith("competencies.yaml") for line in lines)
    assert any(line.endswith("office-manager.yaml") for line in lines)


def test_strict_turns_warnings_into_errors(runner, data_dir):
    code, out, _ = run(runner, "validate", "--strict", str(data_dir))
    assert code == 1
    assert out.splitlines()[-1].startswith("invalid: 6 errors")


def test_single_job_file_is_checked_against_its_referential(runner, data_dir):
    code, found = issues(runner, str(data_dir / JOB))
    assert code == 0
    assert {i["code"] for i in found} >= {"example-names-other-job", "unknown-expected-level"}


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), "utf-8")


BAD_EDITS = [
    # (file, old, new, expected code, expected path)
    (JOB, "id: office-manager", "id: office-manager\nid: again", "duplicate-key", None),
    (JOB, "purpose: ", "purpose: [unclosed", "yaml-syntax", None),
    (
        JOB,
        "  - competency: communiquer-efficacement\n    expected_level: 3",
        "  - competency: communiquer-efficacement\n    expected_level: 7",
        "out-of-range",
        "requirements[0].expected_level",
    ),
    (
        JOB,
        "  - competency: communiquer-efficacement\n    expected_level: 3",
        "  - competency: communiquer-efficacement\n    expected_level: '3'",
        "wrong-type",
        "requirements[0].expected_level",
    ),
    (JOB, "\npurpose:", "\npurpse:", "unknown-field", "purpse"),
    (
        JOB,
        "  - competency: communiquer-efficacement",
        "  - competency: ../x",
        "bad-format",
        "requirements[0].competency",
    ),
    (
        JOB,
        "  - competency: communiquer-efficacement",
        "  - competency: communiquer-mal",
        "unknown-competency",
        "requirements[0].competency",
    ),
    (JOB, "    - code: M1604", "    - code: M16042", "bad-format", "mappings.rome[0].code"),
    (JOB, '    - code: "3341"', "    - code: 3341", "wrong-type", "mappings.isco[0].code"),
    # two mappings to one ROME code merged into one RDF node with two match types
    # (review): an integrity error, located at the second one
    (JOB, "  rome:\n    - code: M1604",
     "  rome:\n    - code: M1604\n      match: relatedMatch\n    - code: M1604",
     "duplicate-mapping", "mappings.rome[1]"),
]


@pytest.mark.parametrize(
    ("file", "old", "new", "code", "path"), BAD_EDITS, ids=[f"{e[3]}:{e[4]}" for e in BAD_EDITS]
)
def test_bad_input_exits_1_with_its_location(runner, ref_copy, file, old, new, code, path):
    edit(ref_copy / file, old, new)
    exit_code, found = issues(runner, str(ref_copy))
    errors = [i for i in found if i["severity"] == "error"]
    assert exit_code == 1
    assert [(i["code"], i["path"]) for i in errors] == [(code, path)]
    assert errors[0]["file"].endswith(file)
    assert errors[0]["line"] is not None and errors[0]["line"] > 1


def test_unknown_field_suggests_the_closest_known_field(runner, ref_copy):
    edit(ref_copy / JOB, "\npurpose:", "\npurpse:")
    _, found = issues(runner, str(ref_copy))
    unknown = next(i for i in found if i["code"] == "unknown-field")
    assert unknown["message"] == "unknown field 'purpse'; did you mean 'purpose'?"


def test_a_bad_id_in_a_file_name_like_path_is_refused(runner, ref_copy):
    edit(ref_copy / JOB, "id: office-manager", "id: ../x")
    _, found = issues(runner, str(ref_copy))
    assert ("bad-format", "id") in [(i["code"], i["path"]) for i in found]


def test_duplicate_ids_across_files(runner, ref_copy):
    shutil.copy(ref_copy / JOB, ref_copy / "jobs" / "copy.yaml")
    code, found = issues(runner, str(ref_copy))
    assert code == 1
    codes = sorted((i["code"], Path(i["file"]).name) for i in found if i["severity"] == "error")
    assert codes == [("duplicate-id", "office-manager.yaml"), ("id-filename-mismatch", "copy.yaml")]


@pytest.mark.parametrize(
    ("content", "code", "line"),
    [
        (b"", "empty-file", 1),
        (b"# only a comment\n", "empty-file", 1),
        (b"id: caf\xe9\n", "not-utf8", 1),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary-file", 3),
        (b"- a list\n- not a mapping\n", "not-a-mapping", 1),
        (
            b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n",
            "yaml-alias",
            1,
        ),  # an alias shares its anchor's node: the anchor is located
    ],
)
def test_unreadable_files_exit_1_with_a_reason(runner, ref_copy, content, code, line):
    (ref_copy / JOB).write_bytes(content)
    exit_code, found = issues(runner, str(ref_copy))
    assert exit_code == 1
    assert [(i["code"], i["line"]) for i in found if i["severity"] == "error"] == [(code, line)]


def test_a_billion_laughs_is_refused_quickly(runner, ref_copy):
    lines = ['lol0: &l0 "lol"']
    for n in range(1, 10):
        prev = ", ".join([f"*l{n - 1}"] * 10)
        lines.append(f"lol{n}: &l{n} [{prev}]")
    (ref_copy / JOB).write_text("\n".join(lines) + "\n", "utf-8")
    exit_code, found = issues(runner, str(ref_copy))
    assert exit_code == 1
    assert [i["code"] for i in found if i["severity"] == "error"] == ["yaml-alias"]


def test_missing_path_is_a_usage_error(runner, tmp_path):
    code, _, err = run(runner, "validate", str(tmp_path / "nope"))
    assert code == 2
    assert "no such file or directory" in err
    assert "Traceback" not in err


def test_junit_output_is_well_formed(runner, ref_copy):
    edit(ref_copy / JOB, "  - competency: communiquer-efficacement", "  - competency: ../x")
    code, out, _ = run(runner, "validate", "--format", "junit", str(ref_copy))
    assert code == 1
    root = ET.fromstring(out)
    assert root.tag == "testsuites"
    failures = root.findall(".//failure")
    assert [f.get("type") for f in failures] == ["bad-format"]


def test_github_output_has_error_annotations(runner, ref_copy):
    edit(ref_copy / JOB, "  - competency: communiquer-efficacement", "  - competency: ../x")
    code, out, _ = run(runner, "validate", "--format", "github", str(ref_copy))
    assert code == 1
    error = next(line for line in out.splitlines() if line.startswith("::error "))
    assert "file=" in error and "office-manager.yaml" in error
    assert ",line=" in error and ",col=" in error and "title=bad-format::" in error


def test_sarif_output(runner, ref_copy):
    edit(ref_copy / JOB, "  - competency: communiquer-efficacement", "  - competency: ../x")
    code, out, _ = run(runner, "validate", "--format", "sarif", str(ref_copy))
    assert code == 1
    doc = json.loads(out)
    result = next(r for r in doc["runs"][0]["results"] if r["level"] == "error")
    assert result["ruleId"] == "bad-format" and result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] > 1


def test_a_sheet_with_schema_errors_still_gets_its_integrity_checked(runner, ref_copy):
    """One run reports everything: fixing one error must not reveal the next."""
    edit(ref_copy / JOB, "  - competency: communiquer-efficacement\n    expected_level: 3",
         "  - competency: communiquer-efficacement\n    expected_level: 7")
    edit(ref_copy / JOB, "  - competency: creer-et-maintenir", "  - competency: creer-et-garder")
    code, found = issues(runner, str(ref_copy))
    assert code == 1
    errors = [(i["code"], i["path"]) for i in found if i["severity"] == "error"]
    assert errors == [("out-of-range", "requirements[0].expected_level"),
                      ("unknown-competency", "requirements[1].competency")]
    # the broken sheet's content checks wait for its schema errors to be fixed
    assert not [i for i in found if i["file"].endswith(JOB) and i["severity"] == "warning"]


@pytest.mark.parametrize("engine", ["sparql", "pyshacl"])
def test_outputs_runs_the_skos_and_shacl_checks_on_the_export(runner, ref_copy, engine):
    code, found = issues(runner, "--outputs", "--shacl-engine", engine, str(ref_copy))
    assert code == 0 and {i["code"] for i in found if i["code"].startswith("skos")} == set()
    # an alternative title equal to the title: SKOS disjoint labels (qSKOS)
    edit(ref_copy / JOB, "    - Assistant RH", "    - Office Manager")
    code, found = issues(runner, "--outputs", str(ref_copy))
    clash = [i for i in found if i["code"] == "skos-disjoint-labels"]
    assert len(clash) == 1 and clash[0]["file"].endswith(JOB)
    _, found_without = issues(runner, str(ref_copy))
    assert "skos-disjoint-labels" not in {i["code"] for i in found_without}


def test_a_control_character_in_a_text_is_refused_with_its_code_point(runner, ref_copy):
    edit(ref_copy / JOB, "  - Assistant RH", '  - "Assistant\\x07RH"')
    code, found = issues(runner, str(ref_copy))
    assert code == 1
    error = next(i for i in found if i["severity"] == "error")
    assert (error["code"], error["path"]) == ("bad-format", "alt_titles.fr[0]")
    assert "U+0007" in error["message"]


def test_a_file_over_the_size_limit_is_refused_without_reading_it_all(runner, ref_copy,
                                                                       monkeypatch):
    from rome_export import sources

    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    code, found = issues(runner, str(ref_copy))
    assert code == 1
    too_large = sorted(Path(i["file"]).name for i in found if i["code"] == "file-too-large")
    assert too_large == ["competencies.yaml", "dataset.yaml", "office-manager.yaml"]


def test_an_unquoted_yaml_boolean_gets_a_hint_to_quote_it(runner, ref_copy):
    edit(ref_copy / JOB, "  - Assistant RH", "  - yes")
    _, found = issues(runner, str(ref_copy))
    error = next(i for i in found if i["severity"] == "error")
    assert error["code"] == "wrong-type" and "put it in quotes" in error["message"]


def test_text_report_with_a_limit_lists_the_first_issues_and_counts_the_rest(data_dir):
    from rome_export.validation import validate
    from rome_export.validation.formats import to_text

    text = to_text(validate([data_dir]), limit=2)
    lines = text.splitlines()
    assert sum("  warning  " in line for line in lines) == 2
    assert "… and 4 more: 1 example-names-other-job, 1 missing-level-descriptors, "\
        "2 unknown-expected-level" in lines
    assert lines[-1] == "valid: 0 errors, 6 warnings in 3 files checked"
