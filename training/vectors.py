"""Static word vectors for kg's NER, trained on the ACL Anthology abstracts.

SciERC has only 350 training abstracts; word vectors learnt from 54k unlabelled
abstracts of the same field tell the model that "parser" and "tagger" are alike
before it has seen both labelled. Three steps, one command:

1. tokenize every title + abstract of ``../shared/corpora/acl-anthology`` with kg's
   tokenizer (the tokens the model sees in kg), lowercased, one abstract per line;
2. train gensim word2vec on them (skip-gram, one worker and a fixed seed, so the
   run is repeatable);
3. ``spacy init vectors --prune N --attr LOWER``: keep the N most frequent words'
   rows and map every other word to its nearest kept row, so the shipped table stays
   small (N x dim float32).

Writes under ``--out`` (default ``training/vectors``, ignored by git):
``tokens.txt``, ``acl.w2v.txt`` (word2vec text format), ``spacy/`` (the spaCy
pipeline ``[initialize] vectors`` points at) and ``vectors.json`` (parameters,
seed, SHA-256 of the corpus file and of the vector table).

Needs gensim (training only: ``pip install -e .[train]``).

Usage::

    python training/vectors.py [--corpus ../shared/corpora/acl-anthology] [--dim 100] [--prune 20000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from convert import blank_pipeline, sha256  # noqa: E402


def corpus_files(corpus: Path) -> list[Path]:
    """The JSONL(.gz) files of a corpus folder (or the one file given), sorted."""
    if corpus.is_file():
        return [corpus]
    return sorted(p for p in corpus.iterdir() if p.name.endswith((".jsonl", ".jsonl.gz")))


def record_texts(files: list[Path]):
    """Title + abstract of every record of the JSONL(.gz) ``files``, in order."""
    for path in files:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if not line.strip():
                    continue
                record = json.loads(line)
                text = " ".join(t for t in (record.get("title"), record.get("abstract")) if t)
                if text:
                    yield text


def write_tokens(files: list[Path], out: Path) -> int:
    """Tokenize title + abstract of every record with kg's tokenizer; one lowercased doc per line.

    Returns the number of tokens written.
    """
    nlp = blank_pipeline("kg")
    count = 0
    with out.open("w", encoding="utf-8") as handle:
        for doc in nlp.tokenizer.pipe(record_texts(files), batch_size=1000):
            words = [t.lower_ for t in doc if not t.is_space]
            count += len(words)
            handle.write(" ".join(words) + "\n")
    return count


def train_word2vec(tokens: Path, out: Path, *, dim: int, window: int, min_count: int, epochs: int,
                   seed: int) -> int:
    """Train skip-gram word2vec on ``tokens`` (one doc per line) and save it in word2vec text format.

    One worker thread: gensim's multi-threaded training is not repeatable. Returns the
    vocabulary size.
    """
    from gensim.models import Word2Vec
    from gensim.models.word2vec import LineSentence

    model = Word2Vec(LineSentence(str(tokens)), vector_size=dim, window=window, min_count=min_count,
                     sg=1, negative=5, epochs=epochs, workers=1, seed=seed)
    model.wv.save_word2vec_format(str(out), binary=False)
    return len(model.wv)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora/acl-anthology"))
    parser.add_argument("--out", type=Path, default=HERE / "vectors")
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--prune", type=int, default=20000, help="rows kept in the spaCy table")
    parser.add_argument("--seed", type=int, default=8)
    args = parser.parse_args()
    # gensim hashes words when seeding its initial vectors: fix Python's hash seed too.
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    args.out.mkdir(parents=True, exist_ok=True)
    files = corpus_files(args.corpus)
    started = time.time()
    tokens = args.out / "tokens.txt"
    n_tokens = write_tokens(files, tokens)
    print(f"tokenized {n_tokens} tokens in {time.time() - started:.0f} s", flush=True)
    w2v = args.out / "acl.w2v.txt"
    vocab = train_word2vec(tokens, w2v, dim=args.dim, window=args.window, min_count=args.min_count,
                           epochs=args.epochs, seed=args.seed)
    print(f"word2vec: {vocab} words, {time.time() - started:.0f} s", flush=True)
    spacy_dir = args.out / "spacy"
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "en", str(w2v), str(spacy_dir),
                    "--prune", str(args.prune), "--attr", "LOWER", "--name", "kg_acl_w2v"], check=True)
    import gensim

    record = {
        "corpus": {str(p): sha256(p) for p in files},
        "tokens": n_tokens,
        "tokens_sha256": sha256(tokens),
        "method": "gensim word2vec skip-gram, negative 5, 1 worker",
        "gensim": gensim.__version__,
        "seed": args.seed,
        "dim": args.dim, "window": args.window, "min_count": args.min_count, "epochs": args.epochs,
        "vocab": vocab, "prune": args.prune, "attr": "LOWER",
        "w2v_sha256": sha256(w2v),
        "seconds": round(time.time() - started),
    }
    (args.out / "vectors.json").write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(record, indent=1))


if __name__ == "__main__":
    main()
