"""The canonical model of a job-sheet referential (pydantic v2).

This module is the contract every other one works from: the YAML sources validate into it,
the serialisers walk it, the JSON Schemas in ``schemas/`` are generated from it. It does no
I/O and imports neither rdflib nor click.

Conventions:
- unknown is ``None``, never a guess (an import that cannot tell a provenance from an
  evolution leaves ``direction`` null);
- every text is NFC-normalised on the way in, so that labels compare and serialise alike;
- labels carry their language: ``{"fr": "…", "en": "…"}`` maps keyed by a BCP 47 tag;
- ids are lowercase ASCII slugs, since they are file names and IRI path segments;
- code formats (ROME, ISCO-08, ESCO IRIs) are schema errors, not warnings.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANG_PATTERN = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$"
ROME_PATTERN = r"^[A-N]\d{4}$"
ISCO_PATTERN = r"^\d{4}$"
ESCO_OCCUPATION_PATTERN = (
    r"^http://data\.europa\.eu/esco/occupation/"
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
IRI_PATTERN = r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$"

LEVELS: tuple[int, ...] = (1, 2, 3, 4)


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=120)]
"""A lowercase ASCII slug: ``office-manager``. Never ``../x``, never upper case."""

LangTag = Annotated[str, StringConstraints(pattern=LANG_PATTERN)]
TEXT_PATTERN = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]+$"
"""No control character but tab, line feed and carriage return, no U+FFFE/U+FFFF: XML 1.0
(RDF/XML) cannot carry them, and in a job sheet they are always debris of a copy-paste."""

Text = Annotated[
    str, StringConstraints(min_length=1, pattern=TEXT_PATTERN), AfterValidator(_nfc)
]
"""Non-empty text, NFC-normalised, without control characters."""

IRI = Annotated[str, StringConstraints(pattern=IRI_PATTERN)]
RomeCode = Annotated[str, StringConstraints(pattern=ROME_PATTERN)]
IscoCode = Annotated[str, StringConstraints(pattern=ISCO_PATTERN)]
EscoOccupationIRI = Annotated[str, StringConstraints(pattern=ESCO_OCCUPATION_PATTERN)]

Level = Annotated[int, Field(ge=1, le=4)]
"""A proficiency level: 1 to 4, cumulative (level n includes every level below it)."""

LangMap = Annotated[
    dict[LangTag, Text],
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": LANG_PATTERN},
            "additionalProperties": {"type": "string", "minLength": 1},
            "minProperties": 1,
        }
    ),
]
"""Text keyed by language tag: ``{"fr": "Office Manager", "en": "Office manager"}``."""

LevelTexts = Annotated[
    dict[Level, Text],
    WithJsonSchema(
        {
            "type": "object",
            "propertyNames": {"pattern": "^[1-4]$"},
            "additionalProperties": {"type": "string", "minLength": 1},
        }
    ),
]

MatchType = Literal["exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"]
Direction = Literal["provenance", "evolution"]
Proximity = Literal["forte", "moyenne", "lointaine", "autre"]
Sector = Literal["numerique", "ingenierie", "etudes-conseil", "evenement", "transverses", "autre"]


class Model(BaseModel):
    """Base of every model: unknown fields are errors, no silent coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _require_french(labels: dict[str, str], what: str) -> None:
    if "fr" not in labels:
        raise ValueError(f"{what} needs a French label (key 'fr')")


# --------------------------------------------------------------------------- dataset


class Publisher(Model):
    name: Text
    url: IRI | None = None
    email: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")] | None = None


class Dataset(Model):
    """``data/dataset.yaml``: what the referential is, who publishes it, under which licence."""

    title: LangMap
    description: LangMap
    publisher: Publisher
    licence: IRI = Field(description="IRI of the licence, e.g. Etalab 2.0")
    base_iri: IRI = Field(description="Every IRI is this base plus a path; ends with / or #")
    version: Annotated[str, StringConstraints(min_length=1, pattern=r"^\S+$")]
    issued: dt.date
    modified: dt.date | None = None
    languages: list[LangTag] = Field(min_length=1)
    source: IRI | None = Field(default=None, description="Where the sheets come from")
    landing_page: IRI | None = None
    keywords: list[Text] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> Dataset:
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError("base_iri must end with '/' or '#'")
        return self


# ----------------------------------------------------------------------- competencies


class Competency(Model):
    """A macro-competency of the shared referential with its level descriptors (1–4)."""

    id: Slug
    label: LangMap
    definition: Text | None = Field(default=None, description="What the competency is (fr)")
    levels: LevelTexts = Field(
        default_factory=dict,
        description="Level descriptors keyed 1-4; zero descriptors is allowed but reported",
    )

    @model_validator(mode="after")
    def _check(self) -> Competency:
        _require_french(self.label, "a competency")
        return self


class CompetencyFile(Model):
    """``data/competencies.yaml``: the competencies shared by every sheet."""

    competencies: list[Competency]


# ------------------------------------------------------------------------- job sheet


class Family(Model):
    id: Slug
    label: LangMap


class Mission(Model):
    title: Text
    text: Text


class TitledText(Model):
    """A paragraph under a sub-heading ("Une posture professionnelle adaptée : …")."""

    title: Text | None = None
    text: Text


