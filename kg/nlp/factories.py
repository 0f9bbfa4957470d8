"""Every spaCy registration of ``kg``: the tokenizer, the components and the doc
extensions. Exposed as ``spacy_factories`` entry points in ``pyproject.toml`` and
imported by :func:`kg.nlp.pipeline.load_pipeline`, so a config naming these
factories loads whichever way spaCy is reached.

Component defaults live in ``default.cfg``; the factories below only wire config
values into the component classes of :mod:`kg.nlp.components`.
"""

from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry

from kg.nlp.components.abbreviations import AbbreviationDetector
from kg.nlp.components.gazetteer import GazetteerMatcher
from kg.nlp.components.language import LanguageGuard
from kg.nlp.components.patterns import PatternRules
from kg.nlp.components.resolver import MentionResolver
from kg.nlp.components.tokenizer import make_scientific_tokenizer
from kg.nlp.components.trained_ner import TrainedNER

__all__ = [
    "create_tokenizer", "make_language_guard", "make_abbreviations", "make_gazetteer", "make_patterns",
    "make_resolver", "make_trained_ner", "register_extensions",
]


def register_extensions() -> None:
    """Doc extensions set by the components (strings, numbers, lists and dicts only)."""
    for name, default in (("kg_lang", ""), ("kg_abbreviations", None), ("kg_mentions", None), ("kg_entities", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


register_extensions()


@registry.tokenizers("kg.tokenizer.v1")
def create_tokenizer(split_hyphens: bool = True, split_slashes: bool = True, split_units: bool = False):
    """Tokenizer keeping GSM8K, GPT-4o, DSI++, pass@1 whole and splitting hyphens between names."""

    def make(nlp):
        return make_scientific_tokenizer(nlp, split_hyphens=split_hyphens, split_slashes=split_slashes,
                                         split_units=split_units)

    return make


@Language.factory("kg_language", assigns=["doc._.kg_lang"], default_config={
    "function_words": ["the", "of", "and", "to", "in", "a", "is", "for", "that", "we", "with", "on", "this",
                       "are", "by", "as", "from", "an", "be", "which", "our", "these", "it", "can"],
    "foreign_function_words": ["der", "die", "das", "und", "ist", "mit", "für", "von", "zur", "eine", "les", "des",
                               "et", "une", "est", "pour", "dans", "avec", "el", "los", "las", "del", "para",
                               "con", "una", "por", "il", "della", "che", "em", "uma", "não", "het", "een", "voor"],
    "min_function_share": 0.12, "max_non_latin": 0.3, "min_words": 25,
})
def make_language_guard(nlp: Language, name: str, function_words: list[str], foreign_function_words: list[str],
                        min_function_share: float, max_non_latin: float, min_words: int) -> LanguageGuard:
    return LanguageGuard(nlp, name, function_words=function_words, min_function_share=min_function_share,
                         max_non_latin=max_non_latin, min_words=min_words,
                         foreign_function_words=foreign_function_words)


@Language.factory("kg_abbreviations", assigns=["doc._.kg_abbreviations"], requires=["token.is_sent_start"],
                  default_config={"span_key": "kg_abbreviations", "max_short_chars": 10, "max_long_words": 10})
def make_abbreviations(nlp: Language, name: str, span_key: str, max_short_chars: int,
                       max_long_words: int) -> AbbreviationDetector:
    return AbbreviationDetector(nlp, name, span_key=span_key, max_short_chars=max_short_chars,
                                max_long_words=max_long_words)


@Language.factory("kg_gazetteer", default_config={
    "path": None, "span_key": "kg_gazetteer", "plurals": True, "acronym_max_len": 5,
})
def make_gazetteer(nlp: Language, name: str, path: Optional[str], span_key: str, plurals: bool,
                   acronym_max_len: int) -> GazetteerMatcher:
    return GazetteerMatcher(nlp, name, path=path, span_key=span_key, plurals=plurals,
                            acronym_max_len=acronym_max_len)


@Language.factory("kg_patterns", default_config={
    "span_key": "kg_patterns", "gazetteer_key": "kg_gazetteer",
    "propose_verbs": [], "called_words": [], "determiners": [], "adjectives": [], "dataset_nouns": [],
    "model_nouns": [], "method_nouns": [], "eval_words": [], "list_openers": [], "eval_gap": 4,
    "title_prefix_max_tokens": 8, "title_stopwords": [], "compound_stop_suffixes": [], "shape_stoplist": [],
    "not_dataset_words": [], "method_heads": [],
    "modifier_stopwords": [], "task_heads": [], "task_context_words": [],
    "event_words": [],
})
def make_patterns(nlp: Language, name: str, span_key: str, gazetteer_key: str, propose_verbs: list[str],
                  called_words: list[str], determiners: list[str], adjectives: list[str], dataset_nouns: list[str],
                  model_nouns: list[str], method_nouns: list[str], eval_words: list[str], list_openers: list[str],
                  eval_gap: int, title_prefix_max_tokens: int, title_stopwords: list[str],
                  compound_stop_suffixes: list[str], shape_stoplist: list[str],
                  not_dataset_words: list[str], method_heads: list[str],
                  modifier_stopwords: list[str], task_heads: list[str],
                  task_context_words: list[str], event_words: list[str]) -> PatternRules:
    return PatternRules(
        nlp, name, span_key=span_key, gazetteer_key=gazetteer_key, propose_verbs=propose_verbs,
        called_words=called_words, determiners=determiners, adjectives=adjectives, dataset_nouns=dataset_nouns,
        model_nouns=model_nouns, method_nouns=method_nouns, eval_words=eval_words, list_openers=list_openers,
        eval_gap=eval_gap, title_prefix_max_tokens=title_prefix_max_tokens, title_stopwords=title_stopwords,
        compound_stop_suffixes=compound_stop_suffixes, shape_stoplist=shape_stoplist,
        not_dataset_words=not_dataset_words, method_heads=method_heads,
        modifier_stopwords=modifier_stopwords, task_heads=task_heads, task_context_words=task_context_words,
        event_words=event_words,
    )


@Language.factory("kg_resolver", assigns=["doc._.kg_mentions", "doc._.kg_entities"], default_config={
    "gazetteer_component": "kg_gazetteer", "gazetteer_key": "kg_gazetteer", "abbreviation_key": "kg_abbreviations",
    "pattern_key": "kg_patterns", "ner_key": "ner", "output_key": "kg_mentions", "use_rules": True, "use_ner": True,
    "scores": {"gazetteer": 0.95, "abbreviation": 0.85, "ner": 0.7}, "introducing_rules": ["title_prefix", "propose"],
    "head_labels": {}, "generic_words": [], "generic_modifiers": [], "propagate": True, "ner_first_labels": [],
    "propagate_min_score": 0.5, "long_form_similarity": 80.0, "scheme_words": [], "scheme_suffixes": [], "scheme_modifiers": [],
    "language_words": [], "non_entities": [],
})
def make_resolver(nlp: Language, name: str, gazetteer_component: str, gazetteer_key: str, abbreviation_key: str,
                  pattern_key: str, ner_key: str, output_key: str, use_rules: bool, use_ner: bool,
                  scores: dict[str, float], introducing_rules: list[str], head_labels: dict[str, list[str]],
                  generic_words: list[str], generic_modifiers: list[str], propagate: bool,
                  ner_first_labels: list[str], propagate_min_score: float,
                  long_form_similarity: float, scheme_words: list[str], scheme_suffixes: list[str],
                  scheme_modifiers: list[str],
                  language_words: list[str], non_entities: list[str]) -> MentionResolver:
    return MentionResolver(
        nlp, name, gazetteer_component=gazetteer_component, gazetteer_key=gazetteer_key,
        abbreviation_key=abbreviation_key, pattern_key=pattern_key, ner_key=ner_key, output_key=output_key,
        use_rules=use_rules, use_ner=use_ner, scores=scores, introducing_rules=introducing_rules,
        head_labels=head_labels, generic_words=generic_words, generic_modifiers=generic_modifiers,
        propagate=propagate, ner_first_labels=ner_first_labels, propagate_min_score=propagate_min_score,
        long_form_similarity=long_form_similarity, scheme_words=scheme_words, scheme_suffixes=scheme_suffixes,
        scheme_modifiers=scheme_modifiers,
        language_words=language_words, non_entities=non_entities,
    )


@Language.factory("kg_trained_ner", default_config={"model_path": "", "spans_key": "ner", "min_score": 0.0,
                                                    "labels": []})
def make_trained_ner(nlp: Language, name: str, model_path: str, spans_key: str, min_score: float,
                     labels: list[str]) -> TrainedNER:
    return TrainedNER(nlp, name, model_path=model_path, spans_key=spans_key, min_score=min_score, labels=labels)
