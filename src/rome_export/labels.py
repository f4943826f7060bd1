"""Job titles as catalogues write them, made comparable.

French job titles come in gendered forms: ROME writes "Assistant / Assistante de direction"
(the masculine, a slash, the feminine, then the words both share) and short forms such as
"Assistant(e) administratif(ve)". :func:`split_gendered` takes the first apart when it can
tell reliably; :func:`normalise` folds case, accents, punctuation, gender marks and plurals
so that labels compare on their words alone.
"""

from __future__ import annotations

import re
import unicodedata

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
