"""Write accepted link candidates into the sheets' YAML, changing nothing else.

A sheet is a file people review in diffs, with comments and a chosen key order. Dumping
it again, even with ruamel.yaml's round trip, rewrites things nobody asked to change
(``null`` becomes an empty value, comments that precede a key stick to the item before
it). So ruamel.yaml parses the file to find *where* the mappings go (its round-trip nodes
know the line of every key and item), and the new lines are spliced into the original
text: the diff of an accepted file shows added mapping lines only. The result is parsed
and validated against the model before the file is replaced (atomically).

Re-accepting a mapping already in the file (same catalogue, same code or IRI) adds nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from rome_export.errors import InvalidData, OperationalError, UsageError
from rome_export.link import Candidate, Catalogue, Linker
from rome_export.model import (
    ESCO_OCCUPATION_PATTERN,
    ISCO_PATTERN,
    ROME_PATTERN,
    JobSheet,
    Referential,
)
from rome_export.util import atomic_write

AGENT = "suggested by rome-export link"
KEY_FIELD = {"rome": "code", "esco": "iri", "isco": "code"}
_ORDER = ("rome", "esco", "isco")
# Top-level keys that come after ``mappings`` in a sheet (model order).
_AFTER_MAPPINGS = ("source", "modified")
_COMMENT_OR_BLANK = re.compile(r"^\s*(#.*)?$")


@dataclass(frozen=True, slots=True)
class Outcome:
    job_id: str
    catalogue: str
    code_or_iri: str
    added: bool
    reason: str


def mapping_entry(candidate: Candidate, version: str | None, date: dt.date) -> dict[str, Any]:
    """The YAML mapping item for an accepted candidate, with its provenance."""
    provenance: dict[str, Any] = {"agent": AGENT}
    if version:
        provenance["catalogue_version"] = version
    provenance["date"] = date
    entry: dict[str, Any] = {KEY_FIELD[candidate.catalogue]: candidate.code_or_iri}
    entry["match"] = candidate.match
    if candidate.label:
        entry["label"] = candidate.label
    entry["provenance"] = provenance
    return entry


def _scalar(value: Any) -> str:
    text: str = yaml.safe_dump(value, allow_unicode=True, width=1_000_000)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def _render(entry: dict[str, Any], dash_col: int, step: int) -> list[str]:
    lines: list[str] = []

    def emit(mapping: dict[str, Any], col: int, first_prefix: str) -> None:
        for i, (key, value) in enumerate(mapping.items()):
            lead = first_prefix if i == 0 else " " * col
            if isinstance(value, dict):
                lines.append(f"{lead}{key}:\n")
                emit(value, col + step, " " * (col + step))
            else:
                lines.append(f"{lead}{key}: {_scalar(value)}\n")

    emit(entry, dash_col + 2, " " * dash_col + "- ")
    return lines


def _flow(node: Any) -> bool:
    """True for a ruamel.yaml node written in flow style (``{}``, ``[a, b]``)."""
    return bool(node.fa.flow_style())


def _key_position(node: Any, key: str) -> tuple[int, int]:
    line, col = node.lc.key(key)
    return int(line), int(col)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


class _Sheet:
    """The original lines of one sheet and the ruamel.yaml nodes that locate them."""

    def __init__(self, path: Path) -> None:
        from ruamel.yaml import YAML

        self.path = path
        try:
            self.text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise OperationalError(f"cannot read {path}: {exc}") from exc
        try:
            self.doc = YAML(typ="rt").load(self.text)
        except Exception as exc:  # ruamel's errors share no base class worth naming
            raise InvalidData(f"{path}: not valid YAML ({exc})") from exc
        if not isinstance(self.doc, dict):
            raise InvalidData(f"{path}: expected a mapping at the top of the sheet")
        self.lines = self.text.splitlines(keepends=True)
        if self.lines and not self.lines[-1].endswith("\n"):
            self.lines[-1] += "\n"
        self.inserts: list[tuple[int, list[str]]] = []

    def step(self) -> int:
        """The file's mapping indentation (2 unless a nested key says otherwise)."""
        for key in self.doc:
            value = self.doc[key]
            if isinstance(value, dict) and value and not _flow(value):
                col = _key_position(value, next(iter(value)))[1]
                return col - _key_position(self.doc, key)[1] or 2
        return 2

    def seq_offset(self) -> int:
        """0 for PyYAML's indentless ``key:\\n- item``, 2 for ``key:\\n  - item``."""
        for line_no, line in enumerate(self.lines):
            stripped = line.lstrip(" ")
            if stripped.startswith("- ") and line_no > 0:
                parent = self.lines[line_no - 1]
                if parent.rstrip().endswith(":") and not parent.lstrip().startswith("-"):
                    return _indent(line) - _indent(parent)
        return 0

    def anchor_before(self, line: int, col: int) -> int:
        """Where to insert before the key on ``line``: above the comments that introduce it."""
        while line > 0 and _COMMENT_OR_BLANK.match(self.lines[line - 1]):
            previous = self.lines[line - 1]
            if previous.strip() and _indent(previous) < col:
                break
            line -= 1
        return line

    def end_of(self, container: Any, key: str, parents: Sequence[tuple[Any, str]]) -> int:
        """The line after the last content line of ``container[key]``'s block."""
        chain = [*parents, (container, key)]
        for mapping, name in reversed(chain):
            keys = list(mapping)
            later = keys[keys.index(name) + 1 :]
            if later:
                line, col = mapping.lc.key(later[0])
                return int(self.anchor_before(line, col))
        end = len(self.lines)
        while end > 0 and _COMMENT_OR_BLANK.match(self.lines[end - 1]):
            end -= 1
        return end

    def add_all(self, entries: dict[str, list[dict[str, Any]]]) -> None:
        """Splice the entries of each catalogue (in rome, esco, isco order) into the text."""
        step, offset = self.step(), self.seq_offset()
        mappings = self.doc.get("mappings")
        if mappings is None or (isinstance(mappings, dict) and _flow(mappings)):
            if mappings:
                raise InvalidData(
                    f"{self.path}: 'mappings' is written in flow style; "
                    "write it as a block to accept candidates"
                )
            lines = ["mappings:\n"]
            for catalogue in _ORDER:
                if entries.get(catalogue):
                    lines.append(f"{' ' * step}{catalogue}:\n")
                    for entry in entries[catalogue]:
                        lines += _render(entry, step + offset, step)
            if mappings is not None:  # "mappings: {}": the one line that has to change
                line = self.doc.lc.key("mappings")[0]
                self.lines[line] = ""
                self.inserts.append((line, lines))
            else:
                self._insert_top(lines)
            return
        if not isinstance(mappings, dict):
            raise InvalidData(f"{self.path}: 'mappings' is not a mapping")
        for catalogue in _ORDER:
            if entries.get(catalogue):
                self._add(mappings, catalogue, entries[catalogue], step, offset)

    def _add(
        self, mappings: Any, catalogue: str, entries: list[dict[str, Any]], step: int, offset: int
    ) -> None:
        mcol = mappings.lc.key(next(iter(mappings)))[1] if mappings else step
        items = mappings.get(catalogue)
        if items is None or (not items and getattr(items, "fa", None) and items.fa.flow_style()):
            lines = [f"{' ' * mcol}{catalogue}:\n"]
            for entry in entries:
                lines += _render(entry, mcol + offset, step)
            if items is not None:  # "rome: []": the one line that has to change
                line = mappings.lc.key(catalogue)[0]
                self.lines[line] = ""
                self.inserts.append((line, lines))
                return
            later = [
                k for k in mappings if k in _ORDER and _ORDER.index(k) > _ORDER.index(catalogue)
            ]
            if later:
                line, col = mappings.lc.key(later[0])
                where = self.anchor_before(line, col)
            else:
                where = self.end_of(mappings, list(mappings)[-1], [(self.doc, "mappings")])
            self.inserts.append((where, lines))
            return
        first = items.lc.item(0)
        dash = self.lines[first[0]].index("-")
        lines = []
        for entry in entries:
            lines += _render(entry, dash, step)
        where = self.end_of(mappings, catalogue, [(self.doc, "mappings")])
        self.inserts.append((where, lines))

    def _insert_top(self, lines: list[str]) -> None:
        later = [k for k in self.doc if k in _AFTER_MAPPINGS]
        if later:
            line, col = self.doc.lc.key(later[0])
            self.inserts.append((self.anchor_before(line, col), lines))
        else:
            self.inserts.append((len(self.lines), lines))

    def existing(self, catalogue: str) -> set[str]:
        mappings = self.doc.get("mappings")
        items = (mappings.get(catalogue) if isinstance(mappings, dict) else None) or []
        field = KEY_FIELD[catalogue]
        return {str(item.get(field)) for item in items if isinstance(item, dict)}

    def new_text(self) -> str:
        blocks: dict[int, list[str]] = {}
        for where, block in self.inserts:  # same place: keep the order they were added in
            blocks.setdefault(where, []).extend(block)
        lines = list(self.lines)
        for where in sorted(blocks, reverse=True):
            lines[where:where] = blocks[where]
        return "".join(lines)


