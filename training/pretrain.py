"""Pretrain the NER's ``tok2vec`` on the ACL Anthology abstracts (``spacy pretrain``).

The labelled data is small (SciERC: 350 abstracts); 54k unlabelled abstracts of the
same field can teach the CNN which contexts go together before it sees a label.
spaCy's character objective asks the ``tok2vec`` of ``training/ner.cfg`` to predict
the first and last 4 characters of each word from its context; the weights it
learns then start ``spacy train`` (``--paths.init_tok2vec``). The architecture is
read from ``ner.cfg`` itself, so the two cannot drift apart.

Writes under ``--out`` (default ``training/pretrain``, ignored by git):
``acl.jsonl`` (title + abstract per line), ``pretrain.cfg``, ``weights/model{N}.bin``
per epoch and ``pretrain.json`` (seed, epochs, SHA-256 of the corpus file, of
``ner.cfg`` and of the weights).

Usage::

    python training/pretrain.py [--corpus ../shared/corpora/acl-anthology] [--epochs 1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from convert import sha256  # noqa: E402
from vectors import corpus_files, record_texts  # noqa: E402

#: Added to ner.cfg for pretraining: spaCy's defaults with the character objective.
PRETRAINING = """
[paths]
raw_text = null

[corpora]

[corpora.pretrain]
@readers = "spacy.JsonlCorpus.v1"
path = ${paths.raw_text}
min_length = 5
max_length = 500
limit = 0

[pretraining]
max_epochs = 1
dropout = 0.2
n_save_every = null
n_save_epoch = null
component = "tok2vec"
layer = ""
corpus = "corpora.pretrain"

[pretraining.batcher]
@batchers = "spacy.batch_by_words.v1"
size = 3000
discard_oversize = false
tolerance = 0.2
get_length = null

[pretraining.objective]
@architectures = "spacy.PretrainCharacters.v1"
maxout_pieces = 3
hidden_size = 300
n_characters = 4

[pretraining.optimizer]
@optimizers = "Adam.v1"
beta1 = 0.9
beta2 = 0.999
L2_is_weight_decay = true
L2 = 0.01
grad_clip = 1.0
use_averages = true
eps = 1e-8
learn_rate = 0.001
"""


def write_texts(files: list[Path], out: Path) -> int:
    """Title + abstract of every record as ``{"text": ...}`` lines; returns the count."""
    count = 0
    with out.open("w", encoding="utf-8") as sink:
        for text in record_texts(files):
            sink.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
            count += 1
    return count


def main() -> None:
    from spacy.util import load_config
    from thinc.api import Config

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora/acl-anthology"))
    parser.add_argument("--config", type=Path, default=HERE / "ner.cfg")
    parser.add_argument("--out", type=Path, default=HERE / "pretrain")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--objective", choices=["characters", "vectors"], default="characters",
                        help="predict each word's first/last 4 characters, or its word2vec vector")
    parser.add_argument("--vectors", type=Path, default=HERE / "vectors" / "spacy",
                        help="vectors.py's output, for --objective vectors")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    files = corpus_files(args.corpus)
    texts = args.out / "acl.jsonl"
    n_docs = write_texts(files, texts)
    config = load_config(args.config, interpolate=False).merge(Config().from_str(PRETRAINING, interpolate=False))
    config["paths"]["raw_text"] = str(texts)
    config["pretraining"]["max_epochs"] = args.epochs
    if args.objective == "vectors":
        # The tok2vec (no static vectors in its input) learns to predict each word's ACL
        # word2vec vector: the vectors' knowledge without shipping the table.
        config["nlp"]["vectors"] = {"@vectors": "kg_training.disk_vectors.v1",
                                    "path": str(args.vectors / "vocab")}
        config["pretraining"]["objective"] = {"@architectures": "spacy.PretrainVectors.v1",
                                              "maxout_pieces": 3, "hidden_size": 300, "loss": "cosine"}
    cfg_path = args.out / "pretrain.cfg"
    config.to_disk(cfg_path)
    weights = args.out / "weights"
    started = time.time()
    subprocess.run([sys.executable, "-m", "spacy", "pretrain", str(cfg_path), str(weights),
                    "--code", str(HERE / "functions.py")], check=True)
    record = {
        "corpus": {str(p): sha256(p) for p in files},
        "docs": n_docs,
        "objective": ("spacy.PretrainCharacters.v1 (4 characters)" if args.objective == "characters"
                      else f"spacy.PretrainVectors.v1 (cosine) of {args.vectors}"),
        "seed": config["system"]["seed"],
        "epochs": args.epochs,
        "ner_cfg_sha256": sha256(args.config),
        "weights": {p.name: sha256(p) for p in sorted(weights.glob("model*.bin"))},
        "seconds": round(time.time() - started),
    }
    (args.out / "pretrain.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
