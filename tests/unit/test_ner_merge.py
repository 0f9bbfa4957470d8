"""How the resolver merges the trained model's spans with the rule layers (``ner_first_labels``)."""

from __future__ import annotations

import pytest

pytest.importorskip("spacy")

from spacy.tokens import Span, SpanGroup  # noqa: E402

from kg.nlp.pipeline import load_pipeline  # noqa: E402

TEXT = "We train deep convolutional neural networks with LoRA on ImageNet."


def resolve(ner_spans, *, ner_first):
    """Run the pipeline up to the resolver, put ``ner_spans`` in doc.spans["ner"], then resolve."""
    nlp = load_pipeline()
    doc = nlp.make_doc(TEXT)
    for name, proc in nlp.pipeline:
        if name == "kg_resolver":
            break
        if name != "ner":
            doc = proc(doc)
    spans, scores = [], []
    for surface, label, score in ner_spans:
        start = TEXT.index(surface)
        spans.append(doc.char_span(start, start + len(surface), label=label))
        scores.append(score)
    doc.spans["ner"] = SpanGroup(doc, name="ner", spans=spans, attrs={"scores": scores, "source": "ner"})
    resolver = nlp.get_pipe("kg_resolver")
    # The pipeline is cached and shared: set the option for this call only.
    saved, resolver.ner_first = resolver.ner_first, set(ner_first)
    try:
        doc = resolver(doc)
    finally:
        resolver.ner_first = saved
    return {m["text"]: m for m in doc._.kg_mentions}


def test_rule_layers_alone_find_the_known_names():
    found = resolve([], ner_first=["METHOD"])
    assert found["LoRA"]["source"] == "gazetteer"
    assert found["ImageNet"]["label"] == "DATASET"


def test_model_span_beats_an_overlapping_rule_span_only_when_asked():
    ner = [("deep convolutional neural networks", "METHOD", 0.75)]
    gaz = resolve([], ner_first=[])
    inner = [t for t, m in gaz.items() if "convolutional" in t and m["source"] == "gazetteer"]
    if not inner:
        pytest.skip("the gazetteer does not list convolutional neural networks")
    assert "deep convolutional neural networks" not in resolve(ner, ner_first=[])
    found = resolve(ner, ner_first=["METHOD"])
    assert found["deep convolutional neural networks"]["source"] == "ner"
    assert found["deep convolutional neural networks"]["score"] == 0.75
    assert not any(t in found for t in inner if t != "deep convolutional neural networks")


def test_exact_agreement_keeps_the_rule_provenance_and_the_higher_score():
    found = resolve([("LoRA", "METHOD", 0.75), ("ImageNet", "DATASET", 0.7)], ner_first=["METHOD"])
    assert found["LoRA"]["source"] == "gazetteer"
    assert found["LoRA"]["score"] >= 0.75
    # DATASET is not model-first: the gazetteer's match stands.
    assert found["ImageNet"]["source"] == "gazetteer"


def test_model_fills_gaps_the_rules_leave():
    found = resolve([("train", "TASK", 0.6)], ner_first=[])
    assert found["train"]["source"] == "ner" and found["train"]["label"] == "TASK"
