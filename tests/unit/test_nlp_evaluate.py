"""`kg eval` scoring: micro P/R/F1, label mappings, ignored gold labels, document context."""

from __future__ import annotations

import json

import pytest

from kg.errors import InputError
from kg.nlp.evaluate import evaluate_file, evaluate_records, format_scores, score_predictions
from kg.nlp.pipeline import load_pipeline
from kg.settings import ExtractSettings


def test_micro_scores_and_ignored_spans():
    gold = [{(0, 5, "Method"), (10, 15, "Dataset")}]
    predicted = [{(0, 5, "Method"), (20, 25, "Dataset"), (30, 35, "Method")}]
    ignored = [{(30, 35)}]  # an OtherScientificTerm span: the prediction there is dropped
    scores = score_predictions(gold, predicted, ignored, ("Method", "Dataset"))
    assert scores["overall"]["tp"] == 1 and scores["overall"]["fp"] == 1 and scores["overall"]["fn"] == 1
    assert scores["labels"]["Method"]["precision"] == 1.0
    assert scores["labels"]["Dataset"]["precision"] == 0.0 and scores["labels"]["Dataset"]["recall"] == 0.0
    assert "overall" in format_scores({**scores, "scheme": "scier", "records": 1})


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(use_ner=False)


def test_scier_mapping_merges_model_and_method(nlp):
    text = "We fine-tune GPT-4o with proximal policy optimization on GSM8K."
    start = text.index("GPT-4o")
    ppo = text.index("proximal")
    gsm = text.index("GSM8K")
    record = {"id": "r", "text": text, "entities": [
        {"start": start, "end": start + 6, "label": "Method"},
        {"start": ppo, "end": ppo + len("proximal policy optimization"), "label": "Method"},
        {"start": gsm, "end": gsm + 5, "label": "Dataset"},
    ]}
    scores = evaluate_records([record], "scier", nlp=nlp)
    assert scores["labels"]["Method"]["tp"] == 2 and scores["labels"]["Dataset"]["tp"] == 1
    assert scores["overall"]["precision"] == 1.0


def test_tdmsci_ignores_methods_and_takes_trailing_dataset_noun(nlp):
    text = "We train BERT on the SQuAD dataset and report accuracy."
    squad = text.index("SQuAD")
    acc = text.index("accuracy")
    record = {"id": "t", "text": text, "entities": [
        {"start": squad, "end": squad + len("SQuAD dataset"), "label": "DATASET"},
        {"start": acc, "end": acc + len("accuracy"), "label": "METRIC"},
    ]}
    scores = evaluate_records([record], "tdmsci", nlp=nlp, corpus_conventions=True)
    assert scores["labels"]["DATASET"]["tp"] == 1 and scores["labels"]["METRIC"]["tp"] == 1
    assert scores["overall"]["fp"] == 0  # BERT (a MODEL) has no TDMSci column
    strict = evaluate_records([record], "tdmsci", nlp=nlp)
    assert strict["labels"]["DATASET"]["tp"] == 0 and strict["labels"]["DATASET"]["fp"] == 1


def test_sentences_of_one_document_share_abbreviations(nlp):
    first = "We propose a Recurrent Convolutional Network (RCN) for video."
    second = "The RCN is causal."
    records = [
        {"id": "d:0", "doc_id": "d", "text": first, "entities": []},
        {"id": "d:1", "doc_id": "d", "text": second,
         "entities": [{"start": 4, "end": 7, "label": "Method"}]},
    ]
    scores = evaluate_records(records, "scier", nlp=nlp)
    assert scores["labels"]["Method"]["tp"] == 1


def test_evaluate_file_reads_gold_and_reports_bad_lines(tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "x", "text": "We evaluate on GSM8K.",
                                "entities": [{"start": 15, "end": 20, "label": "Dataset"}]}) + "\n", encoding="utf-8")
    scores = evaluate_file(gold, "scier", settings=ExtractSettings(), mode="rules")
    assert scores["labels"]["Dataset"]["tp"] == 1 and scores["mode"] == "rules"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 1"):
        evaluate_file(bad, "scier", settings=ExtractSettings(), mode="rules")


def _gold(text, *spans, label="DATASET"):
    return {"id": "t", "text": text, "entities": [
        {"start": text.index(s), "end": text.index(s) + len(s), "label": label} for s in spans]}


def test_tdmsci_conventions_take_the_data_noun_phrase_and_names_inside_it(nlp):
    text = "We use the NIST 2003 MT evaluation set and the Penn Treebank WSJ corpus for tuning."
    record = _gold(text, "NIST 2003 MT evaluation set", "Penn Treebank WSJ corpus")
    scores = evaluate_records([record], "tdmsci", nlp=nlp, corpus_conventions=True)
    assert scores["labels"]["DATASET"]["tp"] == 2 and scores["labels"]["DATASET"]["fp"] == 0
    # A function word ends the phrase: "GSM8K and the test set" is two things.
    text = "We evaluate on GSM8K and the MATH test set."
    record = _gold(text, "GSM8K")
    scores = evaluate_records([record], "tdmsci", nlp=nlp, corpus_conventions=True)
    assert scores["labels"]["DATASET"]["tp"] == 1


def test_tdmsci_conventions_join_an_abbreviation_only_right_after_its_long_form(nlp):
    text = "Results on Europarl (ep) improve."
    scores = evaluate_records([_gold(text, "Europarl (ep)")], "tdmsci", nlp=nlp, corpus_conventions=True)
    assert scores["labels"]["DATASET"]["tp"] == 1
    # Two names with a clause and a parenthesis between them stay two spans.
    text = "We use WordNet, as shown by a corpus (BNC) of English."
    gold = _gold(text, "WordNet", "BNC")
    scores = evaluate_records([gold], "tdmsci", nlp=nlp, corpus_conventions=True)
    assert scores["labels"]["DATASET"]["tp"] == 2 and scores["labels"]["DATASET"]["fp"] == 0


def test_scierc_conventions_join_a_long_form_with_its_abbreviation_and_scier_stays_exact(nlp):
    text = "We train a probabilistic context-free grammar (PCFG) on the treebank."
    gold = _gold(text, "probabilistic context-free grammar (PCFG)", label="Method")
    exact = evaluate_records([gold], "scierc", nlp=nlp)
    joined = evaluate_records([gold], "scierc", nlp=nlp, corpus_conventions=True)
    assert exact["labels"]["Method"]["tp"] == 0
    assert joined["labels"]["Method"]["tp"] == 1 and joined["labels"]["Method"]["fp"] == 0
    split = _gold(text, "probabilistic context-free grammar", "PCFG", label="Method")
    assert evaluate_records([split], "scier", nlp=nlp, corpus_conventions=True)["labels"]["Method"]["tp"] == 2
