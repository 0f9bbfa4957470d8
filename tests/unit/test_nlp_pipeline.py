"""The rule pipeline on small texts: tokenizer, abbreviations, gazetteer variants, pattern
rules, typing and normalisation. Uses the packaged gazetteer and, where a test needs
full control, a small one written to tmp_path."""

from __future__ import annotations

import json

import pytest

from kg.nlp.pipeline import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline(use_ner=False)


def mentions(nlp, text):
    return [m for m in nlp(text)._.kg_mentions if m["score"] >= 0.5]


def by_text(nlp, text):
    return {m["text"]: m for m in mentions(nlp, text) if not m["nested"]}


def test_tokenizer_keeps_scientific_names_matchable(nlp):
    words = [t.text for t in nlp.make_doc("GSM8K, GPT-4o, DSI++, PFGM++, pass@1 and Llama-3.1-8B.")]
    for whole in ("GSM8K", "DSI++", "PFGM++", "pass@1", "4o", "8B"):
        assert whole in words
    assert words[-1] == "."  # the sentence-final period is punctuation, not part of "8B"
    pieces = [t.text for t in nlp.make_doc("Qwen2.5-Math-Instruct-1.5B")]
    assert pieces == ["Qwen2.5", "-", "Math", "-", "Instruct", "-", "1.5B"]


def test_offsets_index_the_text_exactly(nlp):
    text = "We fine-tune GPT-4o  on GSM8K\nand AIME24 (see Table 1)."
    for m in mentions(nlp, text):
        assert text[m["start"]:m["end"]] == m["text"]
        s, e = m["sentence"]
        assert s <= m["start"] and m["end"] <= e


def test_abbreviation_long_form_is_canonical_and_short_form_follows(nlp):
    text = ("We combine Monte Carlo Tree Search (MCTS) with a learned critic. "
            "Our MCTS variant is cheap.")
    found = [m for m in mentions(nlp, text) if m["text"] in ("Monte Carlo Tree Search", "MCTS")]
    assert len(found) == 3
    assert {m["entity_id"] for m in found} == {"monte-carlo-tree-search"}
    assert {m["canonical"] for m in found} == {"Monte Carlo tree search"}


def test_unseen_abbreviation_becomes_an_entity_typed_by_its_head(nlp):
    found = by_text(nlp, "We propose a Recurrent Convolutional Network (RCN). The RCN is causal.")
    assert found["Recurrent Convolutional Network"]["label"] == "METHOD"
    assert found["RCN"]["canonical"] == "Recurrent Convolutional Network"
    assert found["RCN"]["source"] == "abbreviation"


def test_papers_own_acronym_beats_a_known_entity_with_that_spelling(nlp):
    found = by_text(nlp, "To this end, we propose MOdel Surgery (MOS) to rescue the model. MOS resists forgetting.")
    assert found["MOS"]["canonical"] == "MOdel Surgery"
    assert found["MOS"]["label"] != "METRIC"


def test_spelling_variants_merge_and_distinct_versions_stay_apart(nlp):
    ids = {}
    for text in ("Llama-3", "Llama 3", "LLaMA 3", "Llama 2", "GPT-4", "GPT-4o", "Qwen2.5", "Qwen2.5-Math"):
        found = mentions(nlp, f"We compare against {text} on this task.")
        assert len(found) == 1, (text, found)
        assert found[0]["label"] == "MODEL", text
        ids[text] = found[0]["entity_id"]
    assert ids["Llama-3"] == ids["Llama 3"] == ids["LLaMA 3"]
    assert ids["Llama 2"] != ids["Llama 3"]
    assert ids["GPT-4"] != ids["GPT-4o"]
    assert ids["Qwen2.5"] != ids["Qwen2.5-Math"]
    assert all(":" not in i and "model" not in i for i in ids.values())


def test_size_variant_list_yields_family_and_each_variant(nlp):
    doc = nlp("We release Qwen2.5-Math-Instruct-1.5B/7B/72B today.")
    canonical = {m["canonical"] for m in doc._.kg_mentions}
    assert {"Qwen2.5-Math-Instruct-1.5B", "Qwen2.5-Math-Instruct-7B", "Qwen2.5-Math-Instruct-72B"} <= canonical
    entities = doc._.kg_entities
    for size in ("1.5b", "7b", "72b"):
        assert entities[f"qwen2.5-math-instruct-{size}"]["parent"] == "qwen2.5-math-instruct"
    assert "qwen2.5-math-instruct" in entities
    seven = next(m for m in doc._.kg_mentions if m["canonical"] == "Qwen2.5-Math-Instruct-7B")
    assert seven["text"] == "7B"


def test_unknown_family_with_size_gets_a_parent(nlp):
    doc = nlp("We fine-tune Zorblax-2-13B and compare it with GPT-4.")
    variant = next(m for m in doc._.kg_mentions if m["text"] == "Zorblax-2-13B")
    assert variant["label"] == "MODEL"
    assert doc._.kg_entities[variant["entity_id"]]["parent"] == "zorblax-2"


def test_pattern_rules_find_unseen_names(nlp):
    found = by_text(nlp, "Blorp: Fast Agents\n\nWe introduce Blorp, a framework for agents. "
                         "We also build the Quuxbench benchmark and evaluate on Zap-QA, FrobSet and GSM8K.")
    assert found["Blorp"]["label"] == "METHOD" and found["Blorp"]["introduced"]
    assert found["Quuxbench"]["label"] == "DATASET"
    assert found["Zap-QA"]["label"] == "DATASET" and found["FrobSet"]["label"] == "DATASET"
    called = by_text(nlp, "We construct a new benchmark called MegaMathEval for this.")
    assert called["MegaMathEval"]["label"] == "DATASET"


