"""Normalised CSV tables of a referential, plus one flat table for spreadsheet users.

:func:`to_rows` is pure: it walks the model in a fixed order and returns every table as a
:class:`Table` (column names + row tuples). :func:`write_table` writes one table to a binary
stream (UTF-8, header line, ``\\n`` line ends, minimal quoting). The schema of every table
(types, descriptions, primary and foreign keys) is :data:`TABLES`, from which
:mod:`rome_export.serialisers.datapackage` derives ``datapackage.json``.

Every field of the model has a home here: unknown values are empty cells (null), lists keep
the sheet's order in a ``position`` column counted from 1, and texts are written as they are.

Only the flat table ``job_competencies`` neutralises formulas: a text cell that starts with
``=``, ``+``, ``-`` or ``@`` gets a leading apostrophe, so that a spreadsheet opening the file
shows the text instead of evaluating it (OWASP "CSV injection"). The normalised tables are for
programs and keep texts byte-exact.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

from rome_export.iris import Iris, isco_group

if TYPE_CHECKING:
    from rome_export.model import JobSheet, Referential

FORMULA_PREFIXES = ("=", "+", "-", "@")
"""Cell starts that spreadsheets evaluate; neutralised in the flat table only."""

FLAT_TABLE = "job_competencies"

Row = tuple[Any, ...]


class Table(NamedTuple):
    columns: tuple[str, ...]
    rows: list[Row]


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless Table Schema type: string, integer, date
    description: str
    required: bool = False
    enum: tuple[str | int, ...] | None = None


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class TableSchema:
    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type_: str, description: str, *, required: bool = False,
       enum: tuple[str | int, ...] | None = None) -> Column:
    return Column(name, type_, description, required, enum)


def _job_fk() -> ForeignKey:
    return ForeignKey(("job_id",), "jobs", ("job_id",))


JOB_ID = _c("job_id", "string", "Id of the job sheet (slug, also its file name)", required=True)
POSITION = _c("position", "integer", "Position in the sheet's order, from 1", required=True)
LEVELS = (1, 2, 3, 4)

TABLES: dict[str, TableSchema] = {t.name: t for t in (
    TableSchema("jobs", "One row per job sheet", (
        JOB_ID,
        _c("iri", "string", "IRI of the job sheet concept", required=True),
        _c("code", "string", "The publisher's own code for the sheet"),
        _c("title_fr", "string", "Title in French", required=True),
        _c("family_id", "string", "Id of the job family"),
        _c("purpose", "string", "Purpose of the job (finalité du métier), in French"),
        _c("access", "string", "How one enters the job: diplomas, experience"),
        _c("mobility_note", "string", "The publisher's notice under the mobility links"),
        _c("source_url", "string", "Where the sheet was taken from"),
        _c("source_retrieved", "date", "When the sheet was taken from its source"),
        _c("modified", "date", "Last modification of the sheet"),
    ), ("job_id",), (ForeignKey(("family_id",), "families", ("family_id",)),)),
    TableSchema("labels", "Titles of the job sheets by language: title, feminine form, "
                "alternative titles", (
        JOB_ID,
        _c("kind", "string", "Which title", required=True,
           enum=("title", "title_feminine", "alt_title")),
        _c("language", "string", "BCP 47 language tag", required=True),
        POSITION,
        _c("label", "string", "The title", required=True),
    ), ("job_id", "kind", "language", "position"), (_job_fk(),)),
    TableSchema("families", "Job families", (
        _c("family_id", "string", "Id of the family (slug)", required=True),
        _c("iri", "string", "IRI of the family concept", required=True),
    ), ("family_id",)),
    TableSchema("family_labels", "Labels of the job families by language", (
        _c("family_id", "string", "Id of the family", required=True),
        _c("language", "string", "BCP 47 language tag", required=True),
        _c("label", "string", "The label", required=True),
    ), ("family_id", "language"), (ForeignKey(("family_id",), "families", ("family_id",)),)),
    TableSchema("competencies", "Macro-competencies shared by every sheet", (
        _c("competency_id", "string", "Id of the competency (slug)", required=True),
        _c("iri", "string", "IRI of the competency concept", required=True),
        _c("label_fr", "string", "Label in French", required=True),
        _c("definition", "string", "What the competency is, in French"),
        _c("descriptor_count", "integer", "How many level descriptors it has (0 to 4)",
           required=True),
    ), ("competency_id",)),
    TableSchema("competency_labels", "Labels of the competencies by language", (
        _c("competency_id", "string", "Id of the competency", required=True),
        _c("language", "string", "BCP 47 language tag", required=True),
        _c("label", "string", "The label", required=True),
    ), ("competency_id", "language"),
        (ForeignKey(("competency_id",), "competencies", ("competency_id",)),)),
    TableSchema("level_descriptors", "What each level of a competency means (levels are "
                "cumulative: level n includes every level below it)", (
        _c("competency_id", "string", "Id of the competency", required=True),
        _c("level", "integer", "Level, 1 to 4", required=True, enum=LEVELS),
        _c("iri", "string", "IRI of the level descriptor concept", required=True),
        _c("level_iri", "string", "IRI of the generic proficiency level", required=True),
        _c("descriptor", "string", "The descriptor text", required=True),
    ), ("competency_id", "level"),
        (ForeignKey(("competency_id",), "competencies", ("competency_id",)),)),
    TableSchema("missions", "Main missions of each job", (
        JOB_ID, POSITION,
        _c("title", "string", "Title of the mission", required=True),
        _c("text", "string", "What the mission is", required=True),
    ), ("job_id", "position"), (_job_fk(),)),
    TableSchema("contexts", "Work context: specific variables and organisational contexts", (
        JOB_ID,
        _c("kind", "string", "Which part of the work context", required=True,
           enum=("specific_variable", "organisational_context")),
        POSITION,
        _c("title", "string", "Sub-heading of the paragraph"),
        _c("text", "string", "The paragraph", required=True),
    ), ("job_id", "kind", "position"), (_job_fk(),)),
    TableSchema("conditions", "Working conditions: rhythm and travel (one row per job)", (
        JOB_ID,
        _c("rhythm", "string", "Rhythm of work"),
        _c("travel", "string", "Travel"),
    ), ("job_id",), (_job_fk(),)),
    TableSchema("relations", "Internal and external working relations", (
        JOB_ID,
        _c("kind", "string", "Internal or external", required=True,
           enum=("internal", "external")),
        POSITION,
        _c("text", "string", "Who the job works with", required=True),
    ), ("job_id", "kind", "position"), (_job_fk(),)),
    TableSchema("requirements", "Competencies a job requires, with the level expected", (
        JOB_ID,
        _c("competency_id", "string", "Id of the competency", required=True),
        POSITION,
        _c("iri", "string", "IRI of the requirement node", required=True),
        _c("expected_level", "integer", "Expected level, 1 to 4 (empty when unknown)",
           enum=LEVELS),
        _c("level_iri", "string", "IRI of the expected generic level (empty when unknown)"),
        _c("example", "string", "A concrete example, in French"),
    ), ("job_id", "competency_id"),
        (_job_fk(), ForeignKey(("competency_id",), "competencies", ("competency_id",)))),
    TableSchema("certifications", "Certifications of the branch and from outside it", (
        JOB_ID,
        _c("kind", "string", "Of the branch or from outside it", required=True,
           enum=("branch", "outside_branch")),
        POSITION,
        _c("label", "string", "The certification", required=True),
    ), ("job_id", "kind", "position"), (_job_fk(),)),
    TableSchema("mobility", "Possible moves from or to other jobs", (
        JOB_ID, POSITION,
        _c("iri", "string", "IRI of the mobility node", required=True),
        _c("target_job_id", "string", "Id of the target sheet when it is in the referential"),
        _c("target_iri", "string", "IRI of the target sheet when it is in the referential"),
        _c("target_label", "string", "Label of the target when it is not in the referential"),
        _c("direction", "string", "Provenance or evolution (empty when unknown)",
           enum=("provenance", "evolution")),
        _c("proximity", "string", "How close the jobs are (empty when unknown)",
           enum=("forte", "moyenne", "lointaine", "autre")),
        _c("sector", "string", "Sector of the target (empty when unknown)",
           enum=("numerique", "ingenierie", "etudes-conseil", "evenement", "transverses",
                 "autre")),
    ), ("job_id", "position"),
        (_job_fk(), ForeignKey(("target_job_id",), "jobs", ("job_id",)))),
    TableSchema("mappings", "Links to ROME 4.0, ESCO occupations and ISCO-08 groups", (
        JOB_ID,
        _c("catalogue", "string", "Which catalogue", required=True,
           enum=("rome", "esco", "isco")),
        POSITION,
        _c("code", "string", "ROME or ISCO-08 code (empty for ESCO)"),
        _c("iri", "string", "ESCO occupation or ISCO-08 group IRI (empty for ROME)"),
        _c("match", "string", "SKOS mapping relation", required=True,
           enum=("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")),
        _c("label", "string", "Label of the target in its catalogue"),
        _c("note", "string", "Note on the mapping"),
        _c("provenance_agent", "string", "Who or what made the mapping"),
        _c("provenance_catalogue_version", "string", "Version of the catalogue used"),
        _c("provenance_date", "date", "When the mapping was made"),
    ), ("job_id", "catalogue", "position"), (_job_fk(),)),
    TableSchema("trends", "National trends on the job", (
        JOB_ID, POSITION, _c("text", "string", "The trend", required=True),
    ), ("job_id", "position"), (_job_fk(),)),
    TableSchema("further_reading", "Further reading on the job", (
        JOB_ID, POSITION,
        _c("label", "string", "What to read", required=True),
        _c("url", "string", "Where to read it"),
    ), ("job_id", "position"), (_job_fk(),)),
    TableSchema(FLAT_TABLE, "Flat table for spreadsheets: one row per job and required "
                "competency. Text cells starting with = + - @ are prefixed with an apostrophe "
                "so that spreadsheets do not evaluate them", (
        JOB_ID,
        _c("job_title_fr", "string", "Title of the job in French", required=True),
        _c("job_title_en", "string", "Title of the job in English"),
        _c("family_label_fr", "string", "Family of the job, in French"),
        _c("competency_id", "string", "Id of the competency", required=True),
        _c("competency_label_fr", "string", "Label of the competency in French", required=True),
        _c("competency_label_en", "string", "Label of the competency in English"),
        _c("expected_level", "integer", "Expected level, 1 to 4 (empty when unknown)",
           enum=LEVELS),
        _c("level_descriptor", "string", "Descriptor of the expected level"),
        _c("example", "string", "A concrete example, in French"),
    ), ("job_id", "competency_id"),
        (_job_fk(), ForeignKey(("competency_id",), "competencies", ("competency_id",)))),
)}


# --------------------------------------------------------------------------- rows


def _numbered(items: Iterable[Any]) -> Iterator[tuple[int, Any]]:
    return enumerate(items, start=1)


def _iso(value: Any) -> str | None:
    return None if value is None else value.isoformat()


def _job_rows(job: JobSheet, iris: Iris, out: dict[str, list[Row]]) -> None:
    jid = job.id
    src = job.source
    out["jobs"].append((
        jid, iris.job(jid), job.code, job.title["fr"],
        job.family.id if job.family else None, job.purpose, job.access, job.mobility_note,
        src.url if src else None, _iso(src.retrieved) if src else None, _iso(job.modified),
    ))
    labels = out["labels"]
    for kind, langmap in (("title", job.title), ("title_feminine", job.title_feminine or {})):
        for lang in sorted(langmap):
            labels.append((jid, kind, lang, 1, langmap[lang]))
    for lang in sorted(job.alt_titles):
        for n, alt in _numbered(job.alt_titles[lang]):
            labels.append((jid, "alt_title", lang, n, alt))
    out["missions"].extend((jid, n, m.title, m.text) for n, m in _numbered(job.missions))
    ctx = job.work_context
    for kind, paras in (("specific_variable", ctx.specific_variables),
                        ("organisational_context", ctx.organisational_contexts)):
        out["contexts"].extend((jid, kind, n, p.title, p.text) for n, p in _numbered(paras))
    cond = job.working_conditions
    out["conditions"].append((jid, cond.rhythm, cond.travel))
    for kind, texts in (("internal", cond.relations.internal),
                        ("external", cond.relations.external)):
        out["relations"].extend((jid, kind, n, t) for n, t in _numbered(texts))
    for n, req in _numbered(job.requirements):
        level = req.expected_level
        out["requirements"].append((
            jid, req.competency, n, iris.requirement(jid, req.competency), level,
            iris.level(level) if level is not None else None, req.example,
        ))
    for kind, certs in (("branch", job.certifications.branch),
                        ("outside_branch", job.certifications.outside_branch)):
        out["certifications"].extend((jid, kind, n, c) for n, c in _numbered(certs))
    for n, mob in _numbered(job.mobility):
        out["mobility"].append((
            jid, n, iris.mobility(jid, n), mob.target,
            iris.job(mob.target) if mob.target else None, mob.target_label,
            mob.direction, mob.proximity, mob.sector,
        ))
    maps = out["mappings"]
    for n, rome in _numbered(job.mappings.rome):
        maps.append((jid, "rome", n, rome.code, None, *_mapping_tail(rome)))
    for n, esco in _numbered(job.mappings.esco):
        maps.append((jid, "esco", n, None, esco.iri, *_mapping_tail(esco)))
    for n, isco in _numbered(job.mappings.isco):
        maps.append((jid, "isco", n, isco.code, isco_group(isco.code), *_mapping_tail(isco)))
    out["trends"].extend((jid, n, t) for n, t in _numbered(job.trends))
    out["further_reading"].extend(
        (jid, n, r.label, r.url) for n, r in _numbered(job.further_reading))


def _mapping_tail(m: Any) -> Row:
    p = m.provenance
    return (m.match, m.label, m.note, p.agent if p else None,
            p.catalogue_version if p else None, _iso(p.date) if p else None)


def neutralise(value: Any) -> Any:
    """``=SUM(A1)`` → ``'=SUM(A1)``: a spreadsheet shows the text instead of evaluating it."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _flat_rows(ref: Referential) -> list[Row]:
    rows: list[Row] = []
    n = neutralise
    comps = {c.id: c for c in ref.competencies}  # Referential.competency() is slow in bulk
    for job in ref.jobs:
        family = n(job.family.label.get("fr")) if job.family else None
        title_fr, title_en = n(job.title["fr"]), n(job.title.get("en"))
        for req in job.requirements:
            comp = comps.get(req.competency)
            level = req.expected_level
            label = comp.label if comp else {}
            descriptor = comp.levels.get(level) if comp and level is not None else None
            # ids are slugs and levels integers: only the texts can start a formula
            rows.append((job.id, title_fr, title_en, family, req.competency,
                         n(label.get("fr", req.competency)), n(label.get("en")), level,
                         n(descriptor), n(req.example)))
    return rows


