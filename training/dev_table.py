"""The dev table of docs/ner.md: rules alone, model alone and combined, per label.

Runs the `kg eval` scoring (:func:`kg.nlp.evaluate.evaluate_records`) in three modes
on SciER dev, SciERC dev, the TDMSci sentences held out of training and (for
reference: the model saw 6/7 of it) all of TDMSci train. "Model alone" is the
trained NER with every label it has, METRIC included (the default pipeline leaves
METRIC to the gazetteer). Needs ``training/corpus/tdmsci-dev.jsonl`` from
``training/convert.py``.

Usage::

    python training/dev_table.py [--gold ../shared/gold] [--model DIR] [--modes ner,combined] > table.md

``--model`` scores a trained model folder other than the shipped one; ``--modes``
runs only some of the three columns (the rules column does not depend on the model).
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
    parser.add_argument("--model", default="", help="a trained model folder (default: the shipped one)")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated among rules, ner, combined")
    args = parser.parse_args()
    modes = [m for m in MODES if m in args.modes.split(",")]
    sets = [
        ("scier/dev", args.gold / "scier/dev.jsonl", "scier"),
        ("scierc/dev", args.gold / "scierc/dev.jsonl", "scierc"),
        ("tdmsci held-out", args.corpus / "tdmsci-dev.jsonl", "tdmsci"),
        ("tdmsci/train (model saw 6/7)", args.gold / "tdmsci/train.jsonl", "tdmsci"),
    ]
    results = {}
    for mode in modes:
        overrides = {"components.ner.labels": ()} if mode == "ner" else {}
        if args.model:
            overrides["components.ner.model_path"] = args.model
        nlp = load_pipeline(use_rules=mode != "ner", use_ner=mode != "rules", overrides=overrides)
        for name, path, scheme in sets:
            with path.open(encoding="utf-8") as handle:
                records = [json.loads(line) for line in handle if line.strip()]
            results[name, mode] = evaluate_records(records, scheme, nlp=nlp)

    def cell(s: dict) -> str:
        return f"{100 * s['precision']:.1f} / {100 * s['recall']:.1f} / **{100 * s['f1']:.1f}**"

    heads = {"rules": "rules", "ner": "model", "combined": "combined"}
    lines = ["| gold | label | " + " | ".join(f"{heads[m]} P / R / F1" for m in modes) + " |",
             "|---|---|" + "---|" * len(modes)]
    for name, _, _ in sets:
        for label in ["overall", *results[name, modes[0]]["labels"]]:
            cells = [cell(results[name, m]["overall"] if label == "overall" else results[name, m]["labels"][label])
                     for m in modes]
            first = name if label == "overall" else ""
            lines.append(f"| {first} | {'all' if label == 'overall' else label} | " + " | ".join(cells) + " |")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
