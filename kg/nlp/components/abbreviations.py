"""Abbreviation detection after Schwartz & Hearst (2003), "A simple algorithm for
identifying abbreviation definitions in biomedical text".

For every ``long form (SF)`` in a doc, the long form is the shortest run of words
before the parenthesis whose letters, read right to left, contain the short form's
characters in order, the first one at a word start. Every later occurrence of the
short form (and its plural) is marked too, so "Monte Carlo Tree Search (MCTS)" and
a later "MCTS" resolve to one entity.

Output (serialisable, so ``nlp.pipe(n_process=2)`` works):

- ``doc.spans[span_key]``: long forms labelled ``long`` (``kb_id_`` = the short
  form) and short-form occurrences labelled ``short`` (``kb_id_`` = the long form);
- ``doc._.kg_abbreviations``: ``[[short, long], ...]`` as strings.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.matcher import Matcher
from spacy.tokens import Doc, Span
from kg.nlp.components.tokenizer import doc_text

__all__ = ["AbbreviationDetector", "find_long_form"]


_WORD_START = re.compile(r"(?:^|(?<=[\s\-]))[^\s\-]")


def _initials_start(short: str, candidate: str) -> int | None:
    """Start of the last words of ``candidate`` whose initials spell ``short`` exactly.

    Plain Schwartz-Hearst takes "policy optimization" for PPO (the inner "p" of
    "optimization" matches); an acronym spelled by word initials is preferred.
    """
    letters = [c.lower() for c in short if c.isalnum()]
    if letters and letters[-1] == "s" and len(letters) > 2:
        plural = letters[:-1]  # "CNNs" -> c n n
    else:
        plural = None
    starts = [m.start() for m in _WORD_START.finditer(candidate)]
    for want in (letters, plural):
        if not want or len(want) > len(starts):
            continue
        tail = starts[-len(want):]
        if [candidate[i].lower() for i in tail] == want:
            # the long form starts at the whitespace-delimited word holding the first initial
            return candidate.rfind(" ", 0, tail[0]) + 1
    return None


def find_long_form(short: str, candidate: str) -> int | None:
    """Start offset in ``candidate`` of the long form of ``short``, or None.

    ``candidate`` is the text just before the parenthesis. The scan runs from the
    end of both strings; the short form's first character must start a word.

    Examples
    --------
    >>> cand = "we use Monte Carlo Tree Search"
    >>> cand[find_long_form("MCTS", cand):]
    'Monte Carlo Tree Search'
    """
    initials = _initials_start(short, candidate)
    if initials is not None:
        return initials
    s_i, l_i = len(short) - 1, len(candidate) - 1
    while s_i >= 0:
        char = short[s_i].lower()
        if not char.isalnum():
            s_i -= 1
            continue
        while l_i >= 0 and (
            candidate[l_i].lower() != char
            or (s_i == 0 and l_i > 0 and candidate[l_i - 1].isalnum())
        ):
            l_i -= 1
        if l_i < 0:
            return None
        l_i -= 1
        s_i -= 1
    # The long form starts at the whitespace-delimited word holding the first match.
    return candidate.rfind(" ", 0, l_i + 1) + 1


class AbbreviationDetector:
    """spaCy component: Schwartz-Hearst abbreviation definitions and their later uses.

    Parameters
    ----------
    span_key : str
        Span group written.
    max_short_chars : int
        Longest short form considered (characters).
    max_long_words : int
        Cap on the long form's length in words (besides S&H's ``min(|SF| + 5, 2 |SF|)``).
    """

    def __init__(self, nlp: Language, name: str, *, span_key: str, max_short_chars: int, max_long_words: int):
        self.name = name
        self.span_key = span_key
        self.max_short_chars = max_short_chars
        self.max_long_words = max_long_words
        self.matcher = Matcher(nlp.vocab)
        inner = {"ORTH": {"NOT_IN": ["(", ")", ",", ";", "\n", "\n\n"]}, "IS_SPACE": False}
        self.matcher.add("PAREN", [[{"ORTH": "("}, inner, {"ORTH": ")"}],
                                   [{"ORTH": "("}, inner, inner, {"ORTH": ")"}],
                                   [{"ORTH": "("}, inner, inner, inner, {"ORTH": ")"}]])

    def _short_ok(self, short: str) -> bool:
        if not (2 <= len(short) <= self.max_short_chars) or not short[0].isalnum():
            return False
        if not any(c.isalpha() for c in short) or len(short.split()) > 2:
            return False
        # "(i.e.", "(see", "(ours" and plain lowercase words are not abbreviations.
        return any(c.isupper() for c in short)

    def __call__(self, doc: Doc) -> Doc:
        pairs: list[list[str]] = []
        spans: list[Span] = []
        if doc._.kg_lang in ("", "en"):
            text = doc_text(doc)
            has_sents = doc.has_annotation("SENT_START")  # scans the doc: once, not per match
            for _, start, end in self.matcher(doc):
                open_tok = doc[start]
                short_span = doc[start + 1:end - 1]
                short = short_span.text
                if not self._short_ok(short):
                    continue
                sent_start = open_tok.sent.start if has_sents else 0
                n_words = min(len(short) + 5, 2 * len(short), self.max_long_words)
                window_start = max(sent_start, start - n_words * 2)  # hyphens are tokens; allow for them
                if window_start >= start:
                    continue
                cand_start_char = doc[window_start].idx
                candidate = text[cand_start_char:open_tok.idx].rstrip()
                offset = find_long_form(short, candidate)
                if offset is None:
                    continue
                long_start = cand_start_char + offset
                long_end = cand_start_char + len(candidate)
                long_span = doc.char_span(long_start, long_end, alignment_mode="expand")
                if long_span is None or len(long_span.text.split()) > n_words or len(long_span.text) <= len(short):
                    continue
                if long_span.text.lower() == short.lower():
                    continue
                pairs.append([short, long_span.text])
                spans.append(Span(doc, long_span.start, long_span.end, label="long", kb_id=short))
            for short, long in pairs:
                pattern = re.compile(r"(?<![\w\-])" + re.escape(short) + r"s?(?![\w\-])")
                for match in pattern.finditer(text):
                    span = doc.char_span(match.start(), match.end())
                    if span is not None:
                        spans.append(Span(doc, span.start, span.end, label="short", kb_id=long))
        doc._.kg_abbreviations = pairs
        doc.spans[self.span_key] = spans
        return doc
