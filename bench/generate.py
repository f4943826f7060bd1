"""Write a valid synthetic referential of N job sheets, for benchmarks (issue 8).

    python bench/generate.py --sheets 10000 -o /tmp/ref10k [--seed 1]

The shape follows the baseline study in PERFORMANCE.md: 200 shared competencies with 4
level descriptors each; per sheet 12 requirements (distinct competencies) and 8 mobility
links (targets among the other sheets and free labels; direction, proximity and sector
set on some, unknown on others); French text of realistic length (purpose ≈ 400
characters, 4 missions ≈ 400, examples ≈ 200); alternative titles in French and English,
a work context, working conditions and mappings to ROME, ESCO and ISCO-08.

Every sheet is built with the canonical model and written with the canonical YAML
dumpers of :mod:`rome_export.sources`, so the output is what an author would commit.
The same seed gives byte-identical files: one ``random.Random(seed)`` drives everything,
in a fixed order; no clock, no set iteration.

The text is chosen so that ``rome-export validate`` reports no error and no warning:
sentences end with a full stop (never a comma or a dangling "et"), no brackets, and the
words of job titles never occur in the examples (no "example names another job").
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(ROOT / "src"))

from rome_export.model import Competency, Dataset, JobSheet  # noqa: E402
from rome_export.sources import (  # noqa: E402
    COMPETENCIES_FILE,
    DATASET_FILE,
    JOBS_DIR,
    dump_competencies,
    dump_dataset,
    dump_job,
)
from rome_export.util import gc_tuned  # noqa: E402

N_COMPETENCIES = 200
REQUIREMENTS_PER_SHEET = 12
MOBILITY_PER_SHEET = 8
MISSIONS_PER_SHEET = 4
N_FAMILIES = 24
BASE_IRI = "https://w3id.org/rome-export/bench/"


def _date() -> dt.date:
    """A fresh date object each time: PyYAML writes an anchor and an alias when one object
    appears twice in a document, and aliases are refused by the loader."""
    return dt.date(2026, 1, 15)

# Words of the running text. None of them occurs in a job title (see TITLE_* below), so
# that the "example names another job" rule stays quiet; none ends a sentence badly.
NOUNS = (
    "activité", "analyse", "besoin", "budget", "calendrier", "client", "collaborateur",
    "communication", "conformité", "contrat", "coordination", "décision", "démarche",
    "document", "dossier", "échange", "efficacité", "entreprise", "équipe", "évaluation",
    "fournisseur", "information", "indicateur", "interlocuteur", "livrable", "méthode",
    "mission", "norme", "objectif", "organisation", "outil", "partenaire", "performance",
    "planning", "politique", "priorité", "procédure", "processus", "production", "qualité",
    "rapport", "réglementation", "réunion", "ressource", "résultat", "risque", "sécurité",
    "service", "situation", "solution", "stratégie", "structure", "suivi", "support",
    "tableau", "tâche", "technologie", "territoire", "usage", "valeur", "veille", "direction",
)
ADJECTIVES = (  # invariable in gender, so that "chaque équipe efficace" reads right
    "efficace", "durable", "fiable", "rapide", "juridique", "numérique", "technique",
    "stratégique", "spécifique", "réglementaire", "prioritaire", "complexe", "externe",
    "interne", "logistique", "pratique", "adaptable", "utile", "stable", "solide", "simple",
    "unique", "budgétaire", "documentaire", "lisible", "méthodique", "économique",
    "écologique", "visible", "mobile",
)
VERBS = (
    "analyse", "anime", "assure", "conçoit", "contrôle", "coordonne", "définit",
    "développe", "encadre", "évalue", "garantit", "identifie", "met en œuvre", "mobilise",
    "optimise", "organise", "pilote", "planifie", "prépare", "présente", "propose",
    "réalise", "rédige", "sécurise", "structure", "suit", "supervise", "valide", "veille à",
    "accompagne",
)
SUBJECTS = ("Il", "Elle", "Le professionnel", "La personne en poste", "Il ou elle")
LINKS = (
    "en lien avec", "au service de", "dans le respect de", "à partir de", "auprès de",
    "au regard de", "en cohérence avec", "au sein de",
)
ARTICLES = ("chaque", "leur", "notre", "votre")  # invariable too
TAILS = (
    "selon les besoins du moment", "dans les délais fixés", "avec rigueur et méthode",
    "en toute autonomie", "de manière régulière", "sur la durée", "au quotidien",
    "en continu", "avec discernement",
)

# Job titles: a role, a domain and a qualifier; none of these words appears in the text.
TITLE_ROLES = (
    "Responsable", "Chargé", "Gestionnaire", "Technicien", "Ingénieur", "Consultant",
    "Coordinateur", "Animateur", "Assistant", "Conseiller", "Chef", "Directeur", "Expert",
    "Opérateur", "Analyste", "Architecte", "Délégué", "Référent", "Superviseur", "Agent",
)
TITLE_DOMAINS = (
    "achats", "paie", "logistique", "marketing", "comptabilité", "recrutement", "formation",
    "maintenance", "ventes", "systèmes", "réseaux", "données", "sinistres", "trésorerie",
    "événementiel", "graphisme", "rédaction", "traduction", "audit", "fiscalité", "urbanisme",
    "énergie", "transport", "entrepôt", "chantier", "laboratoire", "export", "import",
    "patrimoine", "crédit", "assurance", "tourisme", "hôtellerie", "restauration", "édition",
    "imprimerie", "électronique", "mécanique", "biologie", "chimie", "textile", "mode",
    "parfumerie", "cosmétique", "bâtiment", "topographie", "géomatique", "cartographie",
    "viticulture", "horticulture",
)
TITLE_QUALIFIERS = (
    "junior", "senior", "confirmé", "principal", "adjoint", "régional", "national",
    "international", "itinérant", "sédentaire",
)
EN_ROLES = (
    "Manager", "Officer", "Administrator", "Technician", "Engineer", "Consultant",
    "Coordinator", "Facilitator", "Assistant", "Adviser", "Lead", "Director", "Specialist",
    "Operator", "Analyst", "Architect", "Delegate", "Contact", "Supervisor", "Agent",
)
COMP_VERBS = (
    "Piloter", "Organiser", "Analyser", "Concevoir", "Animer", "Coordonner", "Gérer",
    "Évaluer", "Négocier", "Communiquer", "Conduire", "Développer", "Sécuriser", "Planifier",
    "Rédiger", "Contrôler", "Accompagner", "Mobiliser", "Structurer", "Optimiser",
)
SECTORS = ("numerique", "ingenierie", "etudes-conseil", "evenement", "transverses", "autre")
DIRECTIONS = ("provenance", "evolution")
PROXIMITIES = ("forte", "moyenne", "lointaine", "autre")
MATCHES = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")

_ASCII = str.maketrans("àâäçéèêëîïôöùûüœ'’ ", "aaaceeeeiioouuuo---")


def slug(text: str) -> str:
    out = text.lower().translate(_ASCII)
    out = "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-" for ch in out)
    return "-".join(p for p in out.split("-") if p)


class Writer:
    """French-looking prose from the seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def sentence(self) -> str:
        r = self.rng
        noun, noun2, noun3 = r.choice(NOUNS), r.choice(NOUNS), r.choice(NOUNS)
        parts = [
            r.choice(SUBJECTS), r.choice(VERBS), r.choice(ARTICLES), noun, r.choice(ADJECTIVES),
            r.choice(LINKS), r.choice(ARTICLES), noun2,
        ]
        if r.random() < 0.6:
            parts += ["et", r.choice(ARTICLES), noun3, r.choice(ADJECTIVES)]
        if r.random() < 0.5:
            parts.append(r.choice(TAILS))
        return " ".join(parts) + "."

    def text(self, target: int) -> str:
        """Sentences until about ``target`` characters (± one sentence)."""
        out: list[str] = []
        length = 0
        while length < target - 40:
            s = self.sentence()
            out.append(s)
            length += len(s) + 1
        return " ".join(out)

    def phrase(self) -> str:
        """A short noun phrase without a final stop (relations, certifications)."""
        r = self.rng
        return f"{r.choice(NOUNS).capitalize()} {r.choice(ADJECTIVES)}"


