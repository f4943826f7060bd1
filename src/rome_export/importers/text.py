"""Parse the text of a publisher's job-sheet page (as a browser copy gives it).

This is the one parser of ``rome-export import-text``. It turns a page into a
:class:`ParsedPage` (the sheet's fields, its competencies by label, findings located by line)
and never touches the disk; :mod:`rome_export.importers.text_merge` merges pages into a
referential directory.

The page format
---------------
One item per line; blank lines are ignored; lines are stripped, NFC-normalised and their
runs of white space (non-breaking spaces included) collapsed to one space.
``[o]`` marks an optional element, ``…*`` a repeatable one. Any section may be absent or
empty. A line the parser cannot place is an error (``unplaced-text``): the import never
drops text silently.

::

    Présentation du métier              \\
    Contexte de travail ...              > [o] tab navigation (known tab names): dropped
    Pour en savoir plus                 /
    OFFICE MANAGER                      [o] upper-case page title
    Famille : Services Généraux         [o] family -> {id: slug, label: {fr: ...}}
    Autres appellations en français     [o] also "en anglais", "en allemand"...
    - Assistant RH                      *   alternative titles ("- " optional)
    Présentation du métier : Office Manager   the proper-cased title (job id = its slug)
    Finalité du métier                  purpose: paragraphs
    Missions principales                missions: "Sub-heading :" then paragraph(s)
    Contexte de travail
    Variables spécifiques au métier     "Sub-heading :" then paragraph(s)
    Contextes organisationnels          idem
    Conditions de travail
    Le rythme de travail / Déplacements paragraphs
    Les relations professionnelles
    Relations internes / externes       list items; a trailing separator comma is dropped
    Compétences et niveaux attendus en 4 niveaux cumulés
    Macro compétences / Niveaux et ... / Exemple concret ...   table header: dropped
    Macro compétences :                 * one block per competency, then its label
    Communiquer efficacement                (or "Macro compétences : label" on one line)
    Niveaux et compétences attendues :
    1                                   * level 1-4, then the descriptor (several lines are
    Ecouter activement ...                joined with a space)
    Niveau attendu : 3                  [o] anything but 1-4 is an unknown level
    Exemple concret d'activité pour le niveau attendu :
    L'Assistant de direction ...        [o] the example: paragraph(s)
    Certifications
    Liste des certifications            heading
    Branche / Hors branche              list items under each
    Proximité(s)/évolution(s) envisageables
    La proximité des métiers ...        widget: sector filter, "Cliquer sur…", legend: dropped
    Office Manager                      the sheet itself: the centre of the graph, no link
    Agent d'accueil                     * mobility targets (direction, proximity unknown)
    Ces mobilités sont données ...      [o] the publisher's notice -> mobility_note
    Tendances nationales sur le métier  paragraphs
    Pour en savoir plus                 items "Label : https://..." (URL optional)

Some panels are rendered twice, the second copy without its first sub-heading: a paragraph
or list item already seen in the same section is dropped, with the sub-headings that only
introduce dropped paragraphs (finding ``duplicate-block``, warning, with the lines).

Findings are :class:`~rome_export.validation.report.Issue` s located by page line, with the
codes of ``rome-export validate`` where they mean the same: warnings
``missing-level-descriptors``, ``incomplete-level-descriptors``, ``unknown-expected-level``,
``truncated-text``, ``unbalanced-text``, ``example-names-other-job``, ``duplicate-block``,
``title-mismatch``; errors ``unplaced-text``, ``repeated-section``. Input that is not a page
at all (empty, binary, not UTF-8, no title) raises :class:`NotAPage`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, get_args

from rome_export.model import Sector
from rome_export.validation.report import Issue, Severity
from rome_export.validation.rules import text_defect

_CLICK = "cliquer sur"
_TABS = (
    "présentation du métier", "contexte de travail", "conditions de travail",
    "compétences et niveaux attendus", "certifications",
    "proximité(s)/évolution(s) envisageables", "tendances nationales sur le métier",
    "pour en savoir plus",
)
_SECTIONS = {
    "contexte de travail": "context",
    "conditions de travail": "conditions",
    "certifications": "certifications",
    "proximité(s)/évolution(s) envisageables": "mobility",
    "tendances nationales sur le métier": "trends",
    "pour en savoir plus": "reading",
}
_COMPETENCY_TABLE_HEADERS = {
    "macro compétences", "niveaux et compétences attendues",
    "exemple concret d'activité pour le niveau attendu",
}
_MOBILITY_WIDGET = {
    "la proximité des métiers", "axes de mobilité professionnelle", "sens d'évolution",
    "provenances possibles", "evolutions envisageables", "autres provenances",
    "provenances lointaines", "provenances moyennes", "proximité forte",
    "evolutions moyennes", "evolutions lointaines", "autres évolutions",
}
_LANGUAGES = {"français": "fr", "anglais": "en", "allemand": "de", "espagnol": "es",
              "italien": "it", "portugais": "pt", "néerlandais": "nl"}

_PRESENTATION = re.compile(r"^présentation du métier\s*:\s*(?P<title>.+)$", re.I)
_FAMILY = re.compile(r"^famille\s*:\s*(?P<label>.+)$", re.I)
_ALT_TITLES = re.compile(r"^autres appellations en (?P<lang>\w+)$", re.I)
_SUBHEADING = re.compile(r"^(?P<title>.+?)\s*:$")
_BULLET = re.compile(r"^[-•–*]\s+(?P<text>.+)$")
_MACRO = re.compile(r"^macro[- ]comp[ée]tences?\s*:\s*(?P<label>.*)$", re.I)
_LEVELS_MARK = re.compile(r"^niveaux et comp[ée]tences attendues\s*:?$", re.I)
_LEVEL = re.compile(r"^(?P<n>[1-4])(?:\s*[-–.:)]\s+(?P<text>.+))?$")
_EXPECTED = re.compile(r"^niveau attendu\s*:\s*(?P<value>.*)$", re.I)
_EXAMPLE_MARK = re.compile(r"^exemple concret d'activit[ée] pour le niveau attendu\s*:$", re.I)
_URL = re.compile(r"(?P<url>https?://\S+)$")
_SECTORS = set(get_args(Sector))
_DISCLAIMER = "ces mobilités sont données à titre indicatif"

Line = tuple[int, str]  # (1-based line number, stripped NFC text)


@dataclass
class PageCompetency:
    """A competency as the page gives it: label, descriptors, requirement of the sheet."""

    label: str
    line: int
    levels: dict[int, str] = field(default_factory=dict)
    level_lines: dict[int, int] = field(default_factory=dict)
    expected_level: int | None = None
    expected_line: int | None = None
    example: str | None = None
    example_line: int | None = None


@dataclass
class ParsedPage:
    """What one page says. ``job`` holds JobSheet fields (no requirements: they need ids)."""

    title: str
    job: dict[str, Any]
    sections: set[str]
    competencies: list[PageCompetency]
    mobility: list[Line]
    findings: list[Issue]
    file: str | None = None


def nfc_key(text: str) -> str:
    """The comparison key of labels: NFC, case-folded, spaces collapsed, ’ read as '."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().replace("’", "'").split())


