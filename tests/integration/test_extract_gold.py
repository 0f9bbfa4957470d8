"""Precision of the rule pipeline on the team's gold corpora (../shared/gold).

The issue's bar: precision of MODEL+METHOD (SciER "Method") and of DATASET each at
least 70% on scier/dev. TDMSci's DATASET precision is held at its measured level
as a regression guard (see docs/extraction.md for the figures and why it is lower).
"""

from __future__ import annotations

import pytest

from kg.nlp.evaluate import evaluate_file
from kg.settings import ExtractSettings

pytestmark = pytest.mark.slow


def test_scier_dev_precision(shared):
    scores = evaluate_file(shared / "gold" / "scier" / "dev.jsonl", "scier", settings=ExtractSettings(), mode="rules")
    assert scores["labels"]["Method"]["precision"] >= 0.70
    assert scores["labels"]["Dataset"]["precision"] >= 0.70
    assert scores["labels"]["Dataset"]["recall"] >= 0.60


def test_tdmsci_train_precision(shared):
    gold = shared / "gold" / "tdmsci" / "train.jsonl"
    lenient = evaluate_file(gold, "tdmsci", settings=ExtractSettings(), mode="rules", corpus_conventions=True)
    assert lenient["labels"]["DATASET"]["precision"] >= 0.55
    assert lenient["labels"]["METRIC"]["precision"] >= 0.65
    strict = evaluate_file(gold, "tdmsci", settings=ExtractSettings(), mode="rules")
    assert strict["labels"]["DATASET"]["precision"] >= 0.42
    assert strict["labels"]["METRIC"]["precision"] >= 0.65