def competencies(rng: random.Random, w: Writer) -> list[Competency]:
    out: list[Competency] = []
    for i in range(N_COMPETENCIES):
        label = f"{COMP_VERBS[i % len(COMP_VERBS)]} {rng.choice(ARTICLES)} {rng.choice(NOUNS)} "
        label += rng.choice(ADJECTIVES)
        out.append(
            Competency.model_validate(
                {
                    "id": f"{slug(label)}-{i:03d}",
                    "label": {"fr": label, "en": f"Competency {i}"},
                    "levels": {n: w.text(110) for n in (1, 2, 3, 4)},
                }
            )
        )
    return out


def dataset() -> Dataset:
    return Dataset.model_validate(
        {
            "title": {
                "fr": "Référentiel synthétique de banc d'essai",
                "en": "Synthetic benchmark referential",
            },
            "description": {
                "fr": "Un référentiel généré pour mesurer les performances de rome-export.",
                "en": "A generated referential to measure rome-export's performance.",
            },
            "publisher": {"name": "rome-export benchmark"},
            "licence": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "base_iri": BASE_IRI,
            "version": "1.0.0",
            "issued": _date(),
            "languages": ["fr", "en"],
            "keywords": ["banc d'essai"],
        }
    )


def titles(n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(id, French title, English title) of each sheet; ids unique and sorted by index."""
    out = []
    for i in range(n):
        role = rng.randrange(len(TITLE_ROLES))
        domain = rng.choice(TITLE_DOMAINS)
        fr = f"{TITLE_ROLES[role]} {domain} {rng.choice(TITLE_QUALIFIERS)}"
        en = f"{EN_ROLES[role]} {domain}"
        out.append((f"{slug(fr)}-{i:05d}", fr, en))
    return out


def esco_iri(rng: random.Random) -> str:
    return f"http://data.europa.eu/esco/occupation/{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def job(
    i: int, names: list[tuple[str, str, str]], comp_ids: list[str], rng: random.Random,
    w: Writer,
) -> JobSheet:
    job_id, fr, en = names[i]
    family = rng.randrange(N_FAMILIES)
    mobility: list[dict[str, Any]] = []
    for k in range(MOBILITY_PER_SHEET):
        link: dict[str, Any]
        if k < 6 and len(names) > 1:
            other = rng.randrange(len(names) - 1)
            link = {"target": names[other if other < i else other + 1][0]}
        else:
            link = {"target_label": f"{rng.choice(TITLE_ROLES)} {rng.choice(TITLE_DOMAINS)}"}
        if rng.random() < 0.5:
            link["direction"] = rng.choice(DIRECTIONS)
        if rng.random() < 0.6:
            link["proximity"] = rng.choice(PROXIMITIES)
        if rng.random() < 0.4:
            link["sector"] = rng.choice(SECTORS)
        mobility.append(link)
    data: dict[str, Any] = {
        "id": job_id,
        "code": f"B{i:05d}",
        "title": {"fr": fr, "en": en},
        "family": {"id": f"famille-{family:02d}", "label": {"fr": f"Famille {family}"}},
        "alt_titles": {
            "fr": [f"{fr} {q}" for q in rng.sample(TITLE_QUALIFIERS, 2)],
            "en": [f"{en} {rng.choice(('lead', 'officer', 'specialist'))}"],
        },
        "purpose": w.text(400),
        "missions": [
            {"title": f"{rng.choice(COMP_VERBS)} {rng.choice(ARTICLES)} {rng.choice(NOUNS)}",
             "text": w.text(400)}
            for _ in range(MISSIONS_PER_SHEET)
        ],
        "work_context": {
            "specific_variables": [
                {"title": w.phrase(), "text": w.text(250)} for _ in range(2)
            ],
            "organisational_contexts": [{"title": w.phrase(), "text": w.text(250)}],
        },
        "working_conditions": {
            "rhythm": w.text(150),
            "travel": w.text(120),
            "relations": {
                "internal": [w.phrase() for _ in range(2)],
                "external": [w.phrase() for _ in range(3)],
            },
        },
        "requirements": [
            {"competency": c, "expected_level": rng.randint(1, 4), "example": w.text(200)}
            for c in rng.sample(comp_ids, REQUIREMENTS_PER_SHEET)
        ],
        "certifications": {"branch": [w.phrase()], "outside_branch": [w.phrase()]},
        "mobility": mobility,
        "access": w.text(160),
        "trends": [w.text(200)],
        "further_reading": [
            {"label": w.phrase(), "url": f"https://example.org/lectures/{job_id}"}
        ],
        "mappings": {
            "rome": [{"code": f"{rng.choice('ABCDEFGHIJKLMN')}{rng.randrange(1000, 10000)}",
                      "match": rng.choice(MATCHES)}],
            "esco": [{"iri": esco_iri(rng), "match": rng.choice(MATCHES)}],
            "isco": [{"code": f"{rng.randrange(1000, 10000)}", "match": rng.choice(MATCHES)}],
        },
        "source": {"url": f"https://example.org/fiches/{job_id}", "retrieved": _date()},
        "modified": _date(),
    }
    return JobSheet.model_validate(data)


def generate(n: int, out: Path, seed: int = 1) -> int:
    """Write the referential of ``n`` sheets into ``out``; return the number of files."""
    rng = random.Random(seed)
    w = Writer(rng)
    (out / JOBS_DIR).mkdir(parents=True, exist_ok=True)
    with gc_tuned():
        comps = competencies(rng, w)
        comp_ids = [c.id for c in comps]
        (out / DATASET_FILE).write_text(dump_dataset(dataset()), encoding="utf-8")
        (out / COMPETENCIES_FILE).write_text(dump_competencies(comps), encoding="utf-8")
        names = titles(n, rng)
        for i in range(n):
            sheet = job(i, names, comp_ids, rng, w)
            (out / JOBS_DIR / f"{sheet.id}.yaml").write_text(dump_job(sheet), encoding="utf-8")
    return n + 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sheets", type=int, required=True, help="number of job sheets")
    parser.add_argument("-o", "--output", type=Path, required=True, help="directory to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)
    if args.sheets < 1:
        parser.error("--sheets must be at least 1")
    if args.output.exists() and any(args.output.iterdir()):
        parser.error(f"{args.output} exists and is not empty")
    start = time.perf_counter()
    files = generate(args.sheets, args.output, args.seed)
    print(
        f"wrote {files} files ({args.sheets} sheets) to {args.output} "
        f"in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
