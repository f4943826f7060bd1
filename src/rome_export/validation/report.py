"""Validation issues as data: what is wrong, how bad, and exactly where.

An :class:`Issue` has a stable ``code`` (a slug that scripts can rely on), a
:class:`Severity`, a plain-words ``message`` and a location: the file, the line and column of
the YAML node (1-based) and the field path (``requirements[3].expected_level``). A
:class:`Report` collects issues in a deterministic order; :mod:`.formats` renders it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Issue:
    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    path: str | None = None

    def located(self, line: int | None, column: int | None) -> Issue:
        return replace(self, line=line, column=column)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file or "", self.line or 0, self.column or 0, self.code, self.message)


def format_path(parts: Iterable[str | int]) -> str:
    """``("requirements", 3, "expected_level")`` → ``requirements[3].expected_level``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class Report:
    """An ordered collection of issues, with the counts a summary needs."""

    def __init__(self, issues: Iterable[Issue] = ()) -> None:
        self._issues: list[Issue] = list(issues)
        self.files_checked: int = 0

    def add(self, issue: Issue) -> None:
        self._issues.append(issue)

    def extend(self, issues: Iterable[Issue]) -> None:
        self._issues.extend(issues)

    @property
    def issues(self) -> list[Issue]:
        """Issues sorted by file, line, column and code: the same order on every run."""
        return sorted(self._issues, key=Issue.sort_key)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity is Severity.WARNING]

    def strict(self) -> Report:
        """The same report with every warning raised to an error (``--strict``)."""
        report = Report(replace(i, severity=Severity.ERROR) for i in self._issues)
        report.files_checked = self.files_checked
        return report

    @property
    def ok(self) -> bool:
        return not any(i.severity is Severity.ERROR for i in self._issues)

    def __iter__(self) -> Iterator[Issue]:
        return iter(self.issues)

    def __len__(self) -> int:
        return len(self._issues)

    def flat(self) -> list[tuple[str, str]]:
        """``[(path-or-file, code), …]``: handy for asserting a report in tests."""
        return [(i.path or i.file or "", i.code) for i in self.issues]
