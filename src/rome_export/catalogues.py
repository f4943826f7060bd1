"""Readers of the national and European job catalogues, in their publishers' own formats.

The user passes their own downloads, so the files are read as published:
- ROME 4.0 (France Travail): the ``unix_*_v<N>_utf8.csv`` files of one release, found in a
  directory by name (``*referentiel_code_rome*``, ``*referentiel_appellation*``, ...);
  texts carry SQL-style doubled apostrophes (``d''optimiser``), undone here;
- ESCO (European Commission): ``occupations_<lang>.csv`` (labels newline-separated inside
  quoted cells) and ``ISCOGroups_<lang>.csv`` beside it for the ISCO-08 groups.

Columns are found by name, so their order does not matter; a missing required column is an
:class:`~rome_export.errors.InvalidData` naming the file and the column. A missing or
unreadable file is an :class:`~rome_export.errors.OperationalError`.
The results are small frozen dataclasses and dicts; no model, no I/O beyond reading.
:mod:`rome_export.catalogue_check` checks a referential's mappings against them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rome_export.errors import InvalidData, OperationalError, UsageError

# ---------------------------------------------------------------------------- CSV


def _rows(path: Path, required: Sequence[str], what: str) -> Iterator[dict[str, str]]:
    """Rows of a UTF-8 CSV file as dicts, after checking the required columns exist."""
    try:
        # utf-8-sig: some exports start with a byte-order mark that would stick to the
        # first column's name.
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise OperationalError(f"cannot read {what} file {path}: {exc.strerror}") from exc
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                raise InvalidData(f"{path}: empty file, expected the {what} CSV with a header")
            header = [name.strip() for name in header]
            missing = [name for name in required if name not in header]
            if missing:
                raise InvalidData(
                    f"{path}: missing required column(s) {', '.join(missing)} "
                    f"for the {what} file (found: {', '.join(header)})"
                )
            width = len(header)
            for row in reader:
                if not row:
                    continue
                if len(row) != width:
                    raise InvalidData(
                        f"{path}:{reader.line_num}: {len(row)} fields where the header has {width}"
                    )
                yield dict(zip(header, row, strict=True))
        except UnicodeDecodeError as exc:
            raise InvalidData(
                f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})",
                hint="use the UTF-8 files of the release (ROME: the *_utf8.csv ones)",
            ) from exc
        except csv.Error as exc:
            raise InvalidData(f"{path}:{reader.line_num}: malformed CSV: {exc}") from exc


def unsql(text: str) -> str:
    """Undo ROME's SQL-style doubled apostrophes: ``d''optimiser`` → ``d'optimiser``."""
    return text.replace("''", "'").strip()


# --------------------------------------------------------------------------- ROME


@dataclass(frozen=True, slots=True)
class RomeFiche:
    code: str
    title: str
    parent: str | None
    ogr: str


@dataclass(frozen=True, slots=True)
class RomeAppellation:
    ogr: str
    label: str
    short_label: str
    code: str
    principal: bool


@dataclass(frozen=True, slots=True)
class RomeCompetence:
    ogr: str
    nature: str
    label: str
    definition: str | None
    macro_ogr: str | None
    category: str | None
    subcategory: str | None


@dataclass(frozen=True, slots=True)
class RomeMobility:
    source: str
    target: str
    order: int


@dataclass(frozen=True, slots=True)
class RomeText:
    code: str
    kind: str
    position: int
    text: str


_ROME_PATTERNS = {
    "fiches": "*referentiel_code_rome*.csv",
    "appellations": "*referentiel_appellation*.csv",
    "competences": "*referentiel_competence*.csv",
    "mobility": "*rubrique_mobilite*.csv",
    "texts": "*_texte_*.csv",
}


@dataclass(frozen=True, slots=True)
class RomeFiles:
    """The files of one ROME release in a directory; optional ones may be ``None``."""

    directory: Path
    version: str
    fiches: Path
    appellations: Path
    competences: Path | None
    mobility: Path | None
    texts: Path | None


def find_rome_files(directory: Path) -> RomeFiles:
    """Locate the ROME 4.0 CSV files in ``directory`` by their published names."""
    if not directory.is_dir():
        raise OperationalError(f"ROME directory not found: {directory}")
    found: dict[str, Path | None] = {}
    for key, pattern in _ROME_PATTERNS.items():
        matches = sorted(directory.glob(pattern))
        # Windows-1252 twins may sit beside the UTF-8 files: prefer the utf8 ones.
        utf8 = [p for p in matches if "utf8" in p.name.lower()]
        matches = utf8 or matches
        if len(matches) > 1:
            raise UsageError(
                f"{directory}: several ROME {key} files ({', '.join(p.name for p in matches)})",
                hint="keep the files of one release per directory",
            )
        found[key] = matches[0] if matches else None
    for key in ("fiches", "appellations"):
        if found[key] is None:
            raise OperationalError(
                f"{directory}: no ROME {key} file (expected a name like "
                f"{_ROME_PATTERNS[key].strip('*')})",
                hint="pass the directory of the unzipped ROME 4.0 CSV release",
            )
    fiches, appellations = found["fiches"], found["appellations"]
    assert fiches is not None and appellations is not None
    return RomeFiles(
        directory=directory,
        version=rome_version(fiches),
        fiches=fiches,
        appellations=appellations,
        competences=found["competences"],
        mobility=found["mobility"],
        texts=found["texts"],
    )


def rome_version(path: Path) -> str:
    """``ROME 4.0 v460`` from ``unix_referentiel_code_rome_v460_utf8.csv``.

    The columns read here (code_fiche_metier, classification...) are those of ROME 4.0,
    hence the major version; the release number comes from the file name.
    """
    match = re.search(r"_v(\d+)", path.name)
    return f"ROME 4.0 v{match.group(1)}" if match else "ROME 4.0"


def read_rome_fiches(path: Path) -> list[RomeFiche]:
    fiches = []
    for row in _rows(path, ("code_rome", "libelle_rome"), "ROME fiches"):
        fiches.append(
            RomeFiche(
                code=row["code_rome"].strip(),
                title=unsql(row["libelle_rome"]),
                parent=row.get("code_rome_parent", "").strip() or None,
                ogr=row.get("code_ogr", "").strip(),
            )
        )
    return fiches


def read_rome_appellations(path: Path) -> list[RomeAppellation]:
    required = ("code_ogr", "libelle_appellation_long", "code_rome")
    result = []
    for row in _rows(path, required, "ROME appellations"):
        label = unsql(row["libelle_appellation_long"])
        result.append(
            RomeAppellation(
                ogr=row["code_ogr"].strip(),
                label=label,
                short_label=unsql(row.get("libelle_appellation_court", "")) or label,
                code=row["code_rome"].strip(),
                principal=row.get("classification", "").strip().upper() == "PRINCIPALE",
            )
        )
    return result


def read_rome_competences(path: Path) -> list[RomeCompetence]:
    required = ("code_ogr", "libelle_competence")
    result = []
    for row in _rows(path, required, "ROME competences"):
        result.append(
            RomeCompetence(
                ogr=row["code_ogr"].strip(),
                nature=row.get("nature", "").strip(),
                label=unsql(row["libelle_competence"]),
                definition=unsql(row.get("definition", "")) or None,
                macro_ogr=row.get("code_ogr_macro_comp", "").strip() or None,
                category=row.get("cat_comp", "").strip() or None,
                subcategory=row.get("sous_cat_comp", "").strip() or None,
            )
        )
    return result


def read_rome_mobility(path: Path) -> list[RomeMobility]:
    result = []
    for row in _rows(path, ("code_rome", "code_rome_cible"), "ROME mobility"):
        order = row.get("numero_ordre", "").strip()
        result.append(
            RomeMobility(
                source=row["code_rome"].strip(),
                target=row["code_rome_cible"].strip(),
                order=int(order) if order.isdigit() else 0,
            )
        )
    return result


def read_rome_texts(path: Path) -> list[RomeText]:
    required = ("code_rome", "libelle_type_texte", "libelle_texte")
    result = []
    for row in _rows(path, required, "ROME texts"):
        position = row.get("position_phrase", "").strip()
        result.append(
            RomeText(
                code=row["code_rome"].strip(),
                kind=row["libelle_type_texte"].strip(),
                position=int(position) if position.isdigit() else 0,
                text=unsql(row["libelle_texte"]),
            )
        )
    return result


@dataclass(frozen=True, slots=True)
class RomeCatalogue:
    """What linking and validation need of ROME: the fiches and their appellations."""

    version: str
    fiches: dict[str, RomeFiche]
    appellations: list[RomeAppellation]


def load_rome(directory: Path) -> RomeCatalogue:
    files = find_rome_files(directory)
    fiches = {f.code: f for f in read_rome_fiches(files.fiches)}
    return RomeCatalogue(files.version, fiches, read_rome_appellations(files.appellations))


# --------------------------------------------------------------------------- ESCO


@dataclass(frozen=True, slots=True)
class EscoOccupation:
    iri: str
    isco_group: str | None
    status: str
    preferred: dict[str, str] = field(default_factory=dict)
    alt: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class IscoGroup:
    code: str
    iri: str
    label: str


@dataclass(frozen=True, slots=True)
class EscoCatalogue:
    """ESCO occupations (labels of every language read) and the ISCO-08 groups."""

    version: str
    languages: tuple[str, ...]
    occupations: dict[str, EscoOccupation]
    isco_groups: dict[str, IscoGroup]

    @property
    def isco_version(self) -> str:
        return f"ISCO-08 ({self.version})"

    def isco_codes(self) -> set[str]:
        """ISCO codes known: from ISCOGroups_*.csv, else the occupations' iscoGroup."""
        if self.isco_groups:
            return set(self.isco_groups)
        return {o.isco_group for o in self.occupations.values() if o.isco_group}


