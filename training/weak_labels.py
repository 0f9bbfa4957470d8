"""Weak labels: gazetteer matches over unlabelled ACL abstracts as extra NER training docs.

kg's rule pipeline (no trained model) runs over ACL Anthology abstracts; the mentions
its gazetteer finds become entities (MODEL counts as METHOD, as in training), and
every other token is *missing*, not outside: the gazetteer knows few of the names an
abstract holds, so its silence says nothing. The docs teach the model names and
contexts the gold corpora lack, at the gazetteer's precision.

Usage::

    python training/weak_labels.py --limit 1500 --out training/corpus-weak/weak.spacy

Takes the *last* ``--limit`` abstracts of the corpus (``benchmarks/bench_ner.py``
times the first ones) and prints the number of docs and spans written.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vectors import corpus_files, record_texts  # noqa: E402

LABELS = {"MODEL": "METHOD", "METHOD": "METHOD", "DATASET": "DATASET", "TASK": "TASK", "METRIC": "METRIC"}


def read_abstracts(corpus: Path, *, limit: int) -> list[str]:
    """Title + abstract of the last ``limit`` records of the corpus's JSONL(.gz) files."""
    return list(record_texts(corpus_files(corpus)))[-limit:]


def weak_docs(texts: list[str], *, sources: frozenset[str] = frozenset({"gazetteer"})):
    """Yield (``Doc`` with kg tokens, gazetteer entities and missing elsewhere, label counts)."""
    from spacy.tokens import Doc

    from kg.nlp.pipeline import load_pipeline

    nlp = load_pipeline(use_ner=False)
    for doc in nlp.pipe(texts, batch_size=256):
        words = [t.text for t in doc]
        spaces = [bool(t.whitespace_) for t in doc]
        out = Doc(nlp.vocab, words=words, spaces=spaces)
        ents, counts = [], Counter()
        for mention in doc._.kg_mentions:
            label = LABELS.get(mention["label"])
            if label is None or mention["source"] not in sources or mention.get("nested"):
                continue
            span = out.char_span(mention["start"], mention["end"], label=label)
            if span is not None and not any(span.start < e.end and e.start < span.end for e in ents):
                ents.append(span)
                counts[label] += 1
        if ents:
            # Only the gazetteer's matches are known: every other token is missing.
            out.set_ents(sorted(ents, key=lambda s: s.start), default="missing")
            yield out, counts


def main() -> None:
    from spacy.tokens import DocBin

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpora/acl-anthology"))
    parser.add_argument("--limit", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=Path("training/corpus-weak/weak.spacy"))
    args = parser.parse_args()
    docbin, total, n = DocBin(), Counter(), 0
    for doc, counts in weak_docs(read_abstracts(args.corpus, limit=args.limit)):
        docbin.add(doc)
        total.update(counts)
        n += 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    docbin.to_disk(args.out)
    print(json.dumps({"docs": n, "spans": dict(total)}))


if __name__ == "__main__":
    main()
