"""The NER training helpers: gold -> DocBin conversion with missing-label masking, and eval scoring."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

spacy = pytest.importorskip("spacy")
TRAINING = Path(__file__).resolve().parents[2] / "training"
sys.path.insert(0, str(TRAINING))

import convert  # noqa: E402
import evaluate_ner  # noqa: E402


def iob(doc):
    return [(t.text, t.ent_iob_ or "-", t.ent_type_) for t in doc]


def record(text, *ents):
    out = []
    for label, surface in ents:
        start = text.index(surface)
        out.append({"start": start, "end": start + len(surface), "label": label, "text": surface})
    return {"id": "r", "text": text, "entities": out}


def test_gold_labels_are_mapped_and_masked_per_corpus():
    nlp = convert.blank_pipeline("spacy")
    masks = {"METRIC": convert._lexicon_regex({"accuracy"}), "DATASET": convert._lexicon_regex({"imagenet"}),
             "METHOD": convert._lexicon_regex({"lstm"})}
    rec = record("We train ResNet on ImageNet and report accuracy.", ("Method", "ResNet"), ("Dataset", "ImageNet"))
    doc, stats = convert.make_doc(nlp, rec, "scier", masks=masks)
    tags = {t: (i, lab) for t, i, lab in iob(doc)}
    assert tags["ResNet"] == ("B", "METHOD") and tags["ImageNet"] == ("B", "DATASET")
    # SciER has no metric column: its "accuracy" may be one, so it is missing, not outside.
    assert tags["accuracy"] == ("-", "")
    assert tags["train"] == ("O", "")
    assert stats["masked-lexicon"] == 1

    rec = record("An LSTM parser trained on English text improves accuracy.",
                 ("Method", "LSTM parser"), ("Material", "English text"), ("Metric", "accuracy"),
                 ("Generic", "text"))
    doc, _ = convert.make_doc(nlp, rec, "scierc", masks=masks)
    tags = {t: (i, lab) for t, i, lab in iob(doc)}
    assert tags["LSTM"] == ("B", "METHOD") and tags["accuracy"] == ("B", "METRIC")
    # SciERC's Material is not DATASET: missing.
    assert tags["English"] == ("-", "")

    rec = record("An LSTM tagger is tested on the TREC dataset.", ("DATASET", "TREC"))
    doc, _ = convert.make_doc(nlp, rec, "tdmsci", masks=masks)
    tags = {t: (i, lab) for t, i, lab in iob(doc)}
    # TDMSci has no method column.
    assert tags["LSTM"] == ("-", "") and tags["TREC"] == ("B", "DATASET") and tags["tagger"] == ("O", "")


def test_plain_union_keeps_outside_tokens():
    nlp = convert.blank_pipeline("spacy")
    rec = record("We report accuracy.")
    doc, stats = convert.make_doc(nlp, rec, "scier", masks=None)
    assert all(i == "O" for _, i, _ in iob(doc))
    assert not stats


def test_lexicons_leave_out_names_with_two_labels():
    splits = {
        "scier/train": [record("BLEU and ImageNet.", ("Method", "BLEU"), ("Dataset", "ImageNet"))],
        "tdmsci/train": [record("BLEU and ImageNet.", ("METRIC", "BLEU"), ("DATASET", "ImageNet"))],
    }
    lexicons = convert.build_lexicons(splits)
    assert "bleu" not in lexicons["METRIC"] and "bleu" not in lexicons["METHOD"]
    assert "imagenet" in lexicons["DATASET"]


def test_score_uses_the_eval_mappings():
    gold = record("BERT on SQuAD; the approach uses English.", ("Method", "BERT"), ("Material", "SQuAD"),
                  ("Generic", "the approach"), ("OtherScientificTerm", "English"))
    text = gold["text"]

    def at(surface, label):
        return (text.index(surface), text.index(surface) + len(surface), label)

    predictions = [[at("BERT", "MODEL"), at("SQuAD", "DATASET"), at("the approach", "METHOD"),
                    at("uses", "TASK")]]
    result = evaluate_ner.score([gold], predictions, scheme="scierc")
    # MODEL counts as Method, DATASET as Material; the Generic span is dropped; "uses" is wrong.
    assert result["overall"]["tp"] == 2 and result["overall"]["fp"] == 1 and result["overall"]["fn"] == 0
    assert result["per_label"]["Task"]["fp"] == 1
    # TDMSci has no method column: METHOD/MODEL predictions are ignored.
    tdm = evaluate_ner.score([record("BERT", ("TASK", "BERT"))], [[(0, 4, "MODEL")]], scheme="tdmsci")
    assert tdm["overall"] == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 0, "fn": 1}


def test_shipped_model_record_matches_the_shared_gold(shared):
    import json

    from kg.nlp.components.trained_ner import default_model_path

    recorded = json.loads((default_model_path() / "kg_ner.json").read_text(encoding="utf-8"))["data"]["inputs"]
    for name, digest in recorded.items():
        assert convert.sha256(shared / "gold" / name) == digest, f"{name} changed since the model was trained"


def test_vector_corpus_is_kg_tokens_lowercased_one_paper_a_line(tmp_path):
    import json

    import vectors

    corpus = tmp_path / "papers.jsonl"
    rows = [{"title": "BERT-based NER", "abstract": "We fine-tune BERT (Devlin et al.) on CoNLL-2003."},
            {"title": "", "abstract": ""},
            {"title": "Only a title"}]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "tokens.txt"
    count = vectors.write_tokens(vectors.corpus_files(corpus), out)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[1] == "only a title"
    assert count == sum(len(line.split()) for line in lines)
    # The model's own tokens (kg's tokenizer), so vector rows match what it looks up.
    nlp = convert.blank_pipeline("kg")
    assert lines[0].split() == [t.lower_ for t in nlp.make_doc(rows[0]["title"] + " " + rows[0]["abstract"])]


def test_weak_labels_keep_gazetteer_names_and_leave_the_rest_missing():
    import weak_labels

    docs = list(weak_labels.weak_docs(["We evaluate BERT on ImageNet and report accuracy on it today."]))
    assert len(docs) == 1
    doc, counts = docs[0]
    ents = {(e.text, e.label_) for e in doc.ents}
    assert ("ImageNet", "DATASET") in ents and ("BERT", "METHOD") in ents
    assert sum(counts.values()) == len(doc.ents)
    # The gazetteer's silence says nothing: tokens outside its matches are missing, not O.
    assert {t.ent_iob_ for t in doc if not t.ent_type_} == {""}
