"""The dev table of docs/ner.md: rules alone, model alone and combined, per label.

Runs the `kg eval` scoring (:func:`kg.nlp.evaluate.evaluate_records`) in three modes
on SciER dev, SciERC dev, the TDMSci sentences held out of training and (for
reference: the model saw 6/7 of it) all of TDMSci train. "Model alone" is the
trained NER with every label it has, METRIC included (the default pipeline leaves
METRIC to the gazetteer). Needs ``training/corpus/tdmsci-dev.jsonl`` from
``training/convert.py``.

Usage::

    python training/dev_table.py [--gold ../shared/gold] > table.md
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("rules", "ner", "combined")


def main() -> None:
    from kg.nlp.evaluate import evaluate_records
    from kg.nlp.pipeline import load_pipeline

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("../shared/gold"))
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    args = parser.parse_args()
    sets = [
        ("scier/dev", args.gold / "scier/dev.jsonl", "scier"),
        ("scierc/dev", args.gold / "scierc/dev.jsonl", "scierc"),
        ("tdmsci held-out", args.corpus / "tdmsci-dev.jsonl", "tdmsci"),
        ("tdmsci/train (model saw 6/7)", args.gold / "tdmsci/train.jsonl", "tdmsci"),
    ]
    results = {}
    for mode in MODES:
        overrides = {"components.ner.labels": ()} if mode == "ner" else None
        nlp = load_pipeline(use_rules=mode != "ner", use_ner=mode != "rules", overrides=overrides)
        for name, path, scheme in sets:
            with path.open(encoding="utf-8") as handle:
                records = [json.loads(line) for line in handle if line.strip()]
            results[name, mode] = evaluate_records(records, scheme, nlp=nlp)

    def cell(s: dict) -> str:
        return f"{100 * s['precision']:.1f} / {100 * s['recall']:.1f} / **{100 * s['f1']:.1f}**"

    lines = ["| gold | label | rules P / R / F1 | model P / R / F1 | combined P / R / F1 |", "|---|---|---|---|---|"]
    for name, _, _ in sets:
        for label in ["overall", *results[name, "rules"]["labels"]]:
            cells = [cell(results[name, m]["overall"] if label == "overall" else results[name, m]["labels"][label])
                     for m in MODES]
            first = name if label == "overall" else ""
            lines.append(f"| {first} | {'all' if label == 'overall' else label} | " + " | ".join(cells) + " |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
