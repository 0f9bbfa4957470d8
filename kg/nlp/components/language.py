"""A cheap English check, so that non-English titles and abstracts are reported and
left unextracted instead of being matched against English rules.

The test is the share of very common English function words among the words, plus
the share of letters outside the Latin script. It sets ``doc._.kg_lang`` to
``"en"`` or ``"other"``; later components skip docs that are not English.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc
from kg.nlp.components.tokenizer import doc_text

__all__ = ["LanguageGuard", "english_score"]

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def english_score(text: str, function_words: frozenset[str],
                  foreign_words: frozenset[str] = frozenset()) -> tuple[float, float, int, int, int]:
    """(share of English function words, share of non-Latin letters, number of words,
    English function words, foreign function words) of ``text``."""
    words = _WORD.findall(text)
    if not words:
        return 0.0, 0.0, 0, 0, 0
    lower = [w.lower() for w in words]
    english = sum(w in function_words for w in lower)
    foreign = sum(w in foreign_words for w in lower)
    letters = sum(len(w) for w in words)
    non_latin = sum(1 for w in words for c in w if ord(c) > 0x24F)
    return english / len(words), non_latin / max(letters, 1), len(words), english, foreign


class LanguageGuard:
    """spaCy component: sets ``doc._.kg_lang``.

    Parameters
    ----------
    function_words : list of str
        Common English words counted.
    min_function_share : float
        Below this share of function words a text of ``min_words`` words or more is not English.
    max_non_latin : float
        Above this share of non-Latin letters a text is not English, however short.
    min_words : int
        Shorter texts (a title) skip the function-word share test.
    foreign_function_words : list of str
        Function words of other Latin-script languages (der, und, les, para, ...): a text
        with at least two of them and more of them than English ones is not English.
    """

    def __init__(self, nlp: Language, name: str, *, function_words: list[str], min_function_share: float,
                 max_non_latin: float, min_words: int, foreign_function_words: list[str]):
        self.name = name
        self.function_words = frozenset(w.lower() for w in function_words)
        self.min_function_share = min_function_share
        self.max_non_latin = max_non_latin
        self.min_words = min_words
        self.foreign_words = frozenset(w.lower() for w in foreign_function_words)

    def is_english(self, text: str) -> bool:
        """Whether ``text`` reads as English by the thresholds above."""
        share, non_latin, n_words, english, foreign = english_score(text, self.function_words, self.foreign_words)
        if n_words == 0:
            return True
        if non_latin > self.max_non_latin or (foreign >= 2 and foreign > english):
            return False
        return n_words < self.min_words or share >= self.min_function_share

    def __call__(self, doc: Doc) -> Doc:
        doc._.kg_lang = "en" if self.is_english(doc_text(doc)) else "other"
        return doc
