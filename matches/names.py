"""How names are compared everywhere: the way an editor reads them, not the way they are spelt."""

import re
import unicodedata

_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"}
)


def fold(text: str) -> str:
    """As an editor reads: "Leão" = "leao", "Kolašinac" = "KOLASINAC", "Loftus-Cheek" = "loftus cheek"."""
    text = unicodedata.normalize("NFKD", text.casefold().translate(_FOLD_LETTERS))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+|_", " ", text).split())
