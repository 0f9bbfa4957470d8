"""The trained NER component: the shipped model loads, finds entities, and leaves the rest of the doc alone."""

from __future__ import annotations

import json

import pytest

spacy = pytest.importorskip("spacy")

from kg.errors import ConfigError  # noqa: E402
from kg.nlp.components.trained_ner import TrainedNER, default_model_path  # noqa: E402


@pytest.fixture(scope="module")
def nlp():
    from kg.nlp.components.tokenizer import make_scientific_tokenizer

    blank = spacy.blank("en")
    blank.tokenizer = make_scientific_tokenizer(blank)
    return blank


@pytest.fixture(scope="module")
def ner(nlp):
    return TrainedNER(nlp)


def spans(doc, key="ner"):
    return {(s.text, s.label_) for s in doc.spans[key]}


def test_shipped_model_is_small_and_recorded():
    path = default_model_path()
    size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    assert size < 8 * 1024 * 1024, f"shipped model is {size / 1e6:.1f} MB; keep it a few MB"
    record = json.loads((path / "kg_ner.json").read_text(encoding="utf-8"))
    assert set(record["labels"]) == {"METHOD", "DATASET", "TASK", "METRIC"}
    assert isinstance(record["seed"], int)
    assert all(len(digest) == 64 for digest in record["data"]["inputs"].values())
    assert all(0.0 < score <= 1.0 for score in record["label_scores"].values())


def test_finds_each_label_in_plain_sentences(nlp, ner):
    doc = ner(nlp("We train a convolutional neural network on ImageNet for image classification."))
    found = spans(doc)
    assert ("ImageNet", "DATASET") in found
    assert ("image classification", "TASK") in found
    assert any(label == "METHOD" and "neural network" in text for text, label in found)
    metrics = spans(ner(nlp("We measure accuracy and F1 on the test set.")))
    assert ("accuracy", "METRIC") in metrics


def test_scores_are_parallel_to_spans_and_come_from_the_record(nlp, ner):
    doc = ner(nlp("Our system improves BLEU on the WMT 2014 English-German machine translation task."))
    group = doc.spans["ner"]
    assert group.attrs["source"] == "ner"
    assert len(group.attrs["scores"]) == len(group) > 0
    for span, score in zip(group, group.attrs["scores"]):
        assert score == ner.scores[span.label_]


def test_rule_entities_and_tensor_are_left_alone(nlp, ner):
    doc = nlp("We fine-tune BERT with LoRA on SQuAD for question answering.")
    doc.ents = [doc.char_span(13, 17, label="MODEL")]
    ner(doc)
    assert [(e.text, e.label_) for e in doc.ents] == [("BERT", "MODEL")]
    assert doc.tensor.size == 0
    # The model predicted freely, not constrained by the rules' entity.
    assert ("SQuAD", "DATASET") in spans(doc)


def test_pipe_matches_call_and_survives_serialisation(nlp, ner):
    texts = ["We evaluate on the Penn Treebank for dependency parsing.",
             "Speech recognition results improve word error rate on LibriSpeech.",
             ""]
    one_by_one = [spans(ner(nlp(t))) for t in texts]
    batched = [spans(d) for d in ner.pipe((nlp(t) for t in texts), batch_size=2)]
    assert batched == one_by_one
    doc = ner(nlp(texts[1]))
    again = spacy.tokens.Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert spans(again) == spans(doc)
    assert again.spans["ner"].attrs["scores"] == doc.spans["ner"].attrs["scores"]


def test_min_score_drops_weak_labels(nlp):
    strict = TrainedNER(nlp, min_score=1.01)
    assert len(strict(nlp("We evaluate on ImageNet.")).spans["ner"]) == 0


def test_missing_model_is_a_config_error(nlp, tmp_path):
    with pytest.raises(ConfigError, match="no trained NER model"):
        TrainedNER(nlp, model_path=str(tmp_path))


def test_labels_option_keeps_only_those_labels(nlp):
    only = TrainedNER(nlp, labels=["DATASET"])
    found = spans(only(nlp("We measure accuracy and F1 on ImageNet for image classification.")))
    assert found and {label for _, label in found} == {"DATASET"}
    with pytest.raises(ConfigError, match="no label MODEL"):
        TrainedNER(nlp, labels=["MODEL"])


def test_stray_punctuation_is_trimmed_but_brackets_kept(nlp):
    from kg.nlp.components.trained_ner import _trim

    doc = nlp("we study inductive reasoning -- and language models (LMs) here")
    assert doc[_trim(doc[2:5])[0]:_trim(doc[2:5])[1]].text == "inductive reasoning"
    lms = doc[6:11]
    assert lms.text == "language models (LMs)"
    assert _trim(lms) == (lms.start, lms.end)


def _tiny_model_with_vectors(path, words):
    """A small tok2vec + ner pipeline whose tok2vec reads static vectors, saved to ``path``."""
    import numpy
    from spacy.training import Example

    model = spacy.blank("en")
    model.vocab.vectors = spacy.vectors.Vectors(strings=model.vocab.strings, shape=(len(words), 4),
                                                name="tiny_vectors")
    for i, word in enumerate(words):
        model.vocab.set_vector(word, numpy.full(4, i + 1, dtype="float32"))
    model.add_pipe("tok2vec", config={"model": {
        "@architectures": "spacy.Tok2Vec.v2",
        "embed": {"@architectures": "spacy.MultiHashEmbed.v2", "width": 8, "attrs": ["NORM"], "rows": [50],
                  "include_static_vectors": True},
        "encode": {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 8, "depth": 1,
                   "window_size": 1, "maxout_pieces": 2}}})
    model.add_pipe("ner")
    doc = model.make_doc("We use ImageNet .")
    examples = [Example.from_dict(doc, {"entities": ["O", "O", "U-DATASET", "O"]})]
    model.initialize(lambda: examples)
    model.to_disk(path)


def test_static_vectors_of_a_model_reach_the_outer_pipeline(tmp_path):
    # spaCy's static-vectors layer reads the docs' vocab: the component must hand the
    # model's table to the outer pipeline, or a vectors model would run without them.
    _tiny_model_with_vectors(tmp_path / "model", ["imagenet", "use"])
    outer = spacy.blank("en")
    TrainedNER(outer, model_path=str(tmp_path / "model"))
    assert outer.vocab.vectors.shape == (2, 4)
    assert outer.vocab.vectors.name == "tiny_vectors"
    other = spacy.blank("en")
    other.vocab.vectors = spacy.vectors.Vectors(strings=other.vocab.strings, shape=(3, 4), name="other")
    with pytest.raises(ConfigError, match="word vectors"):
        TrainedNER(other, model_path=str(tmp_path / "model"))
