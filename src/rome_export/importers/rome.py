"""ROME 4.0 (France Travail) as a referential of the canonical model.

One sheet per fiche: id = the code in lower case (``m1604``), the publisher code, the title
(the gendered "Assistant / Assistante de direction" split into a masculine title and a
feminine ``title_feminine`` when :func:`~rome_export.labels.split_gendered` is sure, kept
whole otherwise), the appellations as French alternative titles, the definition sentences
as the purpose, the access sentences as ``access``, the mobility edges as links to other
sheets (direction and proximity unknown: ROME gives neither) and an exactMatch to its own
ROME code.

The competences (and macro-competences) become the shared competency referential, ids
``rome-<code_ogr>``, without levels: ROME has none. The v4 CSV files do not say which
competences a fiche needs (no file links code_rome to a competence), so sheets carry no
requirements.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from rome_export.catalogues import (
    RomeAppellation,
    RomeFiche,
    RomeMobility,
    RomeText,
    find_rome_files,
    read_rome_appellations,
    read_rome_competences,
    read_rome_fiches,
    read_rome_mobility,
    read_rome_texts,
)
from rome_export.errors import InvalidData
from rome_export.labels import split_gendered
from rome_export.model import (
    ROME_PATTERN,
    Competency,
    Dataset,
    JobSheet,
    Referential,
)
from rome_export.util import gc_tuned

ETALAB_2 = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
FRANCE_TRAVAIL = "https://www.francetravail.fr/"
DEFAULT_BASE = "https://w3id.org/rome-export/rome/"
AGENT = "rome-export import-rome"


def job_id(code: str) -> str:
    """The sheet id of a ROME code: ``M1604`` → ``m1604``."""
    return code.strip().lower()


def competency_id(code_ogr: str) -> str:
    return f"rome-{code_ogr.strip()}"


def _title(fiche: RomeFiche) -> tuple[dict[str, str], dict[str, str] | None]:
    split = split_gendered(fiche.title)
    if split is None:
        return {"fr": fiche.title}, None
    return {"fr": split[0]}, {"fr": split[1]}


def _alt_titles(fiche: RomeFiche, appellations: list[RomeAppellation]) -> list[str]:
    seen = {fiche.title.casefold()}
    result = []
    # The main appellation first, then the others by label: a stable, readable order.
    for app in sorted(appellations, key=lambda a: (not a.principal, a.label.casefold(), a.ogr)):
        if app.label.casefold() not in seen:
            seen.add(app.label.casefold())
            result.append(app.label)
    return result


def _sentences(texts: list[RomeText], kind: str) -> str | None:
    chosen = sorted((t for t in texts if t.kind == kind), key=lambda t: t.position)
    joined = " ".join(t.text for t in chosen if t.text)
    return joined or None


def _sheet(
    fiche: RomeFiche,
    appellations: list[RomeAppellation],
    texts: list[RomeText],
    mobility: list[RomeMobility],
    known: set[str],
    version: str,
) -> dict[str, Any]:
    title, feminine = _title(fiche)
    sheet: dict[str, Any] = {"id": job_id(fiche.code), "code": fiche.code, "title": title}
    if feminine:
        sheet["title_feminine"] = feminine
    alts = _alt_titles(fiche, appellations)
    if alts:
        sheet["alt_titles"] = {"fr": alts}
    purpose = _sentences(texts, "definition")
    if purpose:
        sheet["purpose"] = purpose
    access = _sentences(texts, "acces_metier")
    if access:
        sheet["access"] = access
    links = []
    for edge in sorted(mobility, key=lambda m: (m.order, m.target)):
        if edge.target in known:
            links.append({"target": job_id(edge.target)})
        else:  # an edge to a fiche absent from the release: keep it, by its code
            links.append({"target_label": edge.target})
    if links:
        sheet["mobility"] = links
    sheet["mappings"] = {
        "rome": [
            {
                "code": fiche.code,
                "match": "exactMatch",
                "label": fiche.title,
                "provenance": {"agent": AGENT, "catalogue_version": version},
            }
        ]
    }
    return sheet


def import_rome(
    directory: Path, *, base_iri: str = DEFAULT_BASE, issued: dt.date | None = None
) -> Referential:
    """Read a ROME 4.0 release directory into a :class:`Referential`.

    ``issued`` goes into ``dataset.yaml``: the files carry no date, so it is the caller's
    (the CLI passes ``--issued``, else today's date, as for any newly written file).
    """
    import re

    files = find_rome_files(directory)
    fiches = read_rome_fiches(files.fiches)
    bad = [f.code for f in fiches if not re.match(ROME_PATTERN, f.code)]
    if bad:
        raise InvalidData(f"{files.fiches}: not ROME codes: {', '.join(bad[:5])}")
    by_code: dict[str, list[RomeAppellation]] = defaultdict(list)
    for app in read_rome_appellations(files.appellations):
        by_code[app.code].append(app)
    texts: dict[str, list[RomeText]] = defaultdict(list)
    if files.texts is not None:
        for text in read_rome_texts(files.texts):
            texts[text.code].append(text)
    edges: dict[str, list[RomeMobility]] = defaultdict(list)
    if files.mobility is not None:
        for edge in read_rome_mobility(files.mobility):
            edges[edge.source].append(edge)
    known = {f.code for f in fiches}
    release = files.version.rsplit(" v", 1)[-1]
    with gc_tuned():
        jobs = [
            JobSheet.model_validate(
                _sheet(f, by_code[f.code], texts[f.code], edges[f.code], known, files.version)
            )
            for f in sorted(fiches, key=lambda f: f.code)
        ]
        competencies = []
        if files.competences is not None:
            for comp in read_rome_competences(files.competences):
                competencies.append(
                    Competency.model_validate(
                        {
                            "id": competency_id(comp.ogr),
                            "label": {"fr": comp.label},
                            "definition": comp.definition or None,
                        }
                    )
                )
        competencies.sort(key=lambda c: c.id)
    dataset = Dataset.model_validate(
        {
            "title": {
                "fr": f"ROME 4.0 : Répertoire opérationnel des métiers et des emplois ({release})",
                "en": f"ROME 4.0: French directory of trades and jobs ({release})",
            },
            "description": {
                "fr": f"Les {len(jobs)} fiches métiers du ROME 4.0 publiées par France Travail "
                f"(version {release}), avec leurs appellations, définitions, accès et "
                "mobilités, et ses compétences.",
                "en": f"The {len(jobs)} job sheets of ROME 4.0 published by France Travail "
                f"(release {release}), with their job titles, definitions, access and "
                "mobility links, and its competences.",
            },
            "publisher": {"name": "France Travail", "url": FRANCE_TRAVAIL},
            "licence": ETALAB_2,
            "base_iri": base_iri,
            "version": release,
            "issued": issued or dt.date.today(),
            "languages": ["fr"],
            "keywords": ["ROME", "ROME 4.0", "fiches métiers", "France Travail"],
        }
    )
    return Referential.model_construct(dataset=dataset, competencies=competencies, jobs=jobs)
