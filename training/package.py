"""Copy a trained model into the package (``kg/nlp/resources/ner``) with its record.

The shipped folder is the ``spacy train`` output with two changes: its config names
spaCy's stock tokenizer (the serialised ``tokenizer`` file still carries kg's
rules, so ``spacy.load`` of the folder alone tokenizes like kg), and a
``kg_ner.json`` records the seed, the SHA-256 of the training data and config,
the dev scores, and the per-label confidences the component gives its spans
(the model's dev precision for each label).

Usage::

    python training/package.py training/output/model-best --corpus training/corpus
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "kg" / "nlp" / "resources" / "ner"
TOKENIZER = HERE.parent / "kg" / "nlp" / "components" / "tokenizer.py"

#: Which dev set's precision becomes each label's confidence: the scheme whose corpus
#: annotates the label in the users' style (SciER for recent ML papers).
CONFIDENCE_FROM = {"METHOD": ("scier", "Method"), "DATASET": ("scier", "Dataset"),
                   "TASK": ("scier", "Task"), "METRIC": ("tdmsci", "METRIC")}


def package(model: Path, corpus: Path, *, gold: Path, target: Path = TARGET) -> dict:
    """Copy ``model`` to ``target``, score it on dev, write ``kg_ner.json``; return that record."""
    sys.path.insert(0, str(HERE))
    import functions  # noqa: F401
    import spacy
    from convert import sha256
    from evaluate_ner import dev_sets, predict, score

    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(model, target)
    config = target / "config.cfg"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace('@tokenizers = "kg_training.scientific_tokenizer.v1"', '@tokenizers = "spacy.Tokenizer.v1"'),
        encoding="utf-8",
    )
    nlp = spacy.load(target)
    results = {}
    for scheme, records in dev_sets(gold).items():
        results[scheme] = score(records, predict(nlp, records), scheme=scheme)
    label_scores = {}
    for label, (scheme, gold_label) in CONFIDENCE_FROM.items():
        label_scores[label] = round(results[scheme]["per_label"][gold_label]["p"] / 100, 3)
    data = json.loads((corpus / "data.json").read_text(encoding="utf-8"))
    record = {
        "labels": list(nlp.get_pipe("ner").labels),
        "label_scores": label_scores,
        "seed": nlp.config.interpolate()["training"]["seed"],
        "config_sha256": sha256(HERE / "ner.cfg"),
        # The model learnt kg's tokenization; a later tokenizer change calls for retraining.
        "tokenizer_sha256": sha256(TOKENIZER),
        "data": data,
        "dev": {s: r["overall"] for s, r in results.items()},
        "dev_per_label": {s: r["per_label"] for s, r in results.items()},
        "licence": "GPL-3.0 (trained on SciER, GPL-3.0); see docs/ner.md",
    }
    if nlp.vocab.vectors.shape[0]:
        # Static vectors from training/vectors.py: its record (seed, corpus hash) goes along.
        made = HERE / "vectors" / "vectors.json"
        record["vectors"] = {"shape": list(nlp.vocab.vectors.shape), "name": nlp.vocab.vectors.name,
                             **(json.loads(made.read_text(encoding="utf-8")) if made.is_file() else {})}
    (target / "kg_ner.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description="Ship a trained NER model inside the package.")
    parser.add_argument("model", type=Path)
    parser.add_argument("--corpus", type=Path, default=HERE / "corpus")
    parser.add_argument("--gold", type=Path, default=Path("../shared/gold"))
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args()
    record = package(args.model, args.corpus, gold=args.gold, target=args.target)
    print(json.dumps({"dev": record["dev"], "label_scores": record["label_scores"]}, indent=1))


if __name__ == "__main__":
    main()