_LANG_FILE = re.compile(r"^occupations_([a-z]{2,3})\.csv$", re.IGNORECASE)


def _esco_language(path: Path) -> str:
    match = _LANG_FILE.match(path.name)
    if match is None:
        raise UsageError(
            f"cannot tell the language of ESCO file {path.name}",
            hint="ESCO publishes occupations_<lang>.csv (e.g. occupations_en.csv): keep that name",
        )
    return match.group(1).lower()


def esco_version(path: Path) -> str:
    """``ESCO 1.0`` from a path such as ``esco-1.0-en/`` or ``ESCO dataset - v1.2.0 - ...``."""
    for part in (path.parent.name, path.name):
        match = re.search(r"(?<![\d.])v?(\d+\.\d+(?:\.\d+)?)(?![\d.])", part)
        if match:
            return f"ESCO {match.group(1)}"
    return "ESCO"


def _esco_occupation_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("occupations_*.csv"))
            if not found:
                raise OperationalError(f"{path}: no ESCO occupations_<lang>.csv file")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise OperationalError(f"ESCO file not found: {path}")
    return files


def _split_labels(cell: str) -> tuple[str, ...]:
    return tuple(label.strip() for label in cell.splitlines() if label.strip())


def read_isco_groups(path: Path) -> dict[str, IscoGroup]:
    groups = {}
    for row in _rows(path, ("conceptUri", "code", "preferredLabel"), "ESCO ISCO groups"):
        code = row["code"].strip()
        groups[code] = IscoGroup(code, row["conceptUri"].strip(), row["preferredLabel"].strip())
    return groups


