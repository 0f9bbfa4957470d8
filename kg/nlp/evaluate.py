"""``kg eval``: score the extractor on annotated gold (``../shared/gold`` format).

Micro precision, recall and F1 over exact (start, end, label) spans, overall and
per label, after mapping both sides to the gold corpus's labels:

- ``scier``: Method <- MODEL, METHOD; Dataset <- DATASET; Task <- TASK.
- ``scierc``: Method <- MODEL, METHOD; Material <- DATASET; Task; Metric;
  OtherScientificTerm and Generic are ignored.
- ``tdmsci``: TASK, DATASET, METRIC.

Predicted labels a corpus has no column for are ignored; a prediction on exactly
the span of an ignored gold label is dropped, neither right nor wrong. Nested
family mentions (inside a size variant) are not scored.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from kg.errors import ConfigError, InputError

__all__ = ["SCHEMES", "evaluate_file", "evaluate_records", "score_predictions", "format_scores"]

#: scheme -> (our label -> gold label, gold labels scored, gold labels ignored)
SCHEMES: dict[str, tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]] = {
    "scier": ({"MODEL": "Method", "METHOD": "Method", "DATASET": "Dataset", "TASK": "Task"},
              ("Method", "Dataset", "Task"), ()),
    "scierc": ({"MODEL": "Method", "METHOD": "Method", "DATASET": "Material", "TASK": "Task", "METRIC": "Metric"},
               ("Method", "Material", "Task", "Metric"), ("OtherScientificTerm", "Generic")),
    "tdmsci": ({"DATASET": "DATASET", "TASK": "TASK", "METRIC": "METRIC"}, ("TASK", "DATASET", "METRIC"), ()),
}


def _read_gold(path: Path) -> list[dict]:
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(path, "gold file not found", "pass a JSONL file of {id, text, entities}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record["text"], record["entities"]
        except (ValueError, KeyError, TypeError):
            raise InputError(path, "not a gold record", 'each line must be {"id", "text", "entities": [...]}',
                             record=f"line {number}") from None
        records.append(record)
    return records


def score_predictions(gold: list[set], predicted: list[set], ignored: list[set], labels: tuple[str, ...]) -> dict:
    """Micro P/R/F1 from per-record sets of (start, end, label).

    ``ignored`` holds, per record, the (start, end) spans of ignored gold labels;
    predictions exactly on them are dropped.
    """
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p, ign in zip(gold, predicted, ignored):
        p = {x for x in p if (x[0], x[1]) not in ign}
        for x in p & g:
            tp[x[2]] += 1
        for x in p - g:
            fp[x[2]] += 1
        for x in g - p:
            fn[x[2]] += 1

    def prf(t: int, f_p: int, f_n: int) -> dict[str, float]:
        precision = t / (t + f_p) if t + f_p else 0.0
        recall = t / (t + f_n) if t + f_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1, "tp": t, "fp": f_p, "fn": f_n}

    per_label = {label: prf(tp[label], fp[label], fn[label]) for label in labels}
    overall = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"overall": overall, "labels": per_label}


def evaluate_records(records: list[dict], scheme: str, *, nlp, min_score: float = 0.5) -> dict[str, Any]:
    """Score ``nlp`` on gold ``records`` under ``scheme`` (see :data:`SCHEMES`)."""
    if scheme not in SCHEMES:
        raise ConfigError(f"unknown scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    mapping, labels, ignored_labels = SCHEMES[scheme]
    gold, predicted, ignored = [], [], []
    docs = nlp.pipe(r["text"] for r in records)
    for record, doc in zip(records, docs):
        gold.append({(e["start"], e["end"], e["label"]) for e in record["entities"] if e["label"] in labels})
        ignored.append({(e["start"], e["end"]) for e in record["entities"] if e["label"] in ignored_labels})
        predicted.append({
            (m["start"], m["end"], mapping[m["label"]]) for m in doc._.kg_mentions or []
            if m["label"] in mapping and m["score"] >= min_score and not m["nested"]
        })
    scores = score_predictions(gold, predicted, ignored, labels)
    scores.update({"scheme": scheme, "records": len(records)})
    return scores


def evaluate_file(gold: Path, scheme: str, *, settings, mode: str = "combined") -> dict[str, Any]:
    """``kg eval``: run the pipeline on every gold record and score it.

    Parameters
    ----------
    gold : Path
        JSONL of ``{id, text, entities: [{start, end, label}]}``.
    scheme : str
        ``scier``, ``scierc`` or ``tdmsci``.
    settings : Settings or ExtractSettings
        ``min_score`` is applied to predictions.
    mode : str
        ``rules`` (no trained NER), ``ner`` (trained NER only) or ``combined``.
    """
    from kg.nlp.pipeline import load_pipeline

    if mode not in ("rules", "ner", "combined"):
        raise ConfigError(f"unknown evaluation mode {mode!r}; use rules, ner or combined")
    extract_settings = getattr(settings, "extract", settings)
    nlp = load_pipeline(use_rules=mode != "ner", use_ner=mode != "rules")
    scores = evaluate_records(_read_gold(Path(gold)), scheme, nlp=nlp, min_score=extract_settings.min_score)
    scores.update({"gold": str(gold), "mode": mode})
    return scores


def format_scores(scores: dict[str, Any]) -> str:
    """A plain-text table of the scores (overall first, then per label)."""
    head = f"{scores.get('gold', '')} scheme={scores['scheme']} mode={scores.get('mode', '')} records={scores['records']}"
    lines = [head.strip(), f"{'label':<12}{'P':>8}{'R':>8}{'F1':>8}{'TP':>7}{'FP':>7}{'FN':>7}"]
    rows = [("overall", scores["overall"]), *scores["labels"].items()]
    for label, s in rows:
        lines.append(f"{label:<12}{s['precision']:>8.1%}{s['recall']:>8.1%}{s['f1']:>8.1%}{s['tp']:>7}{s['fp']:>7}{s['fn']:>7}")
    return "\n".join(lines)
