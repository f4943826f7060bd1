"""Terms shared by the RDF and JSON-LD writers: vocabulary IRIs and the extra node IRIs.

``iris.py`` mints the IRIs DESIGN names; the sheet has more parts than DESIGN lists
(missions, work-context notes, further reading, mapping records, ROME category codes), and
RDF keeps them as nodes with minted IRIs, never blank nodes:

- ``{base}job/{id}/mission/{n}`` — the n-th mission (counted from 1, the sheet's order);
- ``{base}job/{id}/context/specific/{n}`` and ``…/context/organisational/{n}`` — the
  work-context notes;
- ``{base}job/{id}/reading/{n}`` — the n-th further-reading entry;
- ``{base}job/{id}/mapping/rome/{code}``, ``…/mapping/esco/{uuid}``,
  ``…/mapping/isco/{code}`` — one record per mapping (match type, label, note, provenance);
- ``{base}rome/{code}`` — the ``schema:CategoryCode`` of a ROME code, shared by every job
  mapped to it, in the code set ``{base}rome`` (ROME has no official IRI of its own).

Both writers mint through :class:`ExtraIris` so that Turtle and JSON-LD agree to the byte.
"""

from __future__ import annotations

from rome_export.iris import DCTERMS, OWL, RDF, RDFS, RX, SCHEMA, SKOS, XSD

# Labels of the four concept schemes and of the generic levels, in French and English.
SCHEME_LABELS: dict[str, dict[str, str]] = {
    "competencies": {"en": "Macro-competencies", "fr": "Macro-compétences"},
    "families": {"en": "Job families", "fr": "Familles de métiers"},
    "jobs": {"en": "Job sheets", "fr": "Fiches métiers"},
    "levels": {"en": "Proficiency levels", "fr": "Niveaux de maîtrise"},
}
LEVEL_LABELS = {"en": "Level {n}", "fr": "Niveau {n}"}
DESCRIPTOR_LABELS = {"en": "{label} (level {n})", "fr": "{label} (niveau {n})"}
COLLECTION_LABELS = {
    "en": "Proficiency levels, in order",
    "fr": "Niveaux de maîtrise, dans l'ordre",
}
ROME_CODE_SET_NAME = "ROME, Répertoire opérationnel des métiers et des emplois"

TEXT_LANG = "fr"
"""The language of the sheets' free text (purpose, examples, missions…), as DESIGN says."""

# Mapping labels come from the catalogues: ROME is French, ESCO and ISCO (as ESCO
# publishes them in the bundled files) English.
MAPPING_LABEL_LANG = {"rome": "fr", "esco": "en", "isco": "en"}


# Every vocabulary term the writers use, by its compact name (the JSON-LD context uses the
# same compact names, so a reader sees the same words in every format).
T: dict[str, str] = {
    # rdf / rdfs / owl
    "type": f"{RDF}type",
    "first": f"{RDF}first",
    "rest": f"{RDF}rest",
    "nil": f"{RDF}nil",
    "label": f"{RDFS}label",
    "versionInfo": f"{OWL}versionInfo",
    # skos
    "Concept": f"{SKOS}Concept",
    "ConceptScheme": f"{SKOS}ConceptScheme",
    "OrderedCollection": f"{SKOS}OrderedCollection",
    "prefLabel": f"{SKOS}prefLabel",
    "altLabel": f"{SKOS}altLabel",
    "definition": f"{SKOS}definition",
    "notation": f"{SKOS}notation",
    "note": f"{SKOS}note",
    "inScheme": f"{SKOS}inScheme",
    "topConceptOf": f"{SKOS}topConceptOf",
    "hasTopConcept": f"{SKOS}hasTopConcept",
    "broader": f"{SKOS}broader",
    "narrower": f"{SKOS}narrower",
    "related": f"{SKOS}related",
    "member": f"{SKOS}member",
    "memberList": f"{SKOS}memberList",
    "exactMatch": f"{SKOS}exactMatch",
    "closeMatch": f"{SKOS}closeMatch",
    "broadMatch": f"{SKOS}broadMatch",
    "narrowMatch": f"{SKOS}narrowMatch",
    "relatedMatch": f"{SKOS}relatedMatch",
    # dcterms
    "title": f"{DCTERMS}title",
    "description": f"{DCTERMS}description",
    "license": f"{DCTERMS}license",
    "issued": f"{DCTERMS}issued",
    "modified": f"{DCTERMS}modified",
    "source": f"{DCTERMS}source",
    "date": f"{DCTERMS}date",
    # schema.org
    "Occupation": f"{SCHEMA}Occupation",
    "CategoryCode": f"{SCHEMA}CategoryCode",
    "CategoryCodeSet": f"{SCHEMA}CategoryCodeSet",
    "occupationalCategory": f"{SCHEMA}occupationalCategory",
    "codeValue": f"{SCHEMA}codeValue",
    "inCodeSet": f"{SCHEMA}inCodeSet",
    "name": f"{SCHEMA}name",
    "url": f"{SCHEMA}url",
    # rx: classes
    "JobSheet": f"{RX}JobSheet",
    "JobFamily": f"{RX}JobFamily",
    "MacroCompetency": f"{RX}MacroCompetency",
    "LevelDescriptor": f"{RX}LevelDescriptor",
    "ProficiencyLevel": f"{RX}ProficiencyLevel",
    "CompetencyRequirement": f"{RX}CompetencyRequirement",
    "MobilityLink": f"{RX}MobilityLink",
    "Mission": f"{RX}Mission",
    "ContextNote": f"{RX}ContextNote",
    "Reading": f"{RX}Reading",
    "Mapping": f"{RX}Mapping",
    # rx: properties
    "requires": f"{RX}requires",
    "competency": f"{RX}competency",
    "expectedLevel": f"{RX}expectedLevel",
    "example": f"{RX}example",
    "hasCompetency": f"{RX}hasCompetency",
    "level": f"{RX}level",
    "rank": f"{RX}rank",
    "position": f"{RX}position",
    "mobility": f"{RX}mobility",
    "target": f"{RX}target",
    "targetLabel": f"{RX}targetLabel",
    "direction": f"{RX}direction",
    "proximity": f"{RX}proximity",
    "sector": f"{RX}sector",
    "romeCode": f"{RX}romeCode",
    "feminineLabel": f"{RX}feminineLabel",
    "mission": f"{RX}mission",
    "text": f"{RX}text",
    "specificVariable": f"{RX}specificVariable",
    "organisationalContext": f"{RX}organisationalContext",
    "rhythm": f"{RX}rhythm",
    "travel": f"{RX}travel",
    "internalRelation": f"{RX}internalRelation",
    "externalRelation": f"{RX}externalRelation",
    "branchCertification": f"{RX}branchCertification",
    "outsideBranchCertification": f"{RX}outsideBranchCertification",
    "trend": f"{RX}trend",
    "access": f"{RX}access",
    "mobilityNote": f"{RX}mobilityNote",
    "furtherReading": f"{RX}furtherReading",
    "sourceRetrieved": f"{RX}sourceRetrieved",
    "mapping": f"{RX}mapping",
    "matchType": f"{RX}matchType",
    "mappedConcept": f"{RX}mappedConcept",
    "mappingAgent": f"{RX}mappingAgent",
    "catalogueVersion": f"{RX}catalogueVersion",
    # datatypes
    "integer": f"{XSD}integer",
    "xsdDate": f"{XSD}date",
    "string": f"{XSD}string",
}