def slugify(text: str) -> str:
    """``Développer l'attractivité`` -> ``developper-l-attractivite`` (lowercase ASCII)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > 120:  # the model's limit; cut at a word boundary
        slug = slug[:120].rsplit("-", 1)[0]
    return slug


class NotAPage(ValueError):
    """The text is not a job-sheet page at all."""


class _Parser:
    def __init__(self, lines: list[Line], file: str | None) -> None:
        self.lines, self.file = lines, file
        self.findings: list[Issue] = []
        self.job: dict[str, Any] = {}
        self.sections: set[str] = set()
        self.competencies: list[PageCompetency] = []
        self.mobility: list[Line] = []
        self.title: str | None = None

    def warn(self, code: str, message: str, line: int | None) -> None:
        self.findings.append(Issue(code, Severity.WARNING, message, self.file, line))

    def error(self, code: str, message: str, line: int | None) -> None:
        self.findings.append(Issue(code, Severity.ERROR, message, self.file, line))

    def unplaced(self, lines: list[Line], where: str) -> None:
        for number, text in lines:
            self.error("unplaced-text",
                       f"text the importer cannot place in {where}: {text[:60]!r}", number)

    # ------------------------------------------------------------------ the page
    def parse(self) -> ParsedPage:
        i = 0
        while i < len(self.lines) and nfc_key(self.lines[i][1]) in _TABS:
            i += 1  # tab navigation
        chunks = self._split(self.lines[i:])
        head = chunks.pop("head", [])
        if not chunks and i == 0 and not any(
                _FAMILY.match(t) or _ALT_TITLES.match(t) for _, t in head):
            raise NotAPage("not a job-sheet page: no 'Présentation du métier : …' line, "
                           "no section heading, no tab names")
        self._head(head)
        handlers = {
            "presentation": self._presentation, "context": self._context,
            "conditions": self._conditions, "competencies": self._competency_section,
            "certifications": self._certifications, "mobility": self._mobility,
            "trends": self._trends, "reading": self._reading,
        }
        for name, body in chunks.items():
            self.sections.add(name)
            handlers[name](body)
        if self.title is None:
            raise NotAPage("not a job-sheet page: no title ('Présentation du métier : …' "
                           "or a title line)")
        self.job["id"] = slugify(self.title)
        self.job["title"] = {"fr": self.title}
        return ParsedPage(self.title, self.job, self.sections, self.competencies,
                          self.mobility, self.findings, self.file)

    def _split(self, lines: list[Line]) -> dict[str, list[Line]]:
        chunks: dict[str, list[Line]] = {"head": []}
        current = "head"
        for number, text in lines:
            key = nfc_key(text)
            match = _PRESENTATION.match(text)
            name = ("presentation" if match else "competencies"
                    if key.startswith("compétences et niveaux attendus") else _SECTIONS.get(key))
            if name is None:
                chunks[current].append((number, text))
                continue
            if name in chunks:
                self.error("repeated-section", f"section {text!r} appears twice", number)
            chunks[name] = []
            current = name
            if match:
                self.title = match["title"].strip()
        return chunks

    def _head(self, lines: list[Line]) -> None:
        first = True
        lang: str | None = None
        for number, text in lines:
            family = _FAMILY.match(text)
            alt = _ALT_TITLES.match(text)
            if family:
                label = family["label"].strip()
                self.job["family"] = {"id": slugify(label), "label": {"fr": label}}
                lang = None
            elif alt:
                lang = _LANGUAGES.get(alt["lang"].casefold())
                if lang is None:
                    self.unplaced([(number, text)], "the header (unknown language)")
                else:
                    self.job.setdefault("alt_titles", {}).setdefault(lang, [])
            elif lang is not None:
                items = self.job["alt_titles"][lang]
                item = _strip_item(text)
                if item in items:
                    self.warn("duplicate-block", f"alternative title {item!r} repeated", number)
                else:
                    items.append(item)
            elif first:
                if self.title is not None:
                    if _fold_accents(text) != _fold_accents(self.title):
                        self.warn("title-mismatch", f"page title {text!r} differs from the "
                                  f"title {self.title!r} of 'Présentation du métier'", number)
                elif text.isupper():  # no proper-cased title on the page: a guess
                    self.title = text[:1] + text[1:].lower()
                    self.warn("title-case-guessed", f"no 'Présentation du métier : …' line: "
                              f"title {self.title!r} guessed from {text!r}", number)
                else:
                    self.title = text
            else:
                self.unplaced([(number, text)], "the header")
            first = False

    # ------------------------------------------------------------ prose sections
    def _subsections(self, lines: list[Line], names: dict[str, str],
                     where: str) -> dict[str, list[Line]]:
        """Split by the known sub-headings ``names`` (key -> field)."""
        parts: dict[str, list[Line]] = {}
        current: list[Line] | None = None
        for number, text in lines:
            name = names.get(nfc_key(text))
            if name is not None:
                current = parts.setdefault(name, [])
            elif current is None:
                self.unplaced([(number, text)], where)
            else:
                current.append((number, text))
        return parts

    def _dedup(self, lines: list[Line], where: str) -> list[tuple[Line, bool]]:
        """(line, is_heading) with repeated paragraphs dropped, and their lone headings."""
        tokens: list[tuple[Line, bool]] = []
        for number, text in lines:
            heading = _SUBHEADING.match(text)
            is_heading = bool(heading) and len(text) <= 200
            tokens.append(((number, heading["title"] if is_heading and heading else text),
                           is_heading))
        seen: set[str] = set()
        dropped: list[int] = []
        kept: list[tuple[Line, bool]] = []
        for (number, text), is_heading in tokens:
            if not is_heading:
                key = nfc_key(text)
                if key in seen:
                    dropped.append(number)
                    continue
                seen.add(key)
            kept.append(((number, text), is_heading))
        # a heading followed by nothing kept (its paragraphs were repeats) goes too
        result: list[tuple[Line, bool]] = []
        for index, token in enumerate(kept):
            nxt = kept[index + 1] if index + 1 < len(kept) else None
            if token[1] and dropped and (nxt is None or nxt[1]) and any(
                    t[0][1] == token[0][1] for t in result if t[1]):
                dropped.append(token[0][0])
                continue
            result.append(token)
        if dropped:
            self.warn("duplicate-block", f"{where}: repeated block stored once (dropped lines "
                      f"{_ranges(sorted(dropped))})", min(dropped))
        return result

    def _titled(self, lines: list[Line], where: str, *, need_title: bool) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = []
        for (number, text), is_heading in self._dedup(lines, where):
            if is_heading:
                items.append({"title": text, "text": None, "line": number})
            elif items and items[-1]["text"] is None:
                items[-1]["text"] = text
                self._check_text(text, number)
            elif items:  # a second paragraph under the same sub-heading
                items[-1]["text"] += ("\n" if _BULLET.match(text) else "\n\n") + text
                self._check_text(text, number)
            elif need_title:
                self.unplaced([(number, text)], f"{where} (a paragraph without sub-heading)")
            else:
                items.append({"title": None, "text": text, "line": number})
                self._check_text(text, number)
        out = []
        for item in items:
            if item["text"] is None:
                self.unplaced([(item["line"], item["title"] + " :")],
                              f"{where} (a sub-heading without text)")
                continue
            out.append({k: v for k, v in item.items() if k != "line" and v is not None})
        return out

    def _paragraphs(self, lines: list[Line], where: str) -> list[str]:
        out = []
        for (number, text), is_heading in self._dedup(lines, where):
            out.append(text + " :" if is_heading else text)
            if not is_heading:
                self._check_text(text, number)
        return out

    def _items(self, lines: list[Line], where: str) -> list[str]:
        out: list[str] = []
        for number, text in lines:
            item = _strip_item(text).removesuffix(",").rstrip()
            if nfc_key(item) in {nfc_key(x) for x in out}:
                self.warn("duplicate-block", f"{where}: item {item!r} repeated, stored once",
                          number)
            else:
                out.append(item)
        return out

    def _check_text(self, text: str, number: int) -> None:
        defect = text_defect(text)
        if defect:
            self.warn(defect[0], defect[1], number)

    def _presentation(self, lines: list[Line]) -> None:
        parts = self._subsections(lines, {"finalité du métier": "purpose",
                                          "missions principales": "missions"},
                                  "'Présentation du métier'")
        if "purpose" in parts:
            text = "\n\n".join(self._paragraphs(parts["purpose"], "Finalité du métier"))
            self.job["purpose"] = text or None
        if "missions" in parts:
            self.job["missions"] = self._titled(parts["missions"], "Missions principales",
                                                need_title=True)

    def _context(self, lines: list[Line]) -> None:
        parts = self._subsections(lines, {
            "variables spécifiques au métier": "specific_variables",
            "contextes organisationnels": "organisational_contexts"}, "'Contexte de travail'")
        headings = {"specific_variables": "Variables spécifiques au métier",
                    "organisational_contexts": "Contextes organisationnels"}
        self.job["work_context"] = {name: self._titled(body, headings[name], need_title=False)
                                    for name, body in parts.items()}

    def _conditions(self, lines: list[Line]) -> None:
        parts = self._subsections(lines, {
            "le rythme de travail": "rhythm", "déplacements": "travel",
            "les relations professionnelles": "relations", "relations internes": "internal",
            "relations externes": "external"}, "'Conditions de travail'")
        conditions: dict[str, Any] = {}
        for name in ("rhythm", "travel"):
            if name in parts:
                conditions[name] = "\n\n".join(self._paragraphs(parts[name], name)) or None
        self.unplaced(parts.get("relations", []), "'Les relations professionnelles'")
        where = {"internal": "Relations internes", "external": "Relations externes"}
        relations = {name: self._items(parts[name], where[name])
                     for name in ("internal", "external") if name in parts}
        if relations:
            conditions["relations"] = relations
        self.job["working_conditions"] = conditions

    def _certifications(self, lines: list[Line]) -> None:
        lines = [line for line in lines if nfc_key(line[1]) != "liste des certifications"]
        parts = self._subsections(lines, {"branche": "branch", "hors branche": "outside_branch"},
                                  "'Certifications' (an item outside 'Branche'/'Hors branche')")
        self.job["certifications"] = {name: self._items(body, name)
                                      for name, body in parts.items()}

    def _trends(self, lines: list[Line]) -> None:
        self.job["trends"] = self._paragraphs(lines, "Tendances nationales")

    def _reading(self, lines: list[Line]) -> None:
        readings = []
        for item in self._items(lines, "Pour en savoir plus"):
            url = _URL.search(item)
            label = item[: url.start()].rstrip(" :-–") if url else item
            readings.append({"label": label or item, **({"url": url["url"]} if url else {})})
        self.job["further_reading"] = readings

    # --------------------------------------------------------------- competencies
    def _competency_section(self, lines: list[Line]) -> None:
        blocks: list[list[Line]] = []
        for number, text in lines:
            if _MACRO.match(text):
                blocks.append([(number, text)])
            elif blocks:
                blocks[-1].append((number, text))
            elif nfc_key(text) not in _COMPETENCY_TABLE_HEADERS:
                self.unplaced([(number, text)], "'Compétences' (before any 'Macro compétences :')")
        seen: dict[str, PageCompetency] = {}
        for block in blocks:
            competency = self._competency(block)
            if competency is None:
                continue
            key = nfc_key(competency.label)
            if key in seen:
                self.warn("duplicate-block", f"competency {competency.label!r} repeated "
                          f"(lines {block[0][0]}-{block[-1][0]}), first kept", block[0][0])
                continue
            seen[key] = competency
            self.competencies.append(competency)
            self._check_competency(competency)

    def _competency(self, block: list[Line]) -> PageCompetency | None:
        (first, head), rest = block[0], block[1:]
        label = _MACRO.match(head)
        text = label["label"].strip() if label else ""
        if not text:
            if not rest:
                self.unplaced([(first, head)], "'Compétences' (no label)")
                return None
            (first, text), rest = rest[0], rest[1:]
        competency = PageCompetency(text, first)
        state, level = "head", 0
        for number, line in rest:
            match_level, expected = _LEVEL.match(line), _EXPECTED.match(line)
            if _LEVELS_MARK.match(line) and state == "head":
                state = "levels"
            elif match_level and state in ("head", "levels", "level"):
                state, level = "level", int(match_level["n"])
                if level in competency.levels:
                    self.warn("duplicate-block", f"level {level} given twice", number)
                    state = "ignore"
                elif match_level["text"]:
                    competency.levels[level] = match_level["text"]
                    competency.level_lines[level] = number
            elif expected and state != "example":
                state, competency.expected_line = "expected", number
                value = expected["value"].strip()
                if value in ("1", "2", "3", "4"):
                    competency.expected_level = int(value)
                else:
                    self.warn("unknown-expected-level", f"expected level {value!r} of "
                              f"{competency.label!r} is not 1-4: left unknown", number)
            elif _EXAMPLE_MARK.match(line) and state != "example":
                state = "example"
            elif state == "level":
                previous = competency.levels.get(level)
                competency.levels[level] = f"{previous} {line}" if previous else line
                competency.level_lines.setdefault(level, number)
            elif state == "example":
                if competency.example is None:
                    competency.example, competency.example_line = line, number
                elif nfc_key(line) in nfc_key(competency.example):
                    self.warn("duplicate-block", "example paragraph repeated", number)
                else:
                    competency.example += "\n\n" + line
            elif state != "ignore":
                self.unplaced([(number, line)], f"competency {competency.label!r}")
        return competency

    def _check_competency(self, competency: PageCompetency) -> None:
        missing = [n for n in (1, 2, 3, 4) if n not in competency.levels]
        label = competency.label
        if len(missing) == 4:
            self.warn("missing-level-descriptors", f"'{label}' has no level descriptors",
                      competency.line)
        elif missing:
            self.warn("incomplete-level-descriptors", f"'{label}' has no descriptor for "
                      f"level(s) {', '.join(map(str, missing))}", competency.line)
        if competency.expected_line is None:
            self.warn("unknown-expected-level",
                      f"no expected level for '{label}' (no 'Niveau attendu' line)",
                      competency.line)
        for level, text in sorted(competency.levels.items()):
            self._check_text(text, competency.level_lines[level])
        if competency.example and competency.example_line:
            self._check_text(competency.example, competency.example_line)

    # ------------------------------------------------------------------ mobility
    def _mobility(self, lines: list[Line]) -> None:
        state = ""
        seen: set[str] = set()
        for number, text in lines:
            key = nfc_key(text)
            if key == "sélection de secteur":
                state = "sectors"  # the sector filter's names follow, up to "Cliquer sur"
            elif key.startswith(_CLICK):
                state = "click"
            elif state == "click" and text[:1].islower():
                pass  # the "Cliquer sur…" sentence wraps over lines
            elif key.startswith(_DISCLAIMER):
                self.job["mobility_note"] = text  # the publisher's notice under the graph
            elif (state == "sectors" and slugify(text) in _SECTORS) or key in _MOBILITY_WIDGET:
                pass  # a name of the sector filter, or the legend
            elif self.title is not None and key == nfc_key(self.title):
                state = "jobs"  # the sheet itself: the centre of the graph, not a link
            elif key in seen:
                self.warn("duplicate-block", f"mobility target {text!r} repeated, stored once",
                          number)
            else:
                state = "jobs"
                seen.add(key)
                self.mobility.append((number, text))


def _strip_item(text: str) -> str:
    bullet = _BULLET.match(text)
    return bullet["text"].strip() if bullet else text


def _fold_accents(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().casefold()


def _ranges(numbers: list[int]) -> str:
    spans: list[list[int]] = []
    for n in numbers:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


# ---------------------------------------------------------------------- public API


def decode_page(data: bytes) -> str:
    """The page's text; :class:`NotAPage` for empty, binary or non-UTF-8 input."""
    if not data.strip():
        raise NotAPage("the file is empty")
    if b"\x00" in data:
        raise NotAPage("the file is binary (it contains NUL bytes), not page text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NotAPage(f"the file is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); "
                       "if it is Latin-1, convert it: iconv -f latin1 -t utf-8") from None
    controls = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r\f\v"]
    if controls:
        raise NotAPage(f"the file is binary (control character {controls[0]!r}), not page text")
    return text


def parse_page(text: str, *, file: str | None = None,
               other_titles: tuple[str, ...] = ()) -> ParsedPage:
    """Parse a page's text. ``other_titles``: titles of other sheets, to spot an example
    that names another job (the page's own mobility targets are always checked)."""
    lines = [(number, unicodedata.normalize("NFC", " ".join(raw.split())))
             for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    if not lines:
        raise NotAPage("the file has no text")
    page = _Parser(lines, file).parse()
    own = {nfc_key(page.title)}
    others = {nfc_key(t): t for t in (*other_titles, *(label for _, label in page.mobility))}
    patterns = [(title, re.compile(rf"(?<!\w){re.escape(key)}(?!\w)"))
                for key, title in sorted(others.items()) if key and key not in own]
    for competency in page.competencies:
        if not competency.example:
            continue
        example = nfc_key(competency.example)
        for title, pattern in patterns:
            if pattern.search(example):
                page.findings.append(Issue(
                    "example-names-other-job", Severity.WARNING,
                    f"the example of {competency.label!r} names another job: {title!r}",
                    file, competency.example_line))
    page.findings.sort(key=Issue.sort_key)
    return page