class WorkContext(Model):
    specific_variables: list[TitledText] = Field(default_factory=list)
    organisational_contexts: list[TitledText] = Field(default_factory=list)


class Relations(Model):
    internal: list[Text] = Field(default_factory=list)
    external: list[Text] = Field(default_factory=list)


class WorkingConditions(Model):
    rhythm: Text | None = None
    travel: Text | None = None
    relations: Relations = Field(default_factory=Relations)


class Requirement(Model):
    """A job's need for a competency: the level expected (or unknown) and an example."""

    competency: Slug
    expected_level: Level | None = None
    example: Text | None = None


class Certifications(Model):
    branch: list[Text] = Field(default_factory=list, description="Certifications of the branch")
    outside_branch: list[Text] = Field(
        default_factory=list, description="Certifications from outside the branch"
    )


class MobilityLink(Model):
    """A possible move from or to another job: a sheet of the referential or a free label."""

    target: Slug | None = Field(default=None, description="Id of a sheet of the referential")
    target_label: Text | None = Field(
        default=None, description="Label of the target when it is not in the referential"
    )
    direction: Direction | None = None
    proximity: Proximity | None = None
    sector: Sector | None = None

    @model_validator(mode="after")
    def _check(self) -> MobilityLink:
        if self.target is None and self.target_label is None:
            raise ValueError("a mobility link needs a target (sheet id) or a target_label")
        return self


class Reading(Model):
    label: Text
    url: IRI | None = None


class Provenance(Model):
    """Where a mapping comes from (``rome-export link --accept`` fills it)."""

    agent: Text
    catalogue_version: Text | None = None
    date: dt.date | None = None


class RomeMapping(Model):
    code: RomeCode
    match: MatchType
    label: Text | None = None
    note: Text | None = None
    provenance: Provenance | None = None


class EscoMapping(Model):
    iri: EscoOccupationIRI
    match: MatchType
    label: Text | None = None
    note: Text | None = None
    provenance: Provenance | None = None


class IscoMapping(Model):
    code: IscoCode
    match: MatchType
    label: Text | None = None
    note: Text | None = None
    provenance: Provenance | None = None


class Mappings(Model):
    rome: list[RomeMapping] = Field(default_factory=list)
    esco: list[EscoMapping] = Field(default_factory=list)
    isco: list[IscoMapping] = Field(default_factory=list)


class Source(Model):
    url: IRI
    retrieved: dt.date | None = None


class JobSheet(Model):
    """``data/jobs/<id>.yaml``: one job sheet; every section of the publisher's page."""

    id: Slug
    code: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = Field(
        default=None, description="The publisher's own code for the sheet, where it has one"
    )
    title: LangMap
    title_feminine: LangMap | None = None
    family: Family | None = None
    alt_titles: dict[LangTag, list[Text]] = Field(
        default_factory=dict, description="Alternative titles by language"
    )
    purpose: Text | None = Field(default=None, description="Finalité du métier")
    missions: list[Mission] = Field(default_factory=list)
    work_context: WorkContext = Field(default_factory=WorkContext)
    working_conditions: WorkingConditions = Field(default_factory=WorkingConditions)
    requirements: list[Requirement] = Field(default_factory=list)
    certifications: Certifications = Field(default_factory=Certifications)
    mobility: list[MobilityLink] = Field(default_factory=list)
    mobility_note: Text | None = Field(
        default=None, description="The publisher's notice under the mobility links"
    )
    access: Text | None = Field(
        default=None, description="How one enters the job: diplomas, experience (ROME 'accès')"
    )
    trends: list[Text] = Field(default_factory=list, description="Tendances nationales")
    further_reading: list[Reading] = Field(default_factory=list)
    mappings: Mappings = Field(default_factory=Mappings)
    source: Source | None = None
    modified: dt.date | None = None

    @model_validator(mode="after")
    def _check(self) -> JobSheet:
        _require_french(self.title, "a job sheet's title")
        return self


# ----------------------------------------------------------------------- referential


class Referential(Model):
    """A whole referential: the dataset, its shared competencies and its job sheets.

    Jobs and competencies are kept sorted by id so that every walk is deterministic.
    """

    dataset: Dataset
    competencies: list[Competency] = Field(default_factory=list)
    jobs: list[JobSheet] = Field(default_factory=list)

    _competency_index: dict[str, Competency] | None = PrivateAttr(default=None)
    _job_index: dict[str, JobSheet] | None = PrivateAttr(default=None)

    def competency(self, competency_id: str) -> Competency | None:
        if self._competency_index is None:
            self._competency_index = {c.id: c for c in self.competencies}
        return self._competency_index.get(competency_id)

    def job(self, job_id: str) -> JobSheet | None:
        if self._job_index is None:
            self._job_index = {j.id: j for j in self.jobs}
        return self._job_index.get(job_id)

    def families(self) -> Iterator[Family]:
        """Each family once, sorted by id (the first sheet's labels win)."""
        seen: dict[str, Family] = {}
        for job in self.jobs:
            if job.family is not None and job.family.id not in seen:
                seen[job.family.id] = job.family
        for key in sorted(seen):
            yield seen[key]
