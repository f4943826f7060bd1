"""Suggest mappings from job sheets to ROME 4.0, ESCO and ISCO-08.

Every label of a sheet (its title, feminine title and alternative titles) is compared with
every label of the catalogues after :func:`~rome_export.labels.normalise`; the fuzzy score
is rapidfuzz's ``token_sort_ratio`` (word order does not matter: "manager office" is
"office manager"). The catalogues are indexed once per :class:`Linker`, by normalised
label, so a sheet costs a few C-level scans however many sheets there are.

Which labels meet: ROME's appellations and fiche titles with the sheet's French labels;
ESCO's labels of each language read with the sheet's labels of that language, plus the
sheet's title against English labels, since a title such as "Office Manager" reads the
same in both. ISCO-08 groups come from the iscoGroup of the ESCO candidates.

Scores are in [0, 1]: the similarity times the weight of the sheet label (its own title
weighs 1, an alternative title :data:`ALT_WEIGHT`). Equal scores are ordered by evidence
(how many labels of the sheet match, how close the best pair is, a title before an
alternative title, a preferred label before an alternative one), then by code: never by
the order of the files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz

from rome_export.catalogue_check import (  # re-exported: validate --rome/--esco uses them
    catalogue_check,
    check_catalogues,
)
from rome_export.catalogues import EscoCatalogue, RomeCatalogue
from rome_export.labels import (
    CROSS_STEM,
    STEM,
    CatalogueLabel,
    LabelIndex,
    normalise,
    sort_words,
    variants,
)
from rome_export.model import JobSheet, MatchType, Referential

__all__ = ["CATALOGUES", "Candidate", "Linker", "catalogue_check", "check_catalogues"]

Catalogue = Literal["rome", "esco", "isco"]
CATALOGUES: tuple[Catalogue, ...] = ("rome", "esco", "isco")

ALT_WEIGHT = 0.9
"""An alternative title names the job less surely than its own title."""
SUPPORT_SIMILARITY = 0.85
"""Similarity from which a pair of labels counts as evidence for a candidate."""


@dataclass(frozen=True, slots=True)
class SheetLabel:
    text: str
    lang: str
    kind: str  # "title" or "alt title"
    weight: float

    @property
    def rank(self) -> int:
        return 0 if self.kind == "title" else 1


@dataclass(frozen=True, slots=True)
class Candidate:
    """One suggested mapping of one sheet; ``support`` counts its matching sheet labels."""

    job_id: str
    catalogue: Catalogue
    code_or_iri: str
    label: str
    score: float
    match: MatchType
    evidence: str
    support: int = 1
    similarity: float = 0.0
    ranks: tuple[int, int] = (0, 0)

    def sort_key(self) -> tuple[float, int, float, int, int, str]:
        return (-self.score, -self.support, -self.similarity, *self.ranks, self.code_or_iri)


@dataclass(slots=True)
class _Hit:
    score: float
    similarity: float
    sheet: SheetLabel
    entry: CatalogueLabel
    norms: tuple[str, str]  # the normalised sheet and catalogue forms that met
    supporting: set[str] = field(default_factory=set)

    def better_than(self, other: _Hit) -> bool:
        """Higher score, closer pair, title before alt title, preferred label before a
        synonym; then the alphabetically first labels, so that file order never decides."""
        mine = (self.score, self.similarity, -self.sheet.rank, -self.entry.rank)
        theirs = (other.score, other.similarity, -other.sheet.rank, -other.entry.rank)
        if mine != theirs:
            return mine > theirs
        return (self.entry.text, self.sheet.text) < (other.entry.text, other.sheet.text)


def sheet_labels(job: JobSheet) -> list[SheetLabel]:
    labels = [SheetLabel(text, lang, "title", 1.0) for lang, text in job.title.items()]
    if job.title_feminine:
        labels += [SheetLabel(t, lang, "title", 1.0) for lang, t in job.title_feminine.items()]
    for lang, texts in job.alt_titles.items():
        labels += [SheetLabel(text, lang, "alt title", ALT_WEIGHT) for text in texts]
    return labels


def suggest_match(
    catalogue: Catalogue,
    similarity: float,
    sheet: SheetLabel,
    entry: CatalogueLabel,
    sheet_norm: str,
    entry_norm: str,
) -> MatchType:
    """The SKOS match type a reviewer would most likely choose, from how the labels met.

    A ROME fiche gathers many appellations: meeting it through a synonym appellation
    means the fiche is broader than the sheet. An ISCO group is always broader.
    """
    if catalogue == "isco":
        return "broadMatch"
    if similarity >= 1.0:
        if sheet.kind != "title":
            return "closeMatch"
        if entry.rank == 0 or (catalogue == "rome" and entry.rank == 1):
            return "exactMatch"
        return "broadMatch" if catalogue == "rome" else "closeMatch"
    if similarity >= SUPPORT_SIMILARITY:
        return "closeMatch"
    sheet_words, entry_words = set(sheet_norm.split()), set(entry_norm.split())
    if sheet_words < entry_words:
        return "narrowMatch"  # the catalogue's concept is the more specific one
    if entry_words < sheet_words:
        return "broadMatch"
    return "relatedMatch"


def _evidence(hit: _Hit) -> str:
    sheet = hit.sheet
    relation = "=" if hit.similarity >= 1.0 else f"~{hit.similarity:.2f}"
    text = (
        f'{sheet.kind} ({sheet.lang}) "{sheet.text}" {relation} {hit.entry.kind} "{hit.entry.text}"'
    )
    others = len(hit.supporting - {sheet.text})
    if others:
        text += f"; {others} other label(s) of the sheet match"
    return text


class Linker:
    """Catalogues indexed once; :meth:`candidates` for each sheet."""

    def __init__(self, rome: RomeCatalogue | None = None, esco: EscoCatalogue | None = None):
        self.rome = rome
        self.esco = esco
        self._indexes: dict[tuple[str, str], LabelIndex] = {}
        if rome is not None:
            labels = [
                CatalogueLabel(f.code, f.title, "fiche title", 0) for f in rome.fiches.values()
            ]
            labels += [
                CatalogueLabel(a.code, a.label, f"appellation {a.ogr}", 1 if a.principal else 2)
                for a in rome.appellations
                if a.code in rome.fiches
            ]
            self._indexes["rome", "fr"] = LabelIndex(labels)
        if esco is not None:
            for lang in esco.languages:
                esco_labels: list[CatalogueLabel] = []
                for occ in esco.occupations.values():
                    if lang in occ.preferred:
                        esco_labels.append(
                            CatalogueLabel(occ.iri, occ.preferred[lang], "preferredLabel", 0)
                        )
                    esco_labels += [
                        CatalogueLabel(occ.iri, alt, "altLabel", 2) for alt in occ.alt.get(lang, ())
                    ]
                self._indexes["esco", lang] = LabelIndex(esco_labels)

    # ------------------------------------------------------------------ matching

    def _queries(self, job: JobSheet, catalogue: str, lang: str) -> list[tuple[SheetLabel, int]]:
        """The sheet labels to look up in one index, each with its stem length."""
        labels = sheet_labels(job)
        chosen = [(label, STEM) for label in labels if label.lang == lang]
        if catalogue == "esco" and lang == "en":
            # Titles such as "Office Manager" read the same in French and English, and
            # many differ little (juge/judge, maçon/mason).
            chosen += [
                (label, CROSS_STEM)
                for label in labels
                if label.kind == "title" and label.lang != "en"
            ]
        return chosen

    def _hits(self, job: JobSheet, catalogue: Catalogue, min_score: float) -> dict[str, _Hit]:
        hits: dict[str, _Hit] = {}
        for (name, lang), index in sorted(self._indexes.items()):
            if name != catalogue:
                continue
            for sheet, stem in self._queries(job, catalogue, lang):
                for form in variants(sheet.text):
                    query = sort_words(normalise(form))
                    if not query:
                        continue
                    for choice, similarity in index.search(query, min_score, stem):
                        for entry in index.by_norm[choice]:
                            self._record(hits, sheet, entry, similarity, (query, choice))
        return {key: hit for key, hit in hits.items() if hit.score >= min_score}

    @staticmethod
    def _record(
        hits: dict[str, _Hit],
        sheet: SheetLabel,
        entry: CatalogueLabel,
        similarity: float,
        norms: tuple[str, str],
    ) -> None:
        hit = _Hit(round(similarity * sheet.weight, 4), similarity, sheet, entry, norms)
        best = hits.get(entry.key)
        if best is None or hit.better_than(best):
            if best is not None:
                hit.supporting = best.supporting
            hits[entry.key] = best = hit
        if similarity >= SUPPORT_SIMILARITY:
            best.supporting.add(sheet.text)

    def candidates(
        self,
        job: JobSheet,
        *,
        top: int = 3,
        min_score: float = 0.5,
        catalogues: Sequence[Catalogue] = CATALOGUES,
    ) -> list[Candidate]:
        """The ``top`` best candidates per catalogue for ``job``, best first."""
        result: list[Candidate] = []
        esco_hits: dict[str, _Hit] = {}
        if self.esco is not None and ("esco" in catalogues or "isco" in catalogues):
            esco_hits = self._hits(job, "esco", min_score)
        if self.rome is not None and "rome" in catalogues:
            rome = [
                self._candidate(job, "rome", k, h)
                for k, h in self._hits(job, "rome", min_score).items()
            ]
            result += sorted(rome, key=Candidate.sort_key)[:top]
        if "esco" in catalogues:
            esco = [self._candidate(job, "esco", k, h) for k, h in esco_hits.items()]
            result += sorted(esco, key=Candidate.sort_key)[:top]
        if "isco" in catalogues and self.esco is not None:
            result += sorted(self._isco(job, esco_hits), key=Candidate.sort_key)[:top]
        return result

    def _candidate(self, job: JobSheet, catalogue: Catalogue, key: str, hit: _Hit) -> Candidate:
        return Candidate(
            job_id=job.id,
            catalogue=catalogue,
            code_or_iri=key,
            label=self.label_of(catalogue, key),
            score=hit.score,
            match=suggest_match(catalogue, hit.similarity, hit.sheet, hit.entry, *hit.norms),
            evidence=_evidence(hit),
            support=max(1, len(hit.supporting)),
            similarity=hit.similarity,
            ranks=(hit.sheet.rank, hit.entry.rank),
        )

    def _isco(self, job: JobSheet, esco_hits: dict[str, _Hit]) -> list[Candidate]:
        assert self.esco is not None
        best: dict[str, Candidate] = {}
        for iri, hit in esco_hits.items():
            group = self.esco.occupations[iri].isco_group
            if not group:
                continue
            via = self._candidate(job, "esco", iri, hit)
            candidate = Candidate(
                job_id=job.id,
                catalogue="isco",
                code_or_iri=group,
                label=self.label_of("isco", group),
                score=via.score,
                match="broadMatch",
                evidence=f'iscoGroup of ESCO "{via.label}" <{iri}>: {via.evidence}',
                support=via.support,
                similarity=via.similarity,
                ranks=via.ranks,
            )
            if group not in best or (candidate.sort_key(), candidate.evidence) < (
                best[group].sort_key(),
                best[group].evidence,
            ):
                best[group] = candidate
        return list(best.values())

    def label_of(self, catalogue: Catalogue, key: str) -> str:
        """The catalogue's own name for a code or IRI ("" when unknown)."""
        if catalogue == "rome" and self.rome is not None and key in self.rome.fiches:
            return self.rome.fiches[key].title
        if catalogue == "esco" and self.esco is not None and key in self.esco.occupations:
            preferred = self.esco.occupations[key].preferred
            return preferred.get("en") or next(iter(sorted(preferred.items())))[1]
        if catalogue == "isco" and self.esco is not None and key in self.esco.isco_groups:
            return self.esco.isco_groups[key].label
        return ""

    def _labels_of(self, catalogue: Catalogue, key: str) -> list[CatalogueLabel]:
        labels: list[CatalogueLabel] = []
        if catalogue == "rome" and self.rome is not None and key in self.rome.fiches:
            labels.append(CatalogueLabel(key, self.rome.fiches[key].title, "fiche title", 0))
            labels += [
                CatalogueLabel(key, a.label, f"appellation {a.ogr}", 1 if a.principal else 2)
                for a in self.rome.appellations
                if a.code == key
            ]
        elif catalogue in ("esco", "isco") and self.esco is not None:
            for occ in self.esco.occupations.values():
                if occ.iri != key and (catalogue == "esco" or occ.isco_group != key):
                    continue
                for text in occ.preferred.values():
                    labels.append(CatalogueLabel(key, text, "preferredLabel", 0))
                for alts in occ.alt.values():
                    labels += [CatalogueLabel(key, text, "altLabel", 2) for text in alts]
        return labels

    def candidate_for(self, job: JobSheet, catalogue: Catalogue, key: str) -> Candidate | None:
        """The candidate for a code or IRI chosen by hand (``None`` if not in the catalogue).

        Every label of the sheet meets every label of that concept, whatever the language.
        """
        labels = self._labels_of(catalogue, key)
        if not labels:
            return None
        hits: dict[str, _Hit] = {}
        for sheet in sheet_labels(job):
            for form in variants(sheet.text):
                query = normalise(form)
                for entry in labels:
                    for other in variants(entry.text):
                        choice = normalise(other)
                        similarity = fuzz.token_sort_ratio(query, choice, processor=None) / 100
                        self._record(hits, sheet, entry, similarity, (query, choice))
        return self._candidate(job, catalogue, key, hits[key])

    def versions(self) -> dict[str, str]:
        """Catalogue versions for provenance: ``{"rome": "ROME 4.0 v460", ...}``."""
        out: dict[str, str] = {}
        if self.rome is not None:
            out["rome"] = self.rome.version
        if self.esco is not None:
            out["esco"] = self.esco.version
            out["isco"] = self.esco.isco_version
        return out

    def link(
        self,
        referential: Referential,
        *,
        top: int = 3,
        min_score: float = 0.5,
        catalogues: Sequence[Catalogue] = CATALOGUES,
    ) -> list[Candidate]:
        """Candidates of every sheet, sheets in id order."""
        result: list[Candidate] = []
        for job in sorted(referential.jobs, key=lambda j: j.id):
            result += self.candidates(job, top=top, min_score=min_score, catalogues=catalogues)
        return result


