"""A "kitchen sink" referential for the RDF / JSON-LD tests: every field of the model used.

Three jobs in two families, shared competencies (one without descriptors), mobility between
sheets and to a free label, every mapping kind with provenance, awkward characters.
Built in Python so that the RDF tests do not depend on the YAML loader.
"""

from __future__ import annotations

from typing import Any

from rome_export.model import Referential

BASE = "https://example.org/ref/"

DATASET: dict[str, Any] = {
    "title": {"fr": "Référentiel d'essai", "en": "Test referential"},
    "description": {"fr": "Tout le modèle", "en": "The whole model"},
    "publisher": {"name": "Essais", "url": "https://example.org/", "email": "a@example.org"},
    "licence": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "base_iri": BASE,
    "version": "2.1.0",
    "issued": "2026-01-02",
    "modified": "2026-02-03",
    "languages": ["fr", "en"],
    "source": "https://example.org/source",
    "landing_page": "https://example.org/landing",
    "keywords": ["métiers"],
}

COMPETENCIES: list[dict[str, Any]] = [
    {"id": "communiquer", "label": {"fr": "Communiquer", "en": "Communicate"},
     "levels": {1: "Écouter", 2: "Rédiger", 3: "Synthétiser", 4: "Coordonner"}},
    {"id": "anglais", "label": {"fr": "Utiliser l'anglais"}, "levels": {}},
    {"id": "budget", "label": {"fr": "Réaliser un budget"},
     "definition": "Chiffrer une activité et en suivre le budget.",
     "levels": {1: "Lister", 2: "Organiser (trésorerie, devis etc.)", 3: "Piloter",
                4: 'Relier "chiffrage" \\ obligations <fiscales> & sociales'}},
]


def _job(job_id: str, **extra: Any) -> dict[str, Any]:
    return {"id": job_id, "title": {"fr": job_id.replace("-", " ").title()}, **extra}


JOBS: list[dict[str, Any]] = [
    _job(
        "office-manager",
        code="OM-01",
        title={"fr": "Office Manager", "en": "Office manager"},
        title_feminine={"fr": "Office Manageuse"},
        family={"id": "services-generaux", "label": {"fr": "Services Généraux",
                                                     "en": "General services"}},
        alt_titles={"fr": ["Assistant RH", "Assistant comptable"], "en": ["Assistant"]},
        purpose="L'Office Manager optimise le fonctionnement de l'entreprise.",
        missions=[{"title": "Assister la direction", "text": "Il assiste.\nSur deux lignes."},
                  {"title": "Produire des livrables", "text": "Il rédige \"tout\"."}],
        work_context={
            "specific_variables": [{"title": "Posture", "text": "Un excellent relationnel."},
                                   {"text": "Sans sous-titre."}],
            "organisational_contexts": [{"title": "Taille", "text": "Variable."}],
        },
        working_conditions={"rhythm": "Horaires de bureau", "travel": "Limités",
                            "relations": {"internal": ["Direction"],
                                          "external": ["Clients", "Fournisseurs"]}},
        requirements=[
            {"competency": "communiquer", "expected_level": 3,
             "example": "Il adapte son discours."},
            {"competency": "anglais", "expected_level": None, "example": "À l'export."},
            {"competency": "budget", "expected_level": 2},
        ],
        certifications={"branch": ["Titre RNCP assistant"], "outside_branch": ["BTS SAM"]},
        mobility=[
            {"target": "assistant-de-direction", "direction": "evolution",
             "proximity": "forte", "sector": "transverses"},
            {"target_label": "Agent d'accueil"},
        ],
        trends=["Plus de numérique."],
        access="Bac+2 en assistanat.",
        mobility_note="Données à titre indicatif.",
        further_reading=[{"label": "Fiche ROME", "url": "https://example.org/rome/M1604"},
                         {"label": "Un livre"}],
        mappings={
            "rome": [{"code": "M1604", "match": "closeMatch", "label": "Assistanat de direction",
                      "note": "proche", "provenance": {"agent": "rome-export link",
                                                       "catalogue_version": "460",
                                                       "date": "2026-03-04"}}],
            "esco": [{"iri": "http://data.europa.eu/esco/occupation/"
                             "a5b5a8b1-1b8f-4a4b-9c0e-3b1b5e1f2a3c",
                      "match": "broadMatch", "label": "office manager"}],
            "isco": [{"code": "3341", "match": "exactMatch", "label": "Office supervisors"}],
        },
        source={"url": "https://example.org/fiche/office-manager", "retrieved": "2026-01-01"},
        modified="2026-01-05",
    ),
    _job(
        "assistant-de-direction",
        family={"id": "services-generaux", "label": {"fr": "Services Généraux",
                                                     "en": "General services"}},
        purpose="Assister la direction.",
        requirements=[{"competency": "communiquer", "expected_level": 2,
                       "example": "Il rédige des notes."},
                      {"competency": "budget", "expected_level": 1}],
        mobility=[{"target": "office-manager", "direction": "provenance",
                   "proximity": "moyenne", "sector": "autre"}],
        mappings={"rome": [{"code": "M1604", "match": "exactMatch"}]},
    ),
    _job(
        "charge-de-communication",
        title={"fr": "Chargé de communication", "en": "Communication officer"},
        family={"id": "communication", "label": {"fr": "Communication"}},
        purpose="Communiquer.",
        requirements=[{"competency": "communiquer", "expected_level": 4}],
    ),
]


def referential(**overrides: Any) -> Referential:
    data = {"dataset": DATASET, "competencies": COMPETENCIES, "jobs": JOBS, **overrides}
    return Referential.model_validate(data, strict=False)