def to_rows(ref: Referential, *, base: str | None = None) -> dict[str, Table]:
    """Every table of :data:`TABLES`, rows in a deterministic order (sheet order within a job).

    Pure: no I/O. ``base`` overrides the dataset's base IRI for the ``iri`` columns.
    """
    iris = Iris(base or ref.dataset.base_iri)
    out: dict[str, list[Row]] = {name: [] for name in TABLES}
    for job in sorted(ref.jobs, key=lambda j: j.id):
        _job_rows(job, iris, out)
    for fam in ref.families():
        out["families"].append((fam.id, iris.family(fam.id)))
        out["family_labels"].extend((fam.id, lang, fam.label[lang]) for lang in sorted(fam.label))
    for comp in sorted(ref.competencies, key=lambda c: c.id):
        cid = comp.id
        out["competencies"].append((cid, iris.competency(cid), comp.label["fr"], comp.definition,
                                    len(comp.levels)))
        out["competency_labels"].extend(
            (cid, lang, comp.label[lang]) for lang in sorted(comp.label))
        out["level_descriptors"].extend(
            (cid, n, iris.level_descriptor(cid, n), iris.level(n), comp.levels[n])
            for n in sorted(comp.levels))
    out[FLAT_TABLE] = _flat_rows(ref)
    return {name: Table(schema.column_names, out[name]) for name, schema in TABLES.items()}


