"""Job titles as catalogues write them, made comparable.

French job titles come in gendered forms: ROME writes "Assistant / Assistante de direction"
(the masculine, a slash, the feminine, then the words both share) and short forms such as
"Assistant(e) administratif(ve)". :func:`split_gendered` takes the first apart when it can
tell reliably; :func:`normalise` folds case, accents, punctuation, gender marks and plurals
so that labels compare on their words alone. :class:`LabelIndex` holds a catalogue's
labels in that form for fuzzy search.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# "(e)", "(ve)", "(se)", "(tive)", "(ère)": a feminine ending glued to a word.
_GENDER_SUFFIX = re.compile(
    r"(?<=\w)\((?:e|es|ne|le|te|ve|se|euse|rice|trice|tive|ère|ere)\)", re.IGNORECASE
)
_NON_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case without accents: ``Assistante Générale`` → ``assistante generale``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _same_stem(masculine: str, feminine: str) -> bool:
    """True when two words are plausibly the two genders of one word (agent / agente)."""
    a, b = fold(masculine), fold(feminine)
    if a == b:
        return True
    common = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        common += 1
    # Three letters of stem are enough (chef/cheffe, conducteur/conductrice) and keep
    # apart pairs that are different words (steward / hôtesse, homme / femme).
    return common >= 3


def split_gendered(label: str) -> tuple[str, str] | None:
    """``("Assistant de direction", "Assistante de direction")`` or ``None`` if unsure.

    The words before the slash are the masculine ones, preceded perhaps by invariant
    words ("Responsable Commercial / Commerciale"); as many words after the slash are
    their feminine forms, and any words left are shared by both.
    """
    if label.count(" / ") != 1:
        return None
    left, right = (part.split() for part in label.split(" / "))
    if not left or not right:
        return None
    for shared in range(len(left)):
        gendered = left[shared:]
        if len(right) < len(gendered):
            continue
        if all(_same_stem(m, f) for m, f in zip(gendered, right, strict=False)):
            rest = right[len(gendered) :]
            return " ".join(left + rest), " ".join(left[:shared] + right)
    return None


def variants(label: str) -> list[str]:
    """The forms of a label worth matching: both genders when split, else the label."""
    split = split_gendered(label)
    if split is not None:
        return list(split)
    return [label]


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("aux"):
        return word[:-3] + "al"  # commerciaux → commercial
    if len(word) > 3 and word[-1] in "sx" and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def normalise(label: str) -> str:
    """Words of a label, folded: case, accents, "(e)" marks, punctuation, plurals.

    >>> normalise("Assistant(e) administratif(ve) - Ressources Humaines")
    'assistant administratif ressource humaine'
    """
    text = _GENDER_SUFFIX.sub("", unicodedata.normalize("NFC", label))
    words = _NON_WORD.sub(" ", fold(text)).split()
    return " ".join(_singular(word) for word in words)


# ------------------------------------------------------------------------ index


@dataclass(frozen=True, slots=True)
class CatalogueLabel:
    key: str  # ROME code or ESCO IRI
    text: str
    kind: str  # "fiche title", "appellation 38862", "preferredLabel", "altLabel"
    rank: int  # 0: the concept's own name, 1: its main synonym, 2: another synonym


_FUZZY_LIMIT = 40

STEM = 4
"""Letters of a word that a candidate must share with the query (chef/cheffe, agent/agente)."""
CROSS_STEM = 1
"""Across languages only the first letter: cognates differ early (charpentier/carpenter)."""
_STOP_WORDS = frozenset(
    "a au aux d de du des en et l la le les un une pour par sur of and the in for to on".split()  # noqa: SIM905
)


def _stems(norm: str, size: int = STEM) -> set[str]:
    return {word[:size] for word in norm.split() if word not in _STOP_WORDS}


def sort_words(norm: str) -> str:
    """Words in alphabetical order: plain ``ratio`` on these is ``token_sort_ratio``."""
    return " ".join(sorted(norm.split()))


class LabelIndex:
    """Normalised label → the catalogue labels that normalise to it, for one language.

    Keys have their words sorted once here, so that a search is rapidfuzz's plain
    ``ratio`` over prepared strings (``token_sort_ratio`` would split and sort all the
    choices again for every query: 5 times slower on ROME). A search scores only the keys
    that share a word stem (its first :data:`STEM` letters, stop words aside) with the
    query: labels with no word in common are not worth suggesting, and skipping them
    makes a national catalogue linkable in seconds rather than minutes.
    """

    def __init__(self, labels: Iterable[CatalogueLabel]) -> None:
        by_norm: dict[str, list[CatalogueLabel]] = {}
        for label in labels:
            for form in variants(label.text):
                norm = sort_words(normalise(form))
                if norm:
                    entries = by_norm.setdefault(norm, [])
                    if label not in entries:
                        entries.append(label)
        self.by_norm = by_norm
        self.choices = sorted(by_norm)
        self._postings: dict[int, dict[str, list[int]]] = {}
        for size in (STEM, CROSS_STEM):
            postings = self._postings[size] = {}
            for i, choice in enumerate(self.choices):
                for stem in _stems(choice, size):
                    postings.setdefault(stem, []).append(i)

    def search(self, query: str, cutoff: float, stem: int = STEM) -> list[tuple[str, float]]:
        """Keys similar to ``query`` (normalised, words sorted), best first, among those
        sharing the first ``stem`` letters of a word with it."""
        stems = _stems(query, stem)
        postings = self._postings[stem]
        if stems:
            hits = sorted({i for s in stems for i in postings.get(s, ())})
            choices = [self.choices[i] for i in hits]
        else:  # only stop words: nothing to narrow the search with
            choices = self.choices
        found = process.extract(
            query,
            choices,
            scorer=fuzz.ratio,
            processor=None,
            limit=_FUZZY_LIMIT,
            score_cutoff=cutoff * 100,
        )
        return [(choice, score / 100) for choice, score, _ in found]