def _check(text: str) -> None:
    """Raise unless ``text`` is a valid sheet without repeated keys."""
    from ruamel.yaml import YAML

    try:
        YAML(typ="rt").load(text)  # refuses a repeated key, which PyYAML would let pass
    except Exception as exc:
        raise ValueError(str(exc)) from exc
    JobSheet.model_validate(yaml.safe_load(text))


def _valid(text: str) -> bool:
    try:
        _check(text)
    except (ValueError, yaml.YAMLError, ValidationError):
        return False
    return True


def accept(
    jobs_dir: Path, chosen: Iterable[Candidate], versions: dict[str, str], date: dt.date
) -> list[Outcome]:
    """Add ``chosen`` candidates to ``jobs_dir/<job_id>.yaml``; return what was done.

    Every sheet's new text is made and checked before any file is written: a sheet that
    cannot take its mappings stops the whole run with every file as it was (each file is
    then replaced atomically).
    """
    by_job: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        by_job.setdefault(candidate.job_id, []).append(candidate)
    outcomes: list[Outcome] = []
    texts: list[tuple[Path, str]] = []
    for job_id in sorted(by_job):
        path = jobs_dir / f"{job_id}.yaml"
        if not path.exists() and (jobs_dir / f"{job_id}.yml").exists():
            path = jobs_dir / f"{job_id}.yml"
        sheet = _Sheet(path)
        entries: dict[str, list[dict[str, Any]]] = {}
        for catalogue in _ORDER:
            present = sheet.existing(catalogue)
            for c in by_job[job_id]:
                if c.catalogue != catalogue:
                    continue
                if c.code_or_iri in present:
                    outcomes.append(
                        Outcome(job_id, catalogue, c.code_or_iri, False, "already mapped")
                    )
                    continue
                present.add(c.code_or_iri)
                entry = mapping_entry(c, versions.get(catalogue), date)
                entries.setdefault(catalogue, []).append(entry)
                outcomes.append(Outcome(job_id, catalogue, c.code_or_iri, True, c.match))
        if entries:
            sheet.add_all(entries)
            text = sheet.new_text()
            try:
                _check(text)
            except (ValueError, yaml.YAMLError, ValidationError) as exc:
                if not _valid(sheet.text):
                    raise InvalidData(
                        f"{path}: the sheet is not valid; fix it before accepting mappings",
                        hint="run 'rome-export validate' on it",
                    ) from exc
                raise OperationalError(
                    f"{path}: adding the mappings would make the sheet invalid ({exc}); "
                    "no file was changed"
                ) from exc
            texts.append((path, text))
    for path, text in texts:
        with atomic_write(path) as stream:
            stream.write(text.encode("utf-8"))
    return outcomes


