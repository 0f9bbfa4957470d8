"""Tokenizer rules that keep scientific names matchable.

spaCy's English rules split ``GSM8K`` into ``GSM8`` + ``K`` (a unit suffix) and keep
``Instruct-1.5B/7B/72B`` as one token. Here every hyphen and slash between letters
or digits is its own token and unit suffixes are not split off, so ``GSM8K``,
``GPT-4o``, ``DSI++``, ``pass@1`` stay whole and ``Qwen2.5-Math-Instruct-1.5B``
becomes ``Qwen2.5 - Math - Instruct - 1.5B``, whose pieces the gazetteer and the
size-variant rule can match. Token boundaries never change the text, so
character offsets stay exact.
"""

from __future__ import annotations

from spacy.lang.char_classes import UNITS
from spacy.lang.en import English
from spacy.tokenizer import Tokenizer
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

__all__ = ["make_scientific_tokenizer", "ScientificTokenizer", "doc_text", "TEXT_KEY"]

#: ``doc.user_data`` key holding the text the doc was made from. ``Doc.text`` joins
#: every token into a new string on each call, which the rule components would
#: otherwise pay several times per doc.
TEXT_KEY = "kg_text"


class ScientificTokenizer(Tokenizer):
    """spaCy's tokenizer that also keeps the input text in ``doc.user_data[TEXT_KEY]``."""

    def __call__(self, text):
        doc = super().__call__(text)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts, batch_size=1000):
        for text in texts:
            yield self(text)


def doc_text(doc) -> str:
    """``doc.text``, from the tokenizer's copy when there is one."""
    text = doc.user_data.get(TEXT_KEY)
    return text if text is not None else doc.text

_HYPHEN_INFIX = r"(?<=[A-Za-z0-9.+])[-–](?=[A-Za-z0-9])"
_SLASH_INFIX = r"(?<=[A-Za-z0-9])/(?=[A-Za-z0-9])"


def make_scientific_tokenizer(nlp, *, split_hyphens: bool = True, split_slashes: bool = True,
                              split_units: bool = False) -> Tokenizer:
    """Build the tokenizer for ``nlp`` from spaCy's English rules plus the changes above.

    Parameters
    ----------
    nlp : Language
        The pipeline whose vocab the tokenizer uses.
    split_hyphens, split_slashes : bool
        Make every hyphen / slash between alphanumerics a token of its own.
    split_units : bool
        Keep spaCy's rule that splits unit suffixes off numbers (``8K`` -> ``8 K``).
    """
    defaults = English.Defaults
    suffixes = list(defaults.suffixes)
    if not split_units:
        units_rule = f"(?<=[0-9])(?:{UNITS})"
        # Keep percentages split ("3.5%" -> "3.5 %"); drop the letter units that break "GSM8K".
        suffixes = [s for s in suffixes if s != units_rule] + [r"(?<=[0-9])%"]
    # A sentence-final period after a mixed name ("... and GSM8K.") is punctuation.
    suffixes.append(r"(?<=[0-9][A-Za-z])\.")
    suffixes.append(r"(?<=[A-Za-z][0-9])\.")
    suffixes.append(r"(?<=\+)\.")
    infixes = list(defaults.infixes)
    if split_hyphens:
        infixes.append(_HYPHEN_INFIX)
    if split_slashes:
        infixes.append(_SLASH_INFIX)
    return ScientificTokenizer(
        nlp.vocab,
        rules=defaults.tokenizer_exceptions,
        prefix_search=compile_prefix_regex(defaults.prefixes).search,
        suffix_search=compile_suffix_regex(suffixes).search,
        infix_finditer=compile_infix_regex(infixes).finditer,
        token_match=defaults.token_match,
        url_match=defaults.url_match,
    )
