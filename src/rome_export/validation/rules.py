"""Checks beyond the schema: referential integrity (layer 2) and content (layer 3).

Integrity problems are errors: the outputs would be wrong (two files claiming one IRI, a
requirement pointing at nothing). Content problems are warnings unless ``--strict``: the
data is publishable but probably not what the publisher meant (a descriptor cut short on
the source page, an example that talks about another job).

Each rule yields ``Finding`` s — an issue plus the path of the YAML node it is about — so
that the caller can locate them in the source files.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from rome_export.model import Competency, JobSheet
from rome_export.sources import Loaded
from rome_export.validation.report import Issue, Severity, format_path


@dataclass(frozen=True, slots=True)
class Finding:
    issue: Issue
    parts: tuple[str | int, ...]


def _finding(
    code: str, severity: Severity, message: str, file: str | None, *parts: str | int
) -> Finding:
    return Finding(
        Issue(code, severity, message, file, None, None, format_path(parts) or None), parts
    )


E, W = Severity.ERROR, Severity.WARNING


# ------------------------------------------------------------------------ integrity


def integrity(loaded: Loaded) -> Iterator[Finding]:
    comp_file = loaded.competencies_file
    seen_comp: dict[str, int] = {}
    for pos, comp in zip(loaded.competency_positions, loaded.competencies, strict=True):
        if comp.id in seen_comp:
            yield _finding(
                "duplicate-id",
                E,
                f"competency id '{comp.id}' is already used by competencies[{seen_comp[comp.id]}]",
                comp_file,
                "competencies",
                pos,
                "id",
            )
        else:
            seen_comp[comp.id] = pos

    competencies = {c.id: c for c in loaded.competencies}
    # A lone job file is checked without its competencies; a whole referential folder is
    # not, even with no competencies.yaml at all (its sheets would point nowhere).
    check_refs = comp_file is not None or loaded.root is not None
    job_ids: dict[str, str] = {}
    for job, file in zip(loaded.jobs, loaded.job_sources, strict=True):
        if job.id in job_ids:
            yield _finding(
                "duplicate-id",
                E,
                f"job id '{job.id}' is already used by {job_ids[job.id]}",
                file,
                "id",
            )
        else:
            job_ids[job.id] = file
        stem = PurePosixPath(file).stem
        if stem != job.id:
            yield _finding(
                "id-filename-mismatch",
                E,
                f"id '{job.id}' does not match the file "
                f"name '{stem}' (a sheet lives in jobs/<id>.yaml)",
                file,
                "id",
            )

    families: dict[str, tuple[dict[str, str], str]] = {}
    for job, file in zip(loaded.jobs, loaded.job_sources, strict=True):
        yield from _job_integrity(job, file, competencies, job_ids, check_refs)
        if job.family is not None:
            first = families.setdefault(job.family.id, (job.family.label, file))
            if first[0] != job.family.label:
                yield _finding(
                    "family-label-conflict",
                    W,
                    f"family '{job.family.id}' has other labels in {first[1]}",
                    file,
                    "family",
                    "label",
                )


def _job_integrity(
    job: JobSheet,
    file: str,
    competencies: dict[str, Competency],
    job_ids: dict[str, str],
    check_refs: bool,
) -> Iterator[Finding]:
    seen: set[str] = set()
    for i, req in enumerate(job.requirements):
        if req.competency in seen:
            yield _finding(
                "duplicate-requirement",
                E,
                f"competency '{req.competency}' is required twice",
                file,
                "requirements",
                i,
                "competency",
            )
        seen.add(req.competency)
        comp = competencies.get(req.competency)
        if comp is None:
            if check_refs:
                yield _finding(
                    "unknown-competency",
                    E,
                    f"competency '{req.competency}' is not in competencies.yaml"
                    + ("" if competencies else " (it is missing or empty)"),
                    file,
                    "requirements",
                    i,
                    "competency",
                )
            continue
        if req.expected_level is not None and comp.levels and req.expected_level not in comp.levels:
            defined = ", ".join(str(n) for n in sorted(comp.levels))
            yield _finding(
                "level-not-defined",
                E,
                f"expected level {req.expected_level} is not "
                f"defined for '{comp.id}' (defined: {defined})",
                file,
                "requirements",
                i,
                "expected_level",
            )
    yield from _duplicate_mappings(job, file)
    for i, link in enumerate(job.mobility):
        if link.target is None:
            continue
        if link.target == job.id:
            yield _finding(
                "self-mobility",
                E,
                "a mobility link points at its own sheet",
                file,
                "mobility",
                i,
                "target",
            )
        elif link.target not in job_ids:
            yield _finding(
                "unknown-mobility-target",
                E,
                f"mobility target '{link.target}' is "
                "not a sheet of the referential (use target_label for a job outside "
                "it)",
                file,
                "mobility",
                i,
                "target",
            )


def _duplicate_mappings(job: JobSheet, file: str) -> Iterator[Finding]:
    """One mapping per code or IRI and catalogue: the exports mint one node per target
    (``job/{id}/mapping/esco/{uuid}``…), so two would merge into one node with two match
    types and two positions, against the shapes (and a sheet cannot be both a broadMatch
    and a relatedMatch of one concept)."""
    catalogues: tuple[tuple[str, list[str]], ...] = (
        ("rome", [m.code for m in job.mappings.rome]),
        ("esco", [m.iri for m in job.mappings.esco]),
        ("isco", [m.code for m in job.mappings.isco]),
    )
    for catalogue, keys in catalogues:
        seen: set[str] = set()
        for i, key in enumerate(keys):
            if key in seen:
                yield _finding(
                    "duplicate-mapping",
                    E,
                    f"'{key}' is mapped twice in {catalogue} (keep one mapping, with one match "
                    "type)",
                    file,
                    "mappings",
                    catalogue,
                    i,
                )
            seen.add(key)


# -------------------------------------------------------------------------- content

_TRAILING = (",", ";", "(", "[", "«", "-", "–", "/", "&")
_DANGLING = {
    "et",
    "ou",
    "de",
    "des",
    "du",
    "la",
    "le",
    "les",
    "à",
    "en",
    "pour",
    "avec",
    "and",
    "or",
    "of",
    "the",
    "to",
    "with",
}
_PAIRS = (("(", ")"), ("[", "]"), ("«", "»"))


def text_defect(text: str) -> tuple[str, str] | None:
    """(code, reason) when a text looks cut short or has unbalanced brackets."""
    stripped = text.rstrip()
    if not stripped:
        return None
    last_word = stripped[stripped.rfind(" ") + 1 :].lower()
    bracketed = any(a in stripped or b in stripped for a, b in _PAIRS)  # most texts: none
    open_pairs = (
        [a for a, b in _PAIRS if stripped.count(a) > stripped.count(b)] if bracketed else []
    )
    if stripped.endswith(_TRAILING) or last_word in _DANGLING:
        extra = f", and '{open_pairs[0]}' is never closed" if open_pairs else ""
        return "truncated-text", f"text looks cut short: it ends with '{stripped[-12:]}'{extra}"
    if bracketed and (open_pairs or any(stripped.count(b) > stripped.count(a) for a, b in _PAIRS)):
        return "unbalanced-text", "text has unbalanced brackets"
    return None


_COMBINING = re.compile("[\u0300-\u036f]+")
_WORD = re.compile(r"[a-z0-9]+")


def _fold(text: str) -> list[str]:
    """Words of a text without case, accents or punctuation, for name matching."""
    # Regexes, not a per-character loop: this runs on every example (PERFORMANCE).
    return _WORD.findall(_COMBINING.sub("", unicodedata.normalize("NFKD", text.casefold())))


def _paragraphs(job: JobSheet) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    if job.purpose:
        yield job.purpose, ("purpose",)
    for i, m in enumerate(job.missions):
        yield m.text, ("missions", i, "text")
    for i, t in enumerate(job.work_context.specific_variables):
        yield t.text, ("work_context", "specific_variables", i, "text")
    for i, t in enumerate(job.work_context.organisational_contexts):
        yield t.text, ("work_context", "organisational_contexts", i, "text")
    wc = job.working_conditions
    if wc.rhythm:
        yield wc.rhythm, ("working_conditions", "rhythm")
    if wc.travel:
        yield wc.travel, ("working_conditions", "travel")
    for i, r in enumerate(job.requirements):
        if r.example:
            yield r.example, ("requirements", i, "example")
    for i, trend in enumerate(job.trends):
        yield trend, ("trends", i)


def content(loaded: Loaded) -> Iterator[Finding]:
    comp_file = loaded.competencies_file
    for pos, comp in zip(loaded.competency_positions, loaded.competencies, strict=True):
        yield from _competency_content(comp, comp_file, pos)

    titles = _title_index(t for job in loaded.jobs for t in job.title.values())
    for n, (job, file) in enumerate(zip(loaded.jobs, loaded.job_sources, strict=True)):
        if n not in loaded.partial_jobs:  # a sheet with schema errors: its content later
            yield from _job_content(job, file, titles)


def _competency_content(comp: Competency, file: str | None, pos: int) -> Iterator[Finding]:
    where = ("competencies", pos)
    label = comp.label.get("fr", comp.id)
    if not comp.levels:
        yield _finding(
            "missing-level-descriptors",
            W,
            f"'{label}' has no level descriptors",
            file,
            *where,
            "levels",
        )
    elif len(comp.levels) < 4:
        missing = ", ".join(str(n) for n in range(1, 5) if n not in comp.levels)
        yield _finding(
            "incomplete-level-descriptors",
            W,
            f"'{label}' has no descriptor for level(s) {missing}",
            file,
            *where,
            "levels",
        )
    seen: dict[str, int] = {}
    for level, text in sorted(comp.levels.items()):
        defect = text_defect(text)
        if defect:
            yield _finding(
                defect[0],
                W,
                f"'{label}', level {level}: {defect[1]}",
                file,
                *where,
                "levels",
                level,
            )
        key = " ".join(text.split()).casefold()
        if key in seen:
            yield _finding(
                "duplicate-text",
                W,
                f"'{label}': level {level} repeats level {seen[key]}",
                file,
                *where,
                "levels",
                level,
            )
        seen.setdefault(key, level)


TitleIndex = dict[tuple[str, str], list[tuple[tuple[str, ...], str]]]


def _title_index(titles: Iterable[str]) -> TitleIndex:
    """First two words → [(words, title)]: titles of one word are too common to flag."""
    index: TitleIndex = {}
    for title in titles:
        words = tuple(_fold(title))
        if len(words) >= 2:
            index.setdefault((words[0], words[1]), []).append((words, title))
    return index


def _job_content(job: JobSheet, file: str, titles: TitleIndex) -> Iterator[Finding]:
    for i, req in enumerate(job.requirements):
        if req.expected_level is None:
            yield _finding(
                "unknown-expected-level",
                W,
                f"no expected level for '{req.competency}'",
                file,
                "requirements",
                i,
            )

    # exact copies are what pages repeat; a dict of the texts finds them in one pass
    paragraphs = [(text, parts, text.strip()) for text, parts in _paragraphs(job)]
    counts = Counter(key for _, _, key in paragraphs)
    reported: set[str] = set()
    for text, parts, key in paragraphs:
        defect = text_defect(text)
        if defect:
            yield _finding(defect[0], W, defect[1], file, *parts)
        if counts[key] > 1 and key not in reported:
            reported.add(key)
            yield _finding(
                "duplicate-text",
                W,
                f"this text appears {counts[key]} times in the sheet",
                file,
                *parts,
            )

    own = {tuple(_fold(t)) for t in job.title.values()}
    own |= {tuple(_fold(t)) for ts in job.alt_titles.values() for t in ts}
    local = _title_index(link.target_label for link in job.mobility if link.target_label)
    for i, req in enumerate(job.requirements):
        if not req.example:
            continue
        named = _names_in(_fold(req.example), own, titles, local)
        if named:
            yield _finding(
                "example-names-other-job",
                W,
                f"the example names another job: '{named}' (was it copied from another sheet?)",
                file,
                "requirements",
                i,
                "example",
            )


def _names_in(words: list[str], own: set[tuple[str, ...]], *indexes: TitleIndex) -> str | None:
    """The first title of another job (or mobility target) that the words contain."""
    pairs = list(itertools.pairwise(words))
    for index in indexes:  # C-speed filter: most examples name no title at all
        if not index.keys().isdisjoint(pairs):
            break
    else:
        return None
    hits = set().union(*(index.keys() & set(pairs) for index in indexes))
    for start, key in enumerate(pairs):
        if key not in hits:
            continue
        for index in indexes:
            for candidate, title in index.get(key, ()):
                if (
                    candidate not in own
                    and tuple(words[start : start + len(candidate)]) == candidate
                ):
                    return title
    return None