# ---------------------------------------------------------------------- rendering

CSV_COLUMNS = ("job_id", "catalogue", "code_or_iri", "label", "score", "match", "evidence")


def _row(c: Candidate) -> dict[str, str]:
    return {
        "job_id": c.job_id,
        "catalogue": c.catalogue,
        "code_or_iri": c.code_or_iri,
        "label": c.label,
        "score": f"{c.score:.3f}",
        "match": c.match,
        "evidence": c.evidence,
    }


def render_csv(candidates: Iterable[Candidate]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(_row(c) for c in candidates)
    return out.getvalue()


def render_yaml(candidates: Iterable[Candidate]) -> str:
    import yaml

    by_job: dict[str, list[dict[str, object]]] = {}
    for c in candidates:
        row: dict[str, object] = dict(_row(c))
        del row["job_id"]
        row["score"] = c.score
        by_job.setdefault(c.job_id, []).append(row)
    text: str = yaml.safe_dump(by_job, allow_unicode=True, sort_keys=False, width=1_000_000)
    return text


def render_table(candidates: Iterable[Candidate]) -> str:
    lines: list[str] = []
    job = None
    for c in candidates:
        if c.job_id != job:
            job = c.job_id
            lines.append(("\n" if lines else "") + job)
        lines.append(
            f"  {c.catalogue:<4}  {c.score:.3f}  {c.match:<12}  {c.code_or_iri}  {c.label}"
        )
        lines.append(f"        {c.evidence}")
    return "\n".join(lines) + ("\n" if lines else "")
