"""Render a validation report: text (for people), json, junit, github, sarif (for CI)."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from itertools import groupby
from xml.sax.saxutils import escape, quoteattr

from rome_export import __version__
from rome_export.validation.report import Issue, Report, Severity

TOOL = "rome-export"
DOCS = "https://w3id.org/rome-export/docs/validation#"


def _where(issue: Issue) -> str:
    if issue.line is None:
        return ""
    return f"{issue.line}:{issue.column}" if issue.column else f"{issue.line}"


def _summary(report: Report) -> str:
    e, w = len(report.errors), len(report.warnings)
    verdict = "invalid" if e else "valid"
    files = f"{report.files_checked} file{'s' if report.files_checked != 1 else ''}"
    return f"{verdict}: {e} error{'s' * (e != 1)}, {w} warning{'s' * (w != 1)} in {files} checked"


def to_text(report: Report, limit: int | None = None) -> str:
    """Issues grouped by file, one per line, then a summary line.

    With ``limit``, only the first issues are listed, then a count of the rest by code.
    """
    lines: list[str] = []
    shown = report.issues if limit is None else report.issues[:limit]
    for file, issues in groupby(shown, key=lambda i: i.file or "<referential>"):
        lines.append(file)
        for i in issues:
            where = _where(i)
            path = f" [{i.path}]" if i.path else ""
            lines.append(f"  {where:>7}  {i.severity.value:<7}  {i.code}: {i.message}{path}")
        lines.append("")
    rest = report.issues[len(shown):]
    if rest:
        counts = Counter(i.code for i in rest)
        by_code = ", ".join(f"{n} {code}" for code, n in sorted(counts.items()))
        lines.append(f"… and {len(rest)} more: {by_code}")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> str:
    doc = {
        "valid": report.ok,
        "errors": len(report.errors),
        "warnings": len(report.warnings),
        "files_checked": report.files_checked,
        "issues": [
            {
                "code": i.code,
                "severity": i.severity.value,
                "message": i.message,
                "file": i.file,
                "line": i.line,
                "column": i.column,
                "path": i.path,
            }
            for i in report.issues
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def to_junit(report: Report) -> str:
    """One test suite, one test case per file checked with issues; errors are failures."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    errors = len(report.errors)
    cases = []
    for file, group in groupby(report.issues, key=lambda i: i.file or "<referential>"):
        issues = list(group)
        body = []
        for i in issues:
            tag = "failure" if i.severity is Severity.ERROR else "system-out"
            text = escape(
                f"{file}:{_where(i)} {i.code}: {i.message}" + (f" [{i.path}]" if i.path else "")
            )
            if tag == "failure":
                body.append(
                    f"      <failure type={quoteattr(i.code)} "
                    f"message={quoteattr(i.message)}>{text}</failure>"
                )
            else:
                body.append(f"      <system-out>warning {text}</system-out>")
        cases.append(
            f"    <testcase classname={quoteattr(TOOL)} name={quoteattr(file)}>\n"
            + "\n".join(body)
            + "\n    </testcase>"
        )
    n_cases = max(len(cases), 1)
    out.append(f'<testsuites name="{TOOL}" tests="{n_cases}" failures="{errors}">')
    out.append(
        f'  <testsuite name="{TOOL} validate" tests="{n_cases}" failures="{errors}" '
        f'errors="0" skipped="0">'
    )
    if cases:
        out += cases
    else:
        out.append(f'    <testcase classname="{TOOL}" name="referential"/>')
    out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _gh_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def to_github(report: Report) -> str:
    """GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=…::message``."""
    lines = []
    for i in report.issues:
        props = []
        if i.file:
            props.append(f"file={_gh_escape(i.file, True)}")
        if i.line:
            props.append(f"line={i.line}")
        if i.column:
            props.append(f"col={i.column}")
        props.append(f"title={_gh_escape(i.code, True)}")
        msg = i.message + (f" [{i.path}]" if i.path else "")
        lines.append(f"::{i.severity.value} {','.join(props)}::{_gh_escape(msg)}")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def to_sarif(report: Report) -> str:
    """SARIF 2.1.0, the format code-scanning services ingest."""
    codes = sorted({i.code for i in report.issues})
    results = []
    for i in report.issues:
        location: dict[str, object] = {"artifactLocation": {"uri": i.file or ""}}
        if i.line:
            region: dict[str, int] = {"startLine": i.line}
            if i.column:
                region["startColumn"] = i.column
            location["region"] = region
        result: dict[str, object] = {
            "ruleId": i.code,
            "level": "error" if i.severity is Severity.ERROR else "warning",
            "message": {"text": i.message},
            "locations": [{"physicalLocation": location}],
        }
        if i.path:
            result["properties"] = {"path": i.path}
        results.append(result)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL,
                        "version": __version__,
                        "informationUri": DOCS,
                        "rules": [{"id": c, "helpUri": DOCS + c} for c in codes],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


RENDERERS: dict[str, Callable[[Report], str]] = {
    "text": to_text,
    "json": to_json,
    "junit": to_junit,
    "github": to_github,
    "sarif": to_sarif,
}
