"""Benchmark: how many inferred citations (refersTo) are real citations?

Builds the graphs of all scisumm-citations papers (titles for all, abstracts for
some) and compares each ``A -refersTo-> B`` (A names an entity B introduces) with
the input citations: precision = share of refersTo edges that are also input
``cites`` edges. Also prints how many input citations point at a paper that
introduces something (the most refersTo could recover), the entities behind the
most refersTo edges, and the BLEU example of the issue.

    nice -n 10 python benchmarks/bench_inferred_citations.py [--show 10] [--proxy]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_shares import SHARED, load_corpus, load_extraction, peak_mib  # noqa: E402

SCISUMM = SHARED / "corpora" / "scisumm-citations" / "papers.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SCISUMM)
    parser.add_argument("--show", type=int, default=10, help="entities and wrong edges to list")
    parser.add_argument("--proxy", action="store_true", help="acronyms instead of the extractor (pipeline check only)")
    parser.add_argument("--refresh", action="store_true", help="re-run the extraction")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: corpus not found; run from a checkout with ../shared beside it")

    from kg.graph.build import build_graphs
    from kg.settings import Settings

    started = time.perf_counter()
    corpus = load_corpus(args.corpus)
    extraction = load_extraction(args.corpus, corpus, proxy=args.proxy, refresh=args.refresh)
    bundle = build_graphs(corpus, extraction, settings=Settings().graph)
    kg = bundle.kg
    cites = set(bundle.citations.edges())
    refers = [(a, b, d) for a, b, k, d in kg.edges(keys=True, data=True) if k == "refersTo"]
    real = [(a, b, d) for a, b, d in refers if (a, b) in cites]
    introducers = {a for a, _, k in kg.edges(keys=True) if k == "introduces"}
    reachable = [(a, b) for a, b in cites if b in introducers]
    introductions = sum(1 for *_, k in kg.edges(keys=True) if k == "introduces")

    print(f"papers: {sum(1 for _, k in kg.nodes(data='kind') if k == 'paper')}  input citations: {len(cites)}"
          f"{'  (proxy entities)' if args.proxy else ''}")
    print(f"introductions: {introductions} by {len(introducers)} papers; "
          f"citations to an introducing paper: {len(reachable)}")
    precision = len(real) / len(refers) if refers else float("nan")
    recall = len(real) / len(reachable) if reachable else float("nan")
    print(f"refersTo edges: {len(refers)}; also input citations: {len(real)}; precision {precision:.3f}; "
          f"recall of citations to introducing papers {recall:.3f}")
    # Chance level: how often a citing paper cites a given introducing paper at random.
    citers = {a for a, _ in cites}
    base = len(reachable) / (len(citers) * len(introducers)) if citers and introducers else float("nan")
    print(f"chance that a citing paper cites a given introducing paper: {base:.5f}; "
          f"refersTo precision is {precision / base:.0f}x chance")
    print("(scisumm lists only the citations to its ~1,000 topic papers, sampled: a refersTo edge missing from it "
          "is not necessarily wrong, so precision here is a lower bound)")
    for threshold in (0.3, 0.5, 0.8):
        kept = [e for e in refers if e[2]["confidence"] >= threshold]
        hit = sum(1 for a, b, _ in kept if (a, b) in cites)
        print(f"  confidence >= {threshold}: {len(kept)} edges, precision "
              f"{(hit / len(kept) if kept else float('nan')):.3f}")

    via = Counter(e for _, _, d in refers for e in d["via"])
    right = Counter(e for _, _, d in real for e in d["via"])
    print("\nentities behind the most refersTo edges (edges, real citations):")
    for entity, count in via.most_common(args.show):
        print(f"  {entity:<30}{count:>6}{right[entity]:>6}")

    bleu = [n for n, d in kg.nodes(data=True) if d.get("kind") == "paper" and d.get("title", "").startswith("Bleu:")]
    for paper in bleu:
        incoming = [(a, d) for a, _, k, d in kg.in_edges(paper, keys=True, data=True) if k == "refersTo"]
        hit = sum(1 for a, _ in incoming if (a, paper) in cites)
        intro = [e for _, e, k in kg.out_edges(paper, keys=True) if k == "introduces"]
        print(f"\n{paper} ({kg.nodes[paper]['title'][:50]}): introduces {intro}; {len(incoming)} refersTo in, "
              f"{hit} of them real citations; {bundle.citations.in_degree(paper)} input citations in")

    wrong = [(a, b, d) for a, b, d in refers if (a, b) not in cites][: args.show]
    if wrong:
        print("\nsome refersTo edges that are not input citations:")
        for a, b, d in wrong:
            print(f"  {a} -> {b} via {d['via']} ({d['confidence']:.2f}): {kg.nodes[b]['title'][:60]}")
    print(f"\n{time.perf_counter() - started:.0f} s, peak memory {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