def test_generic_words_are_never_entities(nlp):
    text = "Our approach outperforms the proposed method and the model on the benchmark and the dataset."
    assert mentions(nlp, text) == []


def test_languages_after_experiments_on_are_not_datasets(nlp):
    assert not [m for m in mentions(nlp, "We run experiments on English and Chinese.") if m["label"] == "DATASET"]


def test_mixed_case_name_never_matches_an_ordinary_word(nlp):
    assert not [m for m in mentions(nlp, "The outputs are refined by the critic.") if m["text"] == "refined"]


def test_non_english_text_is_left_unextracted(nlp):
    doc = nlp("Wir stellen ein neues Verfahren für die maschinelle Übersetzung mit GPT-4 und der Aufmerksamkeit vor, "
              "das auf dem Datensatz GSM8K und in der Praxis für die Nutzer sehr gut funktioniert und schnell ist.")
    assert doc._.kg_lang == "other" and doc._.kg_mentions == []


def test_custom_gazetteer_from_config(tmp_path):
    folder = tmp_path / "gaz"
    folder.mkdir()
    rows = [
        {"name": "Frobnicator Network", "label": "METHOD", "aliases": ["FrobNet"]},
        {"name": "MATH", "label": "DATASET", "case_sensitive": True},
    ]
    (folder / "mine.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    nlp = load_pipeline(use_ner=False, overrides={"components.kg_gazetteer.path": str(folder)})
    found = by_text(nlp, "We train frobnicator networks and FrobNet on MATH but not on math homework.")
    assert found["frobnicator networks"]["entity_id"] == "frobnicator-network"
    assert found["FrobNet"]["entity_id"] == "frobnicator-network"
    assert found["MATH"]["label"] == "DATASET"
    assert "math" not in found


def test_pipeline_works_with_two_processes(nlp):
    texts = ["We propose LOOP, a variant of proximal policy optimization. LOOP is evaluated on AppWorld."] * 6
    docs = list(nlp.pipe(texts, n_process=2, batch_size=2))
    assert all({m["text"] for m in d._.kg_mentions} >= {"LOOP", "AppWorld"} for d in docs)


def test_descriptive_method_phrases(nlp):
    found = by_text(nlp, "We replace dense convolution by sparse convolution and add simple distillation.")
    assert found["sparse convolution"]["label"] == "METHOD"
    assert "simple distillation" not in found and "distillation" not in {m["text"] for m in mentions(nlp, "simple distillation")}


def test_camelcase_name_counts_only_when_repeated(nlp):
    once = by_text(nlp, "Results improve with FastPose on hard poses.")
    assert "FastPose" not in once
    twice = by_text(nlp, "Results improve with FastPose on hard poses. FastPose runs in real time.")
    assert twice["FastPose"]["label"] == "METHOD"


def test_dataset_name_used_as_a_tag_set_or_style_is_not_a_dataset(nlp):
    found = by_text(nlp, "We map CTB tags to Penn Treebank POS tags, use PTB-style tokenization on "
                         "non-PTB genres and a WordNet-tagged corpus, and train on PTB and WordNet.")
    assert set(found) >= {"PTB", "WordNet"}
    for text in ("CTB", "Penn Treebank", "PTB-style"):
        assert text not in found
    dataset_starts = {m["start"] for m in mentions(nlp, "Datasets like PTB help.") if m["label"] == "DATASET"}
    assert dataset_starts == {len("Datasets like ")}  # "like X" is a list, not "-like"


def test_language_and_version_variants_are_entities_linked_to_their_family(nlp):
    text = ("We train on the Chinese PropBank, the Penn Chinese Treebank (CTB) 5.0, Chinese Treebank 8.0 "
            "and the Spanish/English OPUS corpus, reaching 97.3 on PTB 97.3 points.")
    doc = nlp(text)
    found = {m["text"]: m for m in doc._.kg_mentions if not m["nested"]}
    entities = doc._.kg_entities
    prop = found["Chinese PropBank"]
    assert prop["label"] == "DATASET" and entities[prop["entity_id"]]["parent"] == "propbank"
    assert "propbank" in entities  # the family travels with the variant
    ctb5 = found["Penn Chinese Treebank (CTB) 5.0"]
    assert ctb5["canonical"] == "Chinese Treebank 5.0"  # a known version, by its long form
    assert entities[found["Chinese Treebank 8.0"]["entity_id"]]["parent"] == "chinese-treebank"
    assert "OPUS corpus" in found or "OPUS" in found  # a language pair is left alone
    assert not any(t.startswith("PTB ") for t in found)  # a score is no version


def test_crowdsourcing_platforms_are_not_entities(nlp):
    found = by_text(nlp, "We employ Amazon's Mechanical Turk (AMT) to label tweets and release the "
                         "AMT dataset. Workers on MTurk were paid.")
    assert not found


def test_title_case_named_is_not_a_called_rule(nlp):
    found = by_text(nlp, "Cross-lingual Transfer of Named Entity Recognizers without Parallel Corpora")
    assert "Entity Recognizers" not in found
