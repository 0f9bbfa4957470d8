"""Benchmark: do shares-entities links find the papers a paper really cites?

On the scisumm-citations papers that have an abstract, for every paper citing at
least one other such paper, take its 10 best-ranked other papers and count how
many of the papers it cites are among them (recall@10, averaged over papers;
the micro figure pools all citations). Rankings compared:

- ``tfidf``: cosine of TF-IDF vectors of title + abstract (the baseline; scikit-learn);
- ``shares``: the product's shares-entities graph (``build_graphs``) with ``text_weight=0``
  (entity weights alone), heaviest edges first;
- ``entity-cosine``: cosine of IDF-weighted entity vectors (hubs left out), so papers naming
  many entities do not win by volume; every pair still shares a named entity;
- ``hybrid``: among papers sharing at least one non-hub entity (so every link stays
  explained by entities), rank by entity cosine + ``--alpha`` x text cosine;
- ``tfidf|shares``: the baseline restricted to papers sharing a non-hub entity: the best plain
  text ranking can do when every link must be explained by entities;
- ``shares+text``: the product's shares graph with ``text_weight`` = ``--text-weight`` (default:
  the settings'), each paper's heaviest entity neighbours re-ranked by the product's own TF-IDF
  cosine; a paper's neighbours are ranked by the score that chose them.

``--before`` also drops candidates published after the citing paper, for every ranking.
The citing papers are split in two halves at random (seeded): ``text_weight`` and the
other defaults were tuned on half A, so the ``B`` column is the held-out figure.

    nice -n 10 python benchmarks/bench_link_recall.py [--alpha 1.0] [--text-weight W] [--hub-share S] [--before]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_shares import SHARED, load_corpus, load_extraction, peak_mib  # noqa: E402

SCISUMM = SHARED / "corpora" / "scisumm-citations" / "papers.jsonl.gz"
K = 10


def recall_at_k(scores: np.ndarray, truth: list[set[int]], allowed: np.ndarray, *, k: int = K) -> tuple[float, float, int]:
    """Macro and micro recall@k of ``truth`` among each row's top-k columns of ``scores``.

    ``scores[i, j] <= 0`` (or ``allowed[i, j]`` false) never counts as a neighbour.
    """
    hits = total = 0
    per_paper = []
    for i, cited in enumerate(truth):
        if not cited:
            continue
        row = np.where(allowed[i], scores[i], 0.0)
        row[i] = 0.0
        order = np.lexsort((np.arange(len(row)), -row))[:k]
        top = {int(j) for j in order if row[j] > 0}
        found = len(top & cited)
        hits += found
        total += len(cited)
        per_paper.append(found / len(cited))
    return float(np.mean(per_paper)), hits / total, len(per_paper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SCISUMM)
    parser.add_argument("--alpha", type=float, default=1.0, help="weight of text cosine in the hybrid")
    parser.add_argument("--text-weight", type=float, default=None, help="text_weight of the shares+text row")
    parser.add_argument("--text-candidates", type=int, default=None, help="override settings text_candidates")
    parser.add_argument("--hub-share", type=float, default=None, help="override settings hub_share")
    parser.add_argument("--before", action="store_true", help="only candidates not later than the citing paper")
    parser.add_argument("--proxy", action="store_true", help="acronyms instead of the extractor (pipeline check only)")
    parser.add_argument("--refresh", action="store_true", help="re-run the extraction")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: corpus not found; run from a checkout with ../shared beside it")

    from sklearn.feature_extraction.text import TfidfVectorizer

    from kg.graph.build import build_graphs
    from kg.graph.link import entity_index, paper_entity_sets
    from kg.settings import Settings
    from kg.types import Corpus, Extraction, ReadReport

    started = time.perf_counter()
    full = load_corpus(args.corpus)
    extraction = load_extraction(args.corpus, full, proxy=args.proxy, refresh=args.refresh)
    papers = [p for p in full.papers if not p.stub and p.abstract.strip()]
    ids = [p.id for p in papers]
    pos = {pid: i for i, pid in enumerate(ids)}
    citations = [c for c in full.citations if c.citing in pos and c.cited in pos and c.citing != c.cited]
    truth: list[set[int]] = [set() for _ in ids]
    for c in citations:
        truth[pos[c.citing]].add(pos[c.cited])
    corpus = Corpus(papers, citations, ReadReport(papers=len(papers)))
    sub = Extraction({pid: extraction.mentions.get(pid, []) for pid in ids}, extraction.entities)
    settings = Settings().graph
    overrides = {"text_weight": args.text_weight, "text_candidates": args.text_candidates,
                 "hub_share": args.hub_share}
    settings = replace(settings, **{k: v for k, v in overrides.items() if v is not None})
    # The shares graph is built without the citations: they are what is being predicted.
    bundle = build_graphs(Corpus(papers, [], ReadReport()), sub, settings=replace(settings, text_weight=0.0))

    hybrid_bundle = build_graphs(Corpus(papers, [], ReadReport()), sub,
                                 settings=settings)
    n = len(ids)
    years = np.array([p.year if p.year is not None else 10**4 for p in papers])
    allowed = np.ones((n, n), dtype=bool)
    if args.before:
        allowed = years[np.newaxis, :] <= np.where(years == 10**4, -1, years)[:, np.newaxis]
        allowed |= (years == 10**4)[np.newaxis, :] | (years == 10**4)[:, np.newaxis]

    texts = [f"{p.title}. {p.abstract}" for p in papers]
    tfidf = TfidfVectorizer(sublinear_tf=True, stop_words="english", min_df=1).fit_transform(texts)
    text_cos = (tfidf @ tfidf.T).toarray()

    shares = np.zeros((n, n))
    for a, b, w in bundle.shares.edges(data="weight"):
        shares[pos[a], pos[b]] = shares[pos[b], pos[a]] = w
    # Rank each paper's neighbours in the re-ranked graph by the score that chose them:
    # (1 - text_weight) x weight / the paper's heaviest edge + text_weight x text cosine.
    tw = settings.text_weight
    shares_text = np.zeros((n, n))
    for a in hybrid_bundle.shares.nodes:
        edges = hybrid_bundle.shares[a]
        if not edges:
            continue
        heaviest = max(d["weight"] for d in edges.values()) or 1.0
        for b, d in edges.items():
            score = (1 - tw) * d["weight"] / heaviest + tw * d.get("text_similarity", 0.0)
            shares_text[pos[a], pos[b]] = max(score, 1e-9)

    sets = paper_entity_sets(sub.mentions, sub.entities)
    index = entity_index(sets, sub.entities, n_documents=n, settings=settings)
    keep = ~index.hub
    x = index.matrix[:, np.flatnonzero(keep)].multiply(index.idf[keep][np.newaxis, :]).tocsr()
    ent = np.zeros((n, x.shape[1]))
    rows = [pos[p] for p in index.papers]
    ent[rows] = x.toarray()
    norms = np.linalg.norm(ent, axis=1)
    norms[norms == 0] = 1.0
    unit = ent / norms[:, np.newaxis]
    ent_cos = unit @ unit.T
    shares_any = (ent > 0).astype(np.float32) @ (ent > 0).astype(np.float32).T > 0
    hybrid = np.where(shares_any, ent_cos + args.alpha * text_cos, 0.0)

    reachable = sum(1 for c in citations if shares_any[pos[c.citing], pos[c.cited]])
    with_mentions = sum(1 for pid in ids if sub.mentions.get(pid))
    print(f"papers with abstracts: {n} ({with_mentions} with entities); citations among them: {len(citations)}"
          f"{'  (proxy entities)' if args.proxy else ''}{'  (candidates not later than the citing paper)' if args.before else ''}")
    print(f"shares graph: {bundle.shares.number_of_edges()} edges (top_k={settings.top_k}, "
          f"min_weight={settings.min_weight}); with text: {hybrid_bundle.shares.number_of_edges()} edges")
    print(f"citations whose two papers share a non-hub entity: {reachable} ({reachable / len(citations):.0%}), "
          "the most any entity-explained link can find")
    half = np.random.default_rng(0).random(n) < 0.5
    truth_a = [t if half[i] else set() for i, t in enumerate(truth)]
    truth_b = [t if not half[i] else set() for i, t in enumerate(truth)]
    print(f"settings: text_weight={tw:g} text_candidates={settings.text_candidates} "
          f"hub_share={settings.hub_share:g} hub_min_papers={settings.hub_min_papers}")
    print(f"{'ranking':<20}{'recall@10':>10}{'micro':>8}{'papers':>8}{'A':>8}{'B':>8}")
    for name, scores in (("tfidf", text_cos), ("tfidf|shares", np.where(shares_any, text_cos, 0.0)),
                         ("shares", shares), ("entity-cosine", ent_cos),
                         (f"hybrid a={args.alpha:g}", hybrid), (f"shares+text {tw:g}", shares_text)):
        macro, micro, count = recall_at_k(scores, truth, allowed)
        macro_a = recall_at_k(scores, truth_a, allowed)[0]
        macro_b = recall_at_k(scores, truth_b, allowed)[0]
        print(f"{name:<20}{macro:>10.3f}{micro:>8.3f}{count:>8}{macro_a:>8.3f}{macro_b:>8.3f}")
    print(f"{time.perf_counter() - started:.0f} s, peak memory {peak_mib():.0f} MiB")


if __name__ == "__main__":
    main()