def load_esco(paths: Path | Sequence[Path]) -> EscoCatalogue:
    """Read ESCO occupations files (one per language) and the ISCO groups beside them.

    ``paths`` are ``occupations_<lang>.csv`` files or directories holding them; the
    labels of every language are merged by occupation IRI.
    """
    files = _esco_occupation_files([paths] if isinstance(paths, Path) else list(paths))
    required = ("conceptUri", "preferredLabel", "altLabels")
    merged: dict[str, EscoOccupation] = {}
    languages: list[str] = []
    isco: dict[str, IscoGroup] = {}
    for path in files:
        lang = _esco_language(path)
        languages.append(lang)
        for row in _rows(path, required, f"ESCO occupations ({lang})"):
            iri = row["conceptUri"].strip()
            previous = merged.get(iri)
            preferred = dict(previous.preferred) if previous else {}
            alt = dict(previous.alt) if previous else {}
            preferred[lang] = row["preferredLabel"].strip()
            alt[lang] = _split_labels(row["altLabels"])
            merged[iri] = EscoOccupation(
                iri=iri,
                isco_group=row.get("iscoGroup", "").strip() or None,
                status=row.get("status", "").strip() or "released",
                preferred=preferred,
                alt=alt,
            )
        for groups_file in sorted(path.parent.glob("ISCOGroups_*.csv")):
            if not isco:
                isco = read_isco_groups(groups_file)
    return EscoCatalogue(
        version=esco_version(files[0]),
        languages=tuple(sorted(set(languages))),
        occupations=merged,
        isco_groups=isco,
    )
