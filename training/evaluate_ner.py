"""Score a trained NER model on the shared gold with the ``kg eval`` label mappings.

Exact span and label, micro precision/recall/F1, overall and per gold label:

- ``scier``:  Method <- METHOD and MODEL, Dataset <- DATASET, Task <- TASK
- ``scierc``: Method <- METHOD and MODEL, Material <- DATASET, Task, Metric;
  OtherScientificTerm and Generic are ignored, and a prediction on exactly such a
  span is dropped, neither right nor wrong
- ``tdmsci``: TASK, DATASET, METRIC

Predicted labels a corpus has no column for are ignored. This is the model-only
view used while training; ``kg eval`` scores the whole pipeline the same way.

Usage::

    python training/evaluate_ner.py MODEL_DIR [--gold ../shared/gold] [--split dev]

``tdmsci`` is scored on the sentences ``convert.py`` holds out of TDMSci train
(every 7th), since TDMSci has no dev split.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

#: kg label -> gold label, per scheme.
SCHEMES: dict[str, dict[str, str]] = {
    "scier": {"METHOD": "Method", "MODEL": "Method", "DATASET": "Dataset", "TASK": "Task"},
    "scierc": {"METHOD": "Method", "MODEL": "Method", "DATASET": "Material", "TASK": "Task", "METRIC": "Metric"},
    "tdmsci": {"TASK": "TASK", "DATASET": "DATASET", "METRIC": "METRIC"},
}
#: Gold labels whose spans swallow a prediction without scoring it.
IGNORED_GOLD = {"OtherScientificTerm", "Generic"}


def score(records: list[dict], predictions: list[list[tuple[int, int, str]]], *, scheme: str) -> dict:
    """Micro P/R/F1 of ``predictions`` (char spans with kg labels) against ``records``.

    Parameters
    ----------
    records
        Gold records ``{"text", "entities": [{"start", "end", "label"}]}``.
    predictions
        For each record, ``(start, end, kg_label)`` triples.
    scheme
        ``scier``, ``scierc`` or ``tdmsci``.

    Returns
    -------
    dict
        ``{"overall": {"p", "r", "f", "tp", "fp", "fn"}, "per_label": {label: {...}}}``;
        p, r, f are percentages.
    """
    mapping = SCHEMES[scheme]
    columns = set(mapping.values())
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    for record, predicted in zip(records, predictions, strict=True):
        gold = {(e["start"], e["end"], e["label"]) for e in record["entities"] if e["label"] in columns}
        ignored = {(e["start"], e["end"]) for e in record["entities"] if e["label"] in IGNORED_GOLD}
        pred = set()
        for start, end, label in predicted:
            if label in mapping and (start, end) not in ignored:
                pred.add((start, end, mapping[label]))
        for item in pred:
            (tp if item in gold else fp)[item[2]] += 1
        for item in gold - pred:
            fn[item[2]] += 1
    per_label = {label: _prf(tp[label], fp[label], fn[label]) for label in sorted(columns)}
    overall = _prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"overall": overall, "per_label": per_label}


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": round(100 * p, 1), "r": round(100 * r, 1), "f": round(100 * f, 1), "tp": tp, "fp": fp, "fn": fn}


def predict(nlp, records: list[dict]) -> list[list[tuple[int, int, str]]]:
    """The ``(start, end, label)`` of each entity ``nlp`` finds in each record's text, as
    :func:`score` takes them."""
    docs = nlp.pipe((r["text"] for r in records), batch_size=256)
    return [[(e.start_char, e.end_char, e.label_) for e in doc.ents] for doc in docs]


def dev_sets(gold: Path) -> dict[str, list[dict]]:
    """The dev records per scheme (TDMSci: the held-out slice of train)."""
    sys.path.insert(0, str(Path(__file__).parent))
    from convert import load_gold

    splits = load_gold(gold)
    return {"scier": splits["scier/dev"], "scierc": splits["scierc/dev"], "tdmsci": splits["tdmsci/dev"]}


def format_table(results: dict[str, dict]) -> str:
    """A plain-text table of ``{scheme: score()}``."""
    lines = [f"{'scheme':8} {'label':20} {'P':>6} {'R':>6} {'F1':>6}"]
    for scheme, result in results.items():
        o = result["overall"]
        lines.append(f"{scheme:8} {'ALL':20} {o['p']:6.1f} {o['r']:6.1f} {o['f']:6.1f}")
        for label, s in result["per_label"].items():
            lines.append(f"{'':8} {label:20} {s['p']:6.1f} {s['r']:6.1f} {s['f']:6.1f}")
    return "\n".join(lines)


def main() -> None:
    import spacy

    parser = argparse.ArgumentParser(description="Score a trained NER model with the kg eval mappings.")
    parser.add_argument("model", type=Path)
    parser.add_argument("--gold", type=Path, default=Path("../shared/gold"))
    parser.add_argument("--json", type=Path, default=None, help="also write the scores here")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).parent))
    import functions  # noqa: F401  (registers the training tokenizer a model's config may name)

    nlp = spacy.load(args.model)
    results = {}
    for scheme, records in dev_sets(args.gold).items():
        results[scheme] = score(records, predict(nlp, records), scheme=scheme)
    print(format_table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