# --------------------------------------------------------------------------- writer


def write_table(table: Table, stream: BinaryIO) -> int:
    """Write ``table`` as UTF-8 CSV (header first) to a binary stream; return the row count.

    ``\\n`` line ends and minimal quoting (RFC 4180 quoting, Unix newlines): what
    ``frictionless`` and every spreadsheet read, and what diffs well in git. A field is
    quoted when it holds a quote, a comma, a line feed or a carriage return. These are the
    bytes of ``csv.writer(lineterminator="\\n")``, except that it leaves a carriage return
    unquoted, which breaks the row when read back (``tests/test_csv.py`` compares both on
    generated tables); and twice as fast: the ``csv`` module looks at every character of
    every text, here ``str`` finds the four that matter (1.2 s less at 10,000 sheets).
    """
    stream.write(_line(table.columns))
    rows = table.rows
    for start in range(0, len(rows), _BATCH):
        stream.write(b"".join(map(_line, rows[start:start + _BATCH])))
    return len(rows)


_BATCH = 5000


def _line(row: Row) -> bytes:
    if len(row) == 1 and row[0] in ("", None):  # csv.writer's one empty field: not a blank line
        return b'""\n'
    return (",".join(map(_cell, row)) + "\n").encode("utf-8")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if type(value) is str else (repr(value) if type(value) is float else str(value))
    if '"' in text or "," in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def write_csv(referential: Referential, stream: BinaryIO, *, base: str | None = None,
              options: Any = None) -> int:
    """Registry-style writer for one table: ``options={"table": name}`` (default: flat table)."""
    name = (options or {}).get("table", FLAT_TABLE)
    if name not in TABLES:
        raise ValueError(f"unknown table {name!r}; choose one of {', '.join(TABLES)}")
    return write_table(to_rows(referential, base=base)[name], stream)
