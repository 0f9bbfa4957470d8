"""Checks on the gazetteer data files in ``kg/nlp/resources/gazetteer``.

The files are hand-written data, so these tests guard the format the loader
relies on and the properties that keep precision up: one surface form belongs
to one entity, parents exist, no generic word is a name. They read the JSON
directly and never import spaCy.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

GAZ = Path(__file__).resolve().parents[2] / "kg" / "nlp" / "resources" / "gazetteer"
FILES = {
    "models.jsonl": "MODEL",
    "methods.jsonl": "METHOD",
    "datasets.jsonl": "DATASET",
    "tasks.jsonl": "TASK",
    "metrics.jsonl": "METRIC",
}
KEYS = {"name", "label", "aliases", "parent", "broad", "case_sensitive"}

# Words that name nothing in particular; none may be a name or an alias unless
# the entry is case-sensitive (and then only in a distinctive spelling).
GENERIC = {
    "model", "models", "method", "methods", "approach", "approaches", "data", "dataset",
    "datasets", "network", "networks", "learning", "attention", "system", "systems",
    "framework", "algorithm", "algorithms", "task", "tasks", "benchmark", "benchmarks",
    "score", "performance", "training", "baseline", "baselines", "architecture",
    "representation", "representations", "features", "feature", "corpus", "corpora",
    "evaluation", "analysis", "technique", "techniques", "results", "experiments",
    "agent", "agents", "policy", "reward", "inference", "prediction", "generation",
    "detection", "recognition", "classification", "translation", "retrieval",
    "segmentation", "tracking", "reasoning", "planning", "optimization", "search",
    "language", "text", "image", "images", "video", "speech", "audio", "graph", "graphs",
    "knowledge", "memory", "quality", "error", "loss", "accuracy rate", "our model",
    "our method", "our approach", "the model", "this paper", "state of the art", "sota",
    "encoder", "decoder", "transformer layer", "layer", "layers", "module", "embedding",
    "embeddings", "tokens", "token", "vision", "human", "humans", "time", "use", "set",
    "test", "train", "dev", "validation", "english", "chinese", "wikipedia articles",
}


def fold(text: str) -> str:
    """Matching key: Unicode-normalised, lower case, hyphens, spaces and underscores removed."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\-_\u2010-\u2015]+", "", text.lower())


def strip_sep(text: str) -> str:
    """Like :func:`fold` but keeps case, for case-sensitive comparisons."""
    return re.sub(r"[\s\-_\u2010-\u2015]+", "", unicodedata.normalize("NFKC", text))