# ---------------------------------------------------------------------- choosing


def load_linker(rome_dir: str | Path | None, esco_paths: Sequence[str | Path]) -> Linker:
    """A :class:`Linker` over the catalogues given (each read and indexed once)."""
    from rome_export.catalogues import load_esco, load_rome

    rome = load_rome(Path(rome_dir)) if rome_dir else None
    esco = load_esco([Path(p) for p in esco_paths]) if esco_paths else None
    return Linker(rome, esco)


def catalogue_of(code_or_iri: str) -> Catalogue:
    """Which catalogue a code belongs to, from its form."""
    if re.match(ROME_PATTERN, code_or_iri):
        return "rome"
    if re.match(ESCO_OCCUPATION_PATTERN, code_or_iri):
        return "esco"
    if re.match(ISCO_PATTERN, code_or_iri):
        return "isco"
    raise UsageError(
        f"'{code_or_iri}' is neither a ROME code (M1604), an ESCO occupation IRI "
        "(http://data.europa.eu/esco/occupation/...) nor an ISCO-08 code (3341)"
    )


def choose(linker: Linker, referential: Referential, choices: Iterable[str]) -> list[Candidate]:
    """Candidates for ``JOB_ID=CODE_OR_IRI`` choices, checked against the catalogues."""
    result = []
    for choice in choices:
        job_id, sep, key = choice.partition("=")
        job = referential.job(job_id.strip())
        if not sep or job is None:
            raise UsageError(
                f"--choose {choice}: expected JOB_ID=CODE_OR_IRI with a sheet id of the "
                "referential (e.g. office-manager=M1604)"
            )
        catalogue = catalogue_of(key.strip())
        candidate = linker.candidate_for(job, catalogue, key.strip())
        if candidate is None:
            known = linker.versions().get(catalogue)
            where = f"in {known}" if known else f"checked: no {catalogue} catalogue was given"
            raise UsageError(f"--choose {choice}: {key.strip()} is not {where}")
        result.append(candidate)
    return result


def top_choices(
    candidates: Iterable[Candidate], referential: Referential, threshold: float
) -> list[Candidate]:
    """The best candidate of each sheet and catalogue scoring at least ``threshold``,
    for catalogues the sheet has no mapping to yet (a reviewer's choice is kept)."""
    result: list[Candidate] = []
    seen: set[tuple[str, str]] = set()
    for c in candidates:
        if (c.job_id, c.catalogue) in seen:
            continue
        seen.add((c.job_id, c.catalogue))
        job = referential.job(c.job_id)
        if c.score < threshold or job is None or getattr(job.mappings, c.catalogue):
            continue
        result.append(c)
    return result
