"""Merge parsed publisher pages into a referential directory (``rome-export import-text``).

The parser (:mod:`rome_export.importers.text`) says what a page contains; this module
decides what that changes in ``DATA_DIR`` and writes it, all or nothing.

Merging rules:
- competencies go into the shared ``competencies.yaml``. One already there with the same
  French label (NFC, case-insensitive) keeps its id; the page's descriptors fill the levels
  it lacks; a descriptor that differs from the stored one is reported
  (``conflicting-descriptor``) and not overwritten. A new competency gets the slug of its
  label as id (``-2``, ``-3``… when that id is taken by another label).
- a job sheet is ``jobs/<slug of its title>.yaml``. When it exists already, what the page
  says replaces what the file says, section by section, and nothing else: fields the
  page never carries (``code``, titles in other languages, ``title_feminine``, ``access``,
  ``mappings``, ``source``, ``modified``) are kept, and so are sections absent from the
  page. The page never erases what it does not say: a requirement whose level or
  example the page leaves unknown keeps the stored one, and a mobility link keeps its
  stored direction, proximity and sector.
- a mobility target that is a sheet of the referential (or of the same run) is linked by
  id, any other by label.
- a new ``DATA_DIR`` gets a ``dataset.yaml`` skeleton whose placeholders say so.

Nothing is written unless every page parsed without errors and the merged referential
validates. Files whose text does not change are not touched, so importing the same page
again changes no byte. A new directory is written in a temporary sibling and renamed into
place; in an existing one, each file is replaced atomically after all texts are ready.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rome_export import sources
from rome_export.errors import InvalidData, OperationalError, UsageError
from rome_export.importers.text import (
    NotAPage,
    ParsedPage,
    decode_page,
    nfc_key,
    parse_page,
    slugify,
)
from rome_export.model import Competency, Dataset, JobSheet, Referential
from rome_export.util import atomic_write, default_mode
from rome_export.validation.report import Issue, Report, Severity

DEFAULT_BASE = "https://example.org/referential/"
PLACEHOLDER = "À compléter"
PAGE_FIELDS_KEPT = ("code", "title_feminine", "access", "mappings", "source", "modified")


@dataclass
class ImportResult:
    report: Report
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    created: bool = False


def read_pages(paths: list[Path]) -> list[tuple[str, str]]:
    """(display name, text) of each page; :class:`InvalidData` naming the bad file."""
    out = []
    for path in paths:
        display = path.as_posix()
        try:
            data = path.read_bytes()
        except IsADirectoryError as exc:
            raise UsageError(f"{display}: is a directory, not a page text file") from exc
        except OSError as exc:
            raise OperationalError(f"{display}: cannot read: {exc.strerror or exc}") from exc
        try:
            out.append((display, decode_page(data)))
        except NotAPage as exc:
            raise InvalidData(f"{display}: cannot import: {exc}") from None
    return out


def import_pages(paths: list[Path], data_dir: Path, *, base: str | None = None,
                 publisher: str | None = None, issued: dt.date | None = None,
                 dry_run: bool = False) -> ImportResult:
    """Import pages into ``data_dir`` (created when new); return the findings and files."""
    texts = read_pages(paths)
    existing = _load_existing(data_dir)
    known = {nfc_key(j.title["fr"]): j.id for j in existing.jobs} if existing else {}
    pages: list[ParsedPage] = []
    for display, text in texts:  # a first pass for the titles of every page of the run
        try:
            pages.append(parse_page(text, file=display))
        except NotAPage as exc:
            raise InvalidData(f"{display}: cannot import: {exc}") from None
    titles = tuple(sorted({*(j.title["fr"] for j in existing.jobs), *(p.title for p in pages)}
                          if existing else {p.title for p in pages}))
    pages = [parse_page(text, file=display, other_titles=titles) for display, text in texts]
    report = Report(i for p in pages for i in p.findings)
    report.files_checked = len(pages)
    ids: dict[str, str] = {}
    for page, (display, _) in zip(pages, texts, strict=True):
        job_id = page.job["id"]
        if job_id in ids:
            report.add(Issue("duplicate-page", Severity.ERROR, f"this page is the same sheet "
                             f"({job_id!r}) as {ids[job_id]}", display, 1))
        ids[job_id] = display
        known[nfc_key(page.title)] = job_id
    if not report.ok:
        raise InvalidData(f"{len(report.errors)} error(s) in the page(s); nothing written",
                          report)

    competencies = list(existing.competencies) if existing else []
    jobs = {j.id: j for j in existing.jobs} if existing else {}
    for page in pages:
        requirements = _merge_competencies(page, competencies, report)
        old = jobs.get(page.job["id"])
        jobs[page.job["id"]] = _merge_job(page, old, requirements, known, report)
    if not report.ok:
        raise InvalidData(f"{len(report.errors)} error(s) in the page(s); nothing written",
                          report)
    dataset = existing.dataset if existing else _skeleton(pages, base, publisher, issued)
    try:
        referential = Referential.model_validate({
            "dataset": dataset.model_dump(), "competencies": [c.model_dump() for c in competencies],
            "jobs": [j.model_dump() for j in jobs.values()]})
    except ValidationError as exc:  # a page whose text the model refuses (e.g. a bad slug)
        raise InvalidData(f"the imported sheets are not valid: {exc.errors()[0]['msg']}",
                          report) from None
    _check_integrity(referential, report)
    result = ImportResult(report, jobs=[p.job["id"] for p in pages], created=existing is None)
    # Only what the import changes is rewritten: a hand-written file whose content is
    # already what the page says keeps its comments and layout.
    changed_jobs = [job_id for job_id in result.jobs
                    if existing is None or existing.job(job_id) != referential.job(job_id)]
    comps_changed = existing is None or _by_id(existing.competencies) != _by_id(competencies)
    files = _texts(referential, changed_jobs, competencies=comps_changed, new=existing is None,
                   given={"base_iri:": bool(base), "publisher:": bool(publisher)})
    result.unchanged = [data_dir / sources.JOBS_DIR / f"{j}.yaml" for j in result.jobs
                        if j not in changed_jobs]
    if not comps_changed:
        result.unchanged.append(data_dir / sources.COMPETENCIES_FILE)
    _write(data_dir, files, result, dry_run=dry_run)
    return result


def _load_existing(data_dir: Path) -> Referential | None:
    if not data_dir.exists() or (data_dir.is_dir() and not any(data_dir.iterdir())):
        return None
    if not data_dir.is_dir():
        raise UsageError(f"{data_dir}: exists and is not a directory")
    return sources.load(data_dir)


def _merge_competencies(page: ParsedPage, competencies: list[Competency],
                        report: Report) -> list[dict[str, Any]]:
    """Put the page's competencies into the shared list; return the sheet's requirements."""
    by_label = {nfc_key(c.label["fr"]): i for i, c in enumerate(competencies)}
    taken = {c.id for c in competencies}
    requirements = []
    for pc in page.competencies:
        index = by_label.get(nfc_key(pc.label))
        if index is None:
            base_id = slugify(pc.label)
            new_id, n = base_id, 1
            while new_id in taken:
                n += 1
                new_id = f"{base_id}-{n}"
            if new_id != base_id:
                report.add(Issue("competency-id-taken", Severity.WARNING, f"id {base_id!r} "
                                 f"belongs to another label: {pc.label!r} gets {new_id!r}",
                                 page.file, pc.line))
            competencies.append(Competency(id=new_id, label={"fr": pc.label}, levels=pc.levels))
            taken.add(new_id)
            by_label[nfc_key(pc.label)] = len(competencies) - 1
            comp_id = new_id
        else:
            stored = competencies[index]
            levels = dict(stored.levels)
            for level, text in sorted(pc.levels.items()):
                if level not in levels:
                    levels[level] = text
                elif nfc_key(levels[level]) != nfc_key(text):
                    report.add(Issue(
                        "conflicting-descriptor", Severity.WARNING,
                        f"level {level} of {pc.label!r} differs from competencies.yaml "
                        f"({stored.id}); the stored text is kept: {levels[level]!r}",
                        page.file, pc.level_lines[level]))
            if levels != stored.levels:
                competencies[index] = stored.model_copy(update={"levels": dict(sorted(
                    levels.items()))})
            comp_id = stored.id
        levels_now = competencies[by_label[nfc_key(pc.label)]].levels
        if pc.expected_level is not None and levels_now and pc.expected_level not in levels_now:
            report.add(Issue("level-not-defined", Severity.ERROR, f"expected level "
                             f"{pc.expected_level} of {pc.label!r} has no descriptor (defined: "
                             f"{', '.join(map(str, sorted(levels_now)))})",
                             page.file, pc.expected_line))
        requirements.append({"competency": comp_id, "expected_level": pc.expected_level,
                             **({"example": pc.example} if pc.example else {})})
    return requirements


def _merge_job(page: ParsedPage, old: JobSheet | None, requirements: list[dict[str, Any]],
               known: dict[str, str], report: Report) -> JobSheet:
    new = dict(page.job)
    if "competencies" in page.sections:
        new["requirements"] = requirements
    if "mobility" in page.sections:
        new["mobility"] = [{"target": known[nfc_key(label)]} if nfc_key(label) in known
                           else {"target_label": label} for _, label in page.mobility]
    if old is None:
        return JobSheet.model_validate(new)
    stored = old.model_dump()
    merged = _deep_merge(stored, new)
    merged["requirements"] = _keep_known(stored["requirements"], merged["requirements"],
                                         ("competency",), ("expected_level", "example"))
    merged["mobility"] = _keep_known(stored["mobility"], merged["mobility"],
                                     ("target", "target_label"),
                                     ("direction", "proximity", "sector"))
    return JobSheet.model_validate(merged)


def _deep_merge(stored: dict[str, Any], page: dict[str, Any]) -> dict[str, Any]:
    """The page's values over the stored ones; mappings merge key by key (so ``title.en``
    or ``work_context.organisational_contexts`` survive a page that lacks them)."""
    out = dict(stored)
    for key, value in page.items():
        if isinstance(value, dict) and isinstance(stored.get(key), dict):
            out[key] = _deep_merge(stored[key], value)
        else:
            out[key] = value
    return out


def _keep_known(stored: list[dict[str, Any]], items: list[dict[str, Any]],
                keys: tuple[str, ...], kept: tuple[str, ...]) -> list[dict[str, Any]]:
    """Fill the unknowns (None) of ``items`` from the stored item with the same key."""
    def key(item: dict[str, Any]) -> str:
        return next(nfc_key(str(item[k])) for k in keys if item.get(k) is not None)

    index = {key(item): item for item in stored}
    out = []
    for item in items:
        previous = index.get(key(item))
        if previous is not None:
            item = {**previous, **item, **{k: previous.get(k) for k in kept
                                           if item.get(k) is None}}
        out.append(item)
    return out


def _skeleton(pages: list[ParsedPage], base: str | None, publisher: str | None,
              issued: dt.date | None) -> Dataset:
    titles = ", ".join(p.title for p in pages[:3]) + (", …" if len(pages) > 3 else "")
    files = ", ".join(Path(p.file or "").name for p in pages[:3])
    languages = sorted({"fr", *(lang for p in pages for lang in p.job.get("alt_titles", {}))},
                       key=lambda lang: (lang != "fr", lang))
    if issued is None:  # reproducible builds: SOURCE_DATE_EPOCH pins the date
        epoch = os.environ.get("SOURCE_DATE_EPOCH")
        issued = (dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch
                  else dt.date.today())
    try:
        return Dataset.model_validate({
            "title": {"fr": f"Fiches métiers : {titles}"},
            "description": {"fr": f"Importé par rome-export import-text depuis {files}. "
                                  f"{PLACEHOLDER} : description, éditeur, licence, base_iri."},
            "publisher": {"name": publisher or f"{PLACEHOLDER} (éditeur des fiches)"},
            "licence": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "base_iri": base or DEFAULT_BASE, "version": "0.1.0", "issued": issued,
            "languages": languages})
    except ValidationError as exc:  # --base or --publisher refused by the model
        raise UsageError(f"cannot make dataset.yaml: {exc.errors()[0]['msg']}",
                         hint="--base must be an IRI ending with '/' or '#'") from None


_SKELETON_NOTES = {
    "title:": "# Skeleton written by `rome-export import-text`: check every field.",
    "publisher:": "# PLACEHOLDER unless given with --publisher: the page does not name "
                  "its publisher.",
    "licence:": "# PLACEHOLDER: the page states no licence; Etalab 2.0 is only a default.",
    "base_iri:": "# PLACEHOLDER unless given with --base: every IRI starts with it; "
                 "use a base you control.",
}


def _check_integrity(ref: Referential, report: Report) -> None:
    """The cross-file rules of ``validate`` on the merged referential, before any write."""
    from rome_export.validation import rules

    loaded = sources.Loaded(
        root=None, dataset=ref.dataset, competencies=list(ref.competencies),
        competency_positions=list(range(len(ref.competencies))), jobs=list(ref.jobs),
        competencies_file=sources.COMPETENCIES_FILE,
        job_sources=[f"{sources.JOBS_DIR}/{j.id}.yaml" for j in ref.jobs])
    errors = [f.issue for f in rules.integrity(loaded) if f.issue.severity is Severity.ERROR]
    if errors:
        report.extend(errors)
        raise InvalidData(f"the merged referential would have {len(errors)} error(s); "
                          "nothing written", report)


def _by_id(competencies: list[Competency]) -> dict[str, Competency]:
    return {c.id: c for c in competencies}


def _texts(ref: Referential, job_ids: list[str], *, competencies: bool, new: bool,
           given: dict[str, bool]) -> dict[str, str]:
    files = {}
    if competencies:
        files[sources.COMPETENCIES_FILE] = sources.dump_competencies(ref.competencies)
    for job_id in job_ids:
        job = ref.job(job_id)
        assert job is not None
        files[f"{sources.JOBS_DIR}/{job_id}.yaml"] = sources.dump_job(job)
    if new:
        lines = []
        for line in sources.dump_dataset(ref.dataset).splitlines(keepends=True):
            key = line.split(" ", 1)[0].rstrip()
            note = _SKELETON_NOTES.get(key)
            if note and not given.get(key):
                lines.append(note + "\n")
            lines.append(line)
        files[sources.DATASET_FILE] = "".join(lines)
    return files


def _write(data_dir: Path, files: dict[str, str], result: ImportResult, *,
           dry_run: bool) -> None:
    changed = {}
    for name, text in files.items():
        path = data_dir / name
        try:
            same = path.read_bytes() == text.encode("utf-8")
        except FileNotFoundError:
            same = False
        except OSError as exc:
            raise OperationalError(f"{path}: cannot read: {exc.strerror or exc}") from exc
        (result.unchanged if same else result.written).append(path)
        if not same:
            changed[name] = text
    if dry_run or not changed:
        return
    try:
        if result.created:  # all files in a temporary sibling, then one rename
            data_dir.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.", dir=data_dir.parent))
            try:
                tmp.chmod(default_mode(directory=True))  # mkdtemp's is private (0o700)
                for name, text in changed.items():
                    (tmp / name).parent.mkdir(parents=True, exist_ok=True)
                    (tmp / name).write_text(text, encoding="utf-8")
                with contextlib.suppress(FileNotFoundError):
                    data_dir.rmdir()  # an empty directory given as the target
                tmp.rename(data_dir)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
        else:
            for name, text in changed.items():
                with atomic_write(data_dir / name) as stream:
                    stream.write(text.encode("utf-8"))
    except OSError as exc:
        raise OperationalError(f"{data_dir}: cannot write: {exc.strerror or exc}") from exc

