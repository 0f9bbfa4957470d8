"""Train the issue's reference systems on one corpus each and score them on dev.

Issue 8 states its targets on held-out *test* papers the team does not have, next
to reference figures for "a plain spaCy CNN" trained on one corpus (SciER: 68 on
SciER test; SciERC: 46 on SciERC test). Training the same plain system here and
scoring it on *dev* tells how far dev and test differ for that system, which is
the only way to read kg's dev figures against the test targets.

The plain system: spaCy's own quickstart config (``spacy init config --pipeline
ner --optimize efficiency``), spaCy's tokenizer, one corpus, its gold labels
mapped to kg's (SciERC Material -> DATASET, as ``kg eval`` maps it; labels kg has
no column for are outside), no masking, no rules. Scored by ``evaluate_ner.py``.

Usage::

    python training/reference.py scier scierc [--seed 0] [--out training/reference]

Writes ``<out>/<corpus>-s<seed>/`` (corpus, config, model) and prints one line per
corpus; ``<out>/<corpus>-s<seed>/scores.json`` keeps the full table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import spacy
from spacy.tokens import DocBin

sys.path.insert(0, str(Path(__file__).parent))
from convert import load_gold  # noqa: E402
from evaluate_ner import predict, score  # noqa: E402

#: Gold label -> kg label for the plain systems (every label a scheme scores).
PLAIN_LABELS: dict[str, dict[str, str]] = {
    "scier": {"Method": "METHOD", "Dataset": "DATASET", "Task": "TASK"},
    "scierc": {"Method": "METHOD", "Material": "DATASET", "Task": "TASK", "Metric": "METRIC"},
}


def to_docbin(nlp, records: list[dict], corpus: str) -> DocBin:
    """Records as docs whose ``ents`` are the mapped gold spans (overlaps and
    spans that do not fall on token boundaries are dropped, as a plain converter does)."""
    docbin = DocBin()
    for record in records:
        doc = nlp.make_doc(record["text"])
        spans, taken = [], set()
        for ent in sorted(record["entities"], key=lambda e: (e["start"], -e["end"])):
            label = PLAIN_LABELS[corpus].get(ent["label"])
            span = doc.char_span(ent["start"], ent["end"], label=label) if label else None
            if span is None or taken & set(range(span.start, span.end)):
                continue
            taken.update(range(span.start, span.end))
            spans.append(span)
        doc.set_ents(spans, default="outside")
        docbin.add(doc)
    return docbin


def train_reference(corpus: str, *, gold: Path, out: Path, seed: int) -> dict:
    """Train the plain system on ``corpus`` train, return its dev scores."""
    out.mkdir(parents=True, exist_ok=True)
    nlp = spacy.blank("en")
    splits = load_gold(gold)
    to_docbin(nlp, splits[f"{corpus}/train"], corpus).to_disk(out / "train.spacy")
    to_docbin(nlp, splits[f"{corpus}/dev"], corpus).to_disk(out / "dev.spacy")
    config = out / "config.cfg"
    run = [sys.executable, "-m", "spacy"]
    subprocess.run([*run, "init", "config", str(config), "--lang", "en", "--pipeline", "ner",
                    "--optimize", "efficiency", "--force"], check=True)
    subprocess.run([*run, "train", str(config), "--output", str(out / "model"),
                    "--paths.train", str(out / "train.spacy"), "--paths.dev", str(out / "dev.spacy"),
                    "--system.seed", str(seed)], check=True)
    model = spacy.load(out / "model" / "model-best")
    records = splits[f"{corpus}/dev"]
    result = score(records, predict(model, records), scheme=corpus)
    (out / "scores.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpora", nargs="+", choices=sorted(PLAIN_LABELS))
    parser.add_argument("--gold", type=Path, default=Path("../shared/gold"))
    parser.add_argument("--out", type=Path, default=Path("training/reference"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    for corpus in args.corpora:
        result = train_reference(corpus, gold=args.gold, out=args.out / f"{corpus}-s{args.seed}", seed=args.seed)
        o = result["overall"]
        print(f"{corpus} dev, plain CNN trained on {corpus} train alone (seed {args.seed}): "
              f"P {o['p']} R {o['r']} F1 {o['f']}")


if __name__ == "__main__":
    main()
