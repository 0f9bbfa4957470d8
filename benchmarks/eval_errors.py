"""List the false positives (and optionally false negatives) of one label on annotated
gold, with context, scored exactly as ``kg eval`` scores them.

Reading the errors is how the extraction rules were developed; keep a held-out part
of the gold unread (for TDMSci, the docs develop on the even-numbered lines):

    awk 'NR%2==0' ../shared/gold/tdmsci/train.jsonl > /tmp/tdmsci_even.jsonl
    python benchmarks/eval_errors.py /tmp/tdmsci_even.jsonl --scheme tdmsci --label DATASET \\
        --rules-only --corpus-conventions

Prints one line per error (the span, what gold has there, the text around it), then
counts by predicted text, plus the run time and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time
from collections import Counter
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("gold", type=Path, help="gold JSONL ({id, text, entities})")
    parser.add_argument("--scheme", required=True, choices=["scier", "scierc", "tdmsci"])
    parser.add_argument("--label", required=True, help="gold label to list (DATASET, Method, ...)")
    parser.add_argument("--rules-only", action="store_true", help="leave the trained NER out")
    parser.add_argument("--corpus-conventions", action="store_true", help="score with the corpus's span conventions")
    parser.add_argument("--fn", action="store_true", help="also list false negatives")
    parser.add_argument("--context", type=int, default=50, help="characters of context each side")
    args = parser.parse_args()

    from kg.nlp.evaluate import _read_gold, predict_records
    from kg.nlp.pipeline import load_pipeline
    from kg.settings import ExtractSettings

    started = time.perf_counter()
    records = _read_gold(args.gold)
    nlp = load_pipeline(use_rules=True, use_ner=not args.rules_only)
    gold, predicted, ignored = predict_records(records, args.scheme, nlp=nlp, min_score=ExtractSettings().min_score,
                                               corpus_conventions=args.corpus_conventions)
    false_pos: Counter = Counter()
    tp = 0
    for record, g, p, ign in zip(records, gold, predicted, ignored):
        text = record["text"]
        g = {x for x in g if x[2] == args.label}
        p = {x for x in p if x[2] == args.label and (x[0], x[1]) not in ign}
        tp += len(g & p)

        def show(kind: str, start: int, end: int) -> None:
            around = text[max(0, start - args.context):end + args.context].replace("\n", " ")
            overlap = [f"{text[e['start']:e['end']]}|{e['label']}" for e in record["entities"]
                       if e["start"] < end and start < e["end"]]
            print(f"{kind} {text[start:end]!r} | gold here: {overlap} | {around}")

        for start, end, _ in sorted(p - g):
            false_pos[text[start:end]] += 1
            show("FP", start, end)
        if args.fn:
            for start, end, _ in sorted(g - p):
                show("FN", start, end)
    fp = sum(false_pos.values())
    print(f"\n{args.label}: tp {tp}, fp {fp}, precision {tp / (tp + fp) if tp + fp else 0:.1%}")
    for text, n in false_pos.most_common(30):
        print(f"{n:4} {text}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds: {time.perf_counter() - started:.1f}, peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
