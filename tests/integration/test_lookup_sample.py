"""`kg lookup` on the build of the bundled sample (the whole pipeline: read, extract, link, index)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest

from kg.cli import main
from kg.lookups import lookup_entity, lookup_paper

QWEN_REPORT = "Qwen2.5-Math Technical Report: Toward Mathematical Expert Model via Self-Improvement"
DSI_PAPER = "DSI++: Updating Transformer Memory with New Documents"


def run(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def test_gsm8k_lists_the_qwen_math_report(sample_build, capsys):
    code, text, _ = run(["lookup", "GSM8K", "--out", str(sample_build)], capsys)
    assert code == 0
    assert text.startswith("GSM8K  DATASET")
    assert QWEN_REPORT.split(":")[0] in text
    match = lookup_entity("GSM8K", sample_build)["matches"][0]
    qwen = next(p for p in match["papers"] if p["title"] == QWEN_REPORT)
    assert "GSM8K" in qwen["sentence"]


def test_mcts_resolves_to_monte_carlo_tree_search(sample_build, capsys):
    code, text, _ = run(["lookup", "MCTS", "--out", str(sample_build), "--json"], capsys)
    assert code == 0
    match = json.loads(text)["matches"][0]
    assert (match["name"].casefold(), match["label"]) == ("monte carlo tree search", "METHOD")
    assert match["match"] == "alias"


@pytest.mark.parametrize("query", ["gsm 8k", "gsm8k", "Gsm-8K"])
def test_spelling_variants_find_gsm8k(sample_build, capsys, query):
    code, text, _ = run(["lookup", query, "--out", str(sample_build), "--json"], capsys)
    assert code == 0
    assert json.loads(text)["matches"][0]["entity_id"] == "gsm8k"


def test_paper_dsi_plus_plus_shows_what_it_introduces(sample_build, capsys):
    code, text, _ = run(["lookup", "--paper", "DSI++", "--out", str(sample_build)], capsys)
    assert code == 0
    assert text.startswith(DSI_PAPER)
    match = lookup_paper("DSI++", sample_build)["matches"][0]
    assert match["title"] == DSI_PAPER
    assert "DSI++" in [i["name"] for i in match["introduces"]]
    introduces_line = next(line for line in text.splitlines() if line.startswith("introduces"))
    assert "DSI++" in introduces_line


def test_unknown_name_exits_1(sample_build, capsys):
    code, text, _ = run(["lookup", "qqqq zzzz", "--out", str(sample_build)], capsys)
    assert code == 1
    assert "No entity matches" in text and "Closest names:" in text


def test_index_agrees_with_mentions_jsonl(sample_build):
    """Every entity's paper count and papers in the index are the ones mentions.jsonl records."""
    papers_of = defaultdict(set)
    for line in (sample_build / "mentions.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for entity in record["entities"]:
            papers_of[entity["entity_id"]].add(record["id"])
    checked = 0
    for entity_id, papers in sorted(papers_of.items(), key=lambda item: -len(item[1]))[:25]:
        matches = lookup_entity(entity_id, sample_build)["matches"]
        match = next(m for m in matches if m["entity_id"] == entity_id)
        assert match["paper_count"] == len(papers)
        assert {p["id"] for p in match["papers"]} == papers
        assert all(p["sentence"] for p in match["papers"])
        checked += 1
    assert checked > 0