def load() -> list[dict]:
    rows = []
    for fname, label in FILES.items():
        with open(GAZ / fname, encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                assert line.strip(), f"{fname}:{lineno}: blank line"
                rec = json.loads(line)
                rec["_where"] = f"{fname}:{lineno}"
                rec["_file_label"] = label
                rows.append(rec)
    return rows


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load()


def surfaces(rec: dict) -> list[str]:
    return [rec["name"], *rec["aliases"]]


def test_records_have_the_documented_shape(rows):
    for r in rows:
        where = r["_where"]
        assert set(r) - {"_where", "_file_label"} == KEYS, where
        assert r["label"] == r["_file_label"], f"{where}: label {r['label']} in the wrong file"
        assert isinstance(r["aliases"], list), where
        assert isinstance(r["broad"], bool) and isinstance(r["case_sensitive"], bool), where
        assert r["parent"] is None or isinstance(r["parent"], str), where
        for s in surfaces(r):
            assert isinstance(s, str) and s.strip() == s and s, f"{where}: bad surface {s!r}"
            assert fold(s), f"{where}: surface {s!r} is only separators"
            assert "  " not in s, f"{where}: double space in {s!r}"


def test_at_least_1500_entries_and_every_file_filled(rows):
    assert len(rows) >= 1500
    per_label = defaultdict(int)
    for r in rows:
        per_label[r["label"]] += 1
    assert set(per_label) == set(FILES.values())
    assert min(per_label.values()) >= 100


def test_names_are_unique(rows):
    seen: dict[str, str] = {}
    for r in rows:
        assert r["name"] not in seen, f"{r['_where']}: {r['name']!r} also at {seen[r['name']]}"
        seen[r["name"]] = r["_where"]


def test_entity_ids_are_unique(rows):
    """The loader keys entries by the slug of the name; two names with one slug would merge."""
    from kg.nlp.text import slug

    seen: dict[str, str] = {}
    for r in rows:
        key = slug(r["name"])
        assert key not in seen, f"{r['_where']}: {r['name']!r} has the id {key!r} of {seen[key]}"
        seen[key] = f"{r['name']!r} ({r['_where']})"


def test_parents_exist_with_same_label_and_no_cycles(rows):
    by_name = {r["name"]: r for r in rows}
    for r in rows:
        if r["parent"] is None:
            continue
        parent = by_name.get(r["parent"])
        assert parent is not None, f"{r['_where']}: parent {r['parent']!r} is not an entry"
        assert parent["label"] == r["label"], f"{r['_where']}: parent has label {parent['label']}"
        chain, node = {r["name"]}, parent
        while node is not None:
            assert node["name"] not in chain, f"{r['_where']}: parent cycle through {node['name']!r}"
            chain.add(node["name"])
            node = by_name.get(node["parent"]) if node["parent"] else None


def test_no_surface_form_names_two_entities(rows):
    """After folding case, hyphens and spaces a surface form points at one entity.

    The one allowed exception is a deliberate case split: the two spellings differ
    in case and one of them is a single-word name of a case-sensitive entry
    (``MATH`` the dataset); multi-word long forms never split by case.
    """
    owners: dict[str, list[tuple[str, dict]]] = defaultdict(list)
    for r in rows:
        for s in surfaces(r):
            owners[fold(s)].append((s, r))
    clashes = []
    for key, items in owners.items():
        names = {r["name"] for _, r in items}
        if len(names) < 2:
            continue
        for i, (s1, r1) in enumerate(items):
            for s2, r2 in items[i + 1:]:
                if r1["name"] == r2["name"]:
                    continue
                deliberate = strip_sep(s1) != strip_sep(s2) and any(
                    r["case_sensitive"] and " " not in s for s, r in ((s1, r1), (s2, r2))
                )
                if not deliberate:
                    clashes.append(f"{s1!r} ({r1['_where']}) vs {s2!r} ({r2['_where']})")
    assert not clashes, "surface forms shared by two entities:\n" + "\n".join(clashes[:50])


def test_plural_forms_do_not_reach_another_entity(rows):
    """The matcher accepts plural variants unlisted, so a plural must not reduce to another entry."""
    owner, plurals = {}, []
    for r in rows:
        if r["case_sensitive"]:
            continue
        for s in surfaces(r):
            owner.setdefault(fold(s), r["name"])
            # Only a written plural ("GANs", "boxes") is reduced; "QUASAR-S" is a name of its own.
            m = re.fullmatch(r"(.*[A-Za-z0-9])(e?s)", s)
            if m:
                plurals.append((fold(m.group(1)), s, r["name"]))
    clashes = [
        f"{name!r} / {owner[stem]!r} via {s!r}"
        for stem, s, name in plurals
        if stem in owner and owner[stem] != name
    ]
    assert not clashes, "plural of one entity is another:\n" + "\n".join(clashes[:50])


def test_no_generic_word_is_a_case_insensitive_surface(rows):
    bad = [
        f"{s!r} ({r['_where']})"
        for r in rows
        if not r["case_sensitive"]
        for s in surfaces(r)
        if s.lower() in GENERIC
    ]
    assert not bad, "generic words used as names:\n" + "\n".join(bad)


def test_short_surfaces_are_not_plain_lowercase_words(rows):
    """Two-letter surfaces match too much unless written as an acronym (``QA``, ``RL``)."""
    bad = [
        f"{s!r} ({r['_where']})"
        for r in rows
        for s in surfaces(r)
        if len(s) <= 2 and s.islower() and not (r["case_sensitive"] and any(c.isdigit() for c in s))
    ]
    assert not bad, "short lowercase surfaces:\n" + "\n".join(bad)


def resolve(rows: list[dict], text: str) -> list[dict]:
    """Entries whose surfaces match ``text`` the way the matcher does (case only if sensitive)."""
    out = []
    for r in rows:
        for s in surfaces(r):
            same = strip_sep(s) == strip_sep(text) if r["case_sensitive"] else fold(s) == fold(text)
            if same:
                out.append(r)
                break
    return out


@pytest.mark.parametrize(
    ("text", "label", "canonical"),
    [
        ("Qwen2.5-Math", "MODEL", "Qwen2.5-Math"),
        ("Qwen2.5-Math-Instruct", "MODEL", "Qwen2.5-Math-Instruct"),
        ("Qwen2.5-Math-Instruct-72B", "MODEL", "Qwen2.5-Math-Instruct-72B"),
        ("Qwen2-Math-Instruct", "MODEL", "Qwen2-Math-Instruct"),
        ("GSM8K", "DATASET", "GSM8K"),
        ("MATH", "DATASET", "MATH"),
        ("GaoKao", "DATASET", "GaoKao"),
        ("AMC23", "DATASET", "AMC 2023"),
        ("AIME24", "DATASET", "AIME 2024"),
        ("AppWorld", "DATASET", "AppWorld"),
        ("proximal policy optimization", "METHOD", "proximal policy optimization"),
        ("PPO", "METHOD", "proximal policy optimization"),
        ("MCTS", "METHOD", "Monte Carlo tree search"),
        ("Monte Carlo Tree Search", "METHOD", "Monte Carlo tree search"),
        ("CoT", "METHOD", "chain-of-thought prompting"),
        ("SFT", "METHOD", "supervised fine-tuning"),
        ("Llama2", "MODEL", "Llama 2"),
        ("Llama3", "MODEL", "Llama 3"),
        ("LLaMA-3", "MODEL", "Llama 3"),
        ("MAML", "METHOD", "model-agnostic meta-learning"),
        ("class-incremental learning", "TASK", "class-incremental learning"),
        ("time-series forecasting", "TASK", "time-series forecasting"),
        ("text-to-image generation", "TASK", "text-to-image generation"),
        ("pass@1", "METRIC", "pass@1"),
        ("time to first token", "METRIC", "time to first token"),
        ("ResNet-50", "MODEL", "ResNet-50"),
        ("GPT-4o", "MODEL", "GPT-4o"),
        ("CIFAR10", "DATASET", "CIFAR-10"),
        ("SQuAD 2.0", "DATASET", "SQuAD 2.0"),
        ("CoNLL-2003", "DATASET", "CoNLL-2003"),
    ],
)
def test_known_names_resolve_to_one_entity(rows, text, label, canonical):
    found = resolve(rows, text)
    assert [(r["label"], r["name"]) for r in found] == [(label, canonical)]


def test_distinct_versions_stay_apart(rows):
    pairs = [("GPT-4", "GPT-4o"), ("Llama 2", "Llama 3"), ("Qwen2.5", "Qwen2.5-Math"),
             ("SQuAD 1.1", "SQuAD 2.0"), ("CIFAR-10", "CIFAR-100"), ("ROUGE-1", "ROUGE-L")]
    for a, b in pairs:
        ra, rb = resolve(rows, a), resolve(rows, b)
        assert len(ra) == len(rb) == 1 and ra[0]["name"] != rb[0]["name"], (a, b)


def test_size_variants_point_at_their_family(rows):
    by_name = {r["name"]: r for r in rows}
    for size in ("1.5B", "7B", "72B"):
        assert by_name[f"Qwen2.5-Math-Instruct-{size}"]["parent"] == "Qwen2.5-Math-Instruct"


def test_broad_classes_are_marked(rows):
    by_name = {r["name"]: r for r in rows}
    for name in ("large language models", "reinforcement learning", "deep learning",
                 "neural networks", "language models"):
        assert by_name[name]["broad"], name
    assert not by_name["Monte Carlo tree search"]["broad"]


# Curator-linked names left out on purpose: common words, task names or names of
# several things ("CoNLL" is a series, "Hate Speech" a topic, "RTE" also the task,
# "SGD" the optimiser; the dataset is listed as "Schema-Guided Dialogue").
DELIBERATELY_MISSING = {
    "SGD",
    "CoNLL", "Hate Speech", "E2E", "Bio", "Sentence Compression", "Visual Question Answering",
    "WOS", "Xia and Ding, 2019", "Reddit", "FED", "RTE", "PIT", "MR", "HOC", "E-commerce",
}


@pytest.mark.slow
def test_most_linked_curator_dataset_names_are_covered(rows, shared):
    """The 100 dataset names ACL curators linked most often resolve to one DATASET entry."""
    import gzip

    counts: dict[str, int] = defaultdict(int)
    path = shared / "corpora" / "acl-anthology" / "papers-2016plus.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            for name in json.loads(line).get("pwc_datasets") or []:
                counts[name] += 1
    top = sorted(counts, key=counts.get, reverse=True)[:100]
    missing = [n for n in top if n not in DELIBERATELY_MISSING
               and [r["label"] for r in resolve(rows, n)] != ["DATASET"]]
    assert not missing, f"curator names without a DATASET entry: {missing}"
