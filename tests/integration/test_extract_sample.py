"""Extraction on the bundled sample (kg/data/trending-papers.txt): the models, methods,
datasets, tasks and metrics each abstract names, as read by a person, are found and
typed right; offsets, ids and the `kg extract` output hold their contracts."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from kg.settings import ExtractSettings

#: title prefix -> (text, label) pairs the title or abstract names.
EXPECTED: dict[str, list[tuple[str, str]]] = {
    "Is Model Collapse Inevitable": [("diffusion models", "METHOD"), ("variational autoencoders", "METHOD")],
    "Phenomenal Yet Puzzling": [("inductive reasoning", "TASK"), ("LMs", "MODEL")],
    "A Hierarchical Bayesian Model": [("MAML", "METHOD"), ("variational inference", "METHOD")],
    "Recursive Introspection": [("RISE", "METHOD"), ("Llama2", "MODEL"), ("Llama3", "MODEL"), ("Mistral", "MODEL"),
                                ("Markov decision process", "METHOD")],
    "MOS: Model Surgery": [("Class-Incremental Learning", "TASK"), ("catastrophic forgetting", "TASK")],
    "Feynman-Kac Correctors": [("Sequential Monte Carlo", "METHOD"), ("SMC", "METHOD"),
                               ("classifier-free guidance", "METHOD")],
    "Qwen2.5-Math Technical Report": [
        ("Qwen2.5-Math", "MODEL"), ("Qwen2.5-Math-Instruct", "MODEL"), ("Qwen2-Math-Instruct", "MODEL"),
        ("GSM8K", "DATASET"), ("MATH", "DATASET"), ("GaoKao", "DATASET"), ("AMC23", "DATASET"), ("AIME24", "DATASET"),
        ("supervised fine-tuning", "METHOD"),
    ],
    "Reinforcement Learning for Long-Horizon": [("AppWorld", "DATASET"), ("proximal policy optimization", "METHOD"),
                                                ("LOOP", "METHOD")],
    "HyperInterval": [("HyperInterval", "METHOD"), ("continual learning", "TASK")],
    "Self-Consuming Generative Models": [("Stable Diffusion", "MODEL"), ("CIFAR10", "DATASET")],
    "When, Why and How Much": [("SGD", "METHOD"), ("cosine annealing", "METHOD")],
    "IterComp": [("IterComp", "METHOD"), ("FLUX", "MODEL"), ("Stable Diffusion 3", "MODEL"),
                 ("text-to-image generation", "TASK")],
    "G-ACIL": [("G-ACIL", "METHOD")],
    "Smaller Language Models Are Better": [("GPT-4", "MODEL")],
    "DSI++": [("Natural Questions", "DATASET"), ("MS MARCO", "DATASET"), ("Hits@10", "METRIC")],
    "Monte Carlo Tree Search Boosts": [("Monte Carlo Tree Search", "METHOD"), ("MCTS", "METHOD"), ("GSM8K", "DATASET"),
                                       ("MATH", "DATASET"), ("ARC-C", "DATASET"), ("Mistral-7B", "MODEL"),
                                       ("DPO", "METHOD")],
    "Monotone deep Boltzmann machines": [("restricted Boltzmann machine", "METHOD"), ("RBMs", "METHOD")],
    "Specializing Smaller Language Models": [("GPT-3.5", "MODEL"), ("T5", "MODEL"), ("chain-of-thought", "METHOD")],
    "SHERL": [("SHERL", "METHOD"), ("Parameter-efficient transfer learning", "METHOD")],
    "On the Parameterization and Initialization": [("Long Range Arena", "DATASET"), ("S4D", "METHOD")],
    "Investigating the Impact of Model Complexity": [("Hidden Markov Models", "METHOD"), ("HMMs", "METHOD")],
    "AlphaMath Almost Zero": [("Monte Carlo Tree Search", "METHOD"), ("GPT-4", "MODEL"), ("beam search", "METHOD")],
    "Solving robust MDPs": [("IWOCS", "METHOD"), ("value iteration", "METHOD")],
    "Hyperparameters in Continual Learning": [("CIFAR-100", "DATASET"), ("ImageNet-100", "DATASET"),
                                              ("class-incremental learning", "TASK")],
    "Learning Math Reasoning from Self-Sampled": [("GSM8K", "DATASET"), ("MathQA", "DATASET")],
    "SPaR": [("IFEval", "DATASET"), ("GLM-4-9B", "MODEL"), ("LLaMA3-8B", "MODEL"), ("GPT-4-Turbo", "MODEL"),
             ("SPaR", "METHOD")],
    "PFGM++": [("CIFAR-10", "DATASET"), ("FFHQ", "DATASET"), ("FID", "METRIC")],
    "O1 Replication Journey": [("AIME", "DATASET"), ("O1-preview", "MODEL")],
    "Iterative Deepening Sampling": [("Math500", "DATASET"), ("AIME", "DATASET")],
    "Successor Heads": [("GPT-2", "MODEL"), ("Pythia", "MODEL"), ("Llama-2", "MODEL")],
    "Successive Prompting": [("DROP", "DATASET"), ("question answering", "TASK")],
    "Reward-Consistent Dynamics Models": [("D4RL", "DATASET"), ("NeoRL", "DATASET")],
    "Fine-tuning large language models for domain adaptation": [
        ("Llama 3.1 8B", "MODEL"), ("Mistral 7B", "MODEL"), ("Direct Preference Optimization", "METHOD"),
        ("ORPO", "METHOD"),
    ],
    "Order Matters": [("recurrent neural networks", "METHOD"), ("sequence-to-sequence", "METHOD")],
    "How Far Can Camels Go": [("GPT-4", "MODEL"), ("ChatGPT", "MODEL")],
    "KV Prediction for Improved Time to First Token": [("TriviaQA", "DATASET"), ("HumanEval", "DATASET"),
                                                       ("time to first token", "METRIC"), ("TTFT", "METRIC")],
    "Pay Attention to Evolution": [("ReGENN", "METHOD"), ("time-series forecasting", "TASK")],
    "Grokking as the Transition": [("MNIST", "DATASET"), ("neural tangent kernel", "METHOD")],
    "Mechanistically analyzing the effects": [("TinyStories", "DATASET")],
}

#: title prefix -> texts that must not be entities there (ordinary words, wrong senses).
NOT_ENTITIES = {
    "Successor Heads": ["Wild"],
    "MOS: Model Surgery": [],
}


@pytest.fixture(scope="module")
def sample():
    from kg.extract import extract_corpus
    from kg.io.read import SAMPLE_PATH, read_inputs

    corpus = read_inputs([SAMPLE_PATH])
    extraction = extract_corpus(corpus.papers, settings=ExtractSettings(use_ner=False))
    return corpus.papers, extraction


def _paper(papers, prefix):
    hits = [p for p in papers if p.title.startswith(prefix)]
    assert len(hits) == 1, prefix
    return hits[0]


def test_sample_names_are_found_and_typed(sample):
    papers, extraction = sample
    assert len(EXPECTED) >= 30
    for prefix, expected in EXPECTED.items():
        paper = _paper(papers, prefix)
        found = {(m.text, m.label) for m in extraction.mentions[paper.id]}
        missing = [pair for pair in expected if pair not in found]
        assert not missing, (prefix, missing)
    for prefix, words in NOT_ENTITIES.items():
        paper = _paper(papers, prefix)
        assert not {m.text for m in extraction.mentions[paper.id]} & set(words)


def test_papers_own_acronym_is_not_a_known_metric(sample):
    papers, extraction = sample
    mos = [m for m in extraction.mentions[_paper(papers, "MOS: Model Surgery").id] if m.text == "MOS"]
    assert mos and all(m.label != "METRIC" and m.canonical == "MOdel Surgery" for m in mos)
    assert any(m.field == "title" and m.introduced for m in mos)


def test_qwen_size_variants_link_to_their_family(sample):
    papers, extraction = sample
    paper = _paper(papers, "Qwen2.5-Math Technical Report")
    canonical = {m.canonical for m in extraction.mentions[paper.id]}
    for size in ("1.5B", "7B", "72B"):
        assert f"Qwen2.5-Math-Instruct-{size}" in canonical
        entity = extraction.entities[f"qwen2.5-math-instruct-{size.lower()}"]
        assert entity.parent == "qwen2.5-math-instruct" and entity.label == "MODEL"
    assert extraction.entities["qwen2.5-math-instruct"].label == "MODEL"
    title = [m for m in extraction.mentions[paper.id] if m.field == "title"]
    assert any(m.text == "Qwen2.5-Math" and m.introduced for m in title)
    cot = {m.entity_id for m in extraction.mentions[paper.id] if m.text in ("Chain-of-Thought", "CoT")}
    assert len(cot) == 1


def test_loop_is_introduced_and_its_later_uses_follow(sample):
    papers, extraction = sample
    loop = [m for m in extraction.mentions[_paper(papers, "Reinforcement Learning for Long-Horizon").id]
            if m.text == "LOOP"]
    assert len(loop) >= 3 and any(m.introduced for m in loop)
    assert {m.entity_id for m in loop} == {"loop"}
    assert extraction.entities["loop"].source == "pattern"


def test_offsets_ids_and_entities_hold_their_contracts(sample):
    papers, extraction = sample
    assert extraction.not_english == []
    assert len(extraction.mentions) == len(papers)
    for paper in papers:
        for m in extraction.mentions[paper.id]:
            text = paper.title if m.field == "title" else paper.abstract
            assert text[m.start:m.end] == m.text
            s, e = m.sentence
            assert 0 <= s <= m.start and m.end <= e <= len(text)
            assert m.entity_id in extraction.entities and ":" not in m.entity_id
            assert m.label == extraction.entities[m.entity_id].label
            assert m.source in ("gazetteer", "pattern", "abbreviation", "ner") and 0.5 <= m.score <= 1
    generic = {"model", "models", "method", "our approach", "approach", "framework", "dataset"}
    assert not {m.text.lower() for ms in extraction.mentions.values() for m in ms} & generic


def test_extract_to_jsonl_writes_one_object_per_paper(tmp_path):
    from kg.extract import extract_to_jsonl

    records = [
        {"id": "a", "title": "", "abstract": "We fine-tune Llama 3 on GSM8K with LoRA."},
        {"id": "b", "title": "LOOP: RL for agents", "abstract": "We evaluate on AppWorld."},
        {"id": "c", "title": "Ein neues Verfahren für die Übersetzung",
         "abstract": "Wir stellen ein neues Verfahren für die maschinelle Übersetzung mit GPT-4 und der "
                     "Aufmerksamkeit vor, das auf dem Datensatz GSM8K und in der Praxis sehr gut funktioniert."},
    ]
    source = tmp_path / "papers.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "mentions.jsonl"
    extract_to_jsonl([source], str(out), settings=ExtractSettings(use_ner=False))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["title"] for r in rows] == [r["title"] for r in records]
    keys = {"text", "label", "start", "end", "field", "sentence", "entity_id", "canonical", "source", "score"}
    for row, record in zip(rows, records):
        for e in row["entities"]:
            assert set(e) == keys
            assert record[e["field"]][e["start"]:e["end"]] == e["text"]
    assert {(e["text"], e["label"]) for e in rows[0]["entities"]} >= {("Llama 3", "MODEL"), ("GSM8K", "DATASET")}
    assert {(e["text"], e["field"]) for e in rows[1]["entities"]} >= {("LOOP", "title"), ("AppWorld", "abstract")}
    assert rows[2]["entities"] == []


def test_api_extract_yields_mention_records():
    from kg.api import extract
    from kg.types import Paper

    records = list(extract([Paper(id="p", title="GPT-4o on GSM8K", abstract="We use PPO."),
                            Paper(id="s", stub=True)], settings=ExtractSettings(use_ner=False)))
    assert {(r["paper_id"], r["text"], r["label"]) for r in records} >= {
        ("p", "GPT-4o", "MODEL"), ("p", "GSM8K", "DATASET"), ("p", "PPO", "METHOD")}
    assert all(r["paper_id"] == "p" for r in records)


def test_importing_kg_does_not_load_spacy():
    code = "import sys, kg, kg.api, kg.extract, kg.nlp, kg.nlp.evaluate; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_two_worker_processes_give_the_same_extraction(sample):
    from kg.extract import extract_corpus

    papers, _ = sample
    papers = papers * 3  # enough for several chunks per worker
    one = extract_corpus(papers, settings=ExtractSettings(use_ner=False, batch_size=32))
    two = extract_corpus(papers, settings=ExtractSettings(use_ner=False, batch_size=32, n_process=2))
    assert one.mentions == two.mentions and one.entities == two.entities


def test_kg_extract_command_writes_jsonl_to_stdout(tmp_path):
    source = tmp_path / "papers.jsonl"
    source.write_text(json.dumps({"id": "x", "title": "", "abstract": "We evaluate GPT-4o on GSM8K."}) + "\n",
                      encoding="utf-8")
    config = tmp_path / "kg.toml"
    config.write_text("[extract]\nuse_ner = false\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "kg", "extract", str(source), "-o", "-", "--config", str(config)],
                            capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 1 and rows[0]["title"] == "" and rows[0]["id"].endswith("x")
    assert {(e["text"], e["label"]) for e in rows[0]["entities"]} == {("GPT-4o", "MODEL"), ("GSM8K", "DATASET")}


def test_formulas_are_never_entities(sample_build):
    # The sample's "FFHQ 64{times}64 ... when D{=}2048/128" once came out as METHOD "D{=}2048".
    texts = [e["text"] for line in (sample_build / "mentions.jsonl").open() for e in json.loads(line)["entities"]]
    assert texts and not [t for t in texts if re.search(r"[{}=\\$^<>]", t)]
