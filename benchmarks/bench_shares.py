"""Benchmark: build the shares-entities graph of the 54k ACL Anthology abstracts.

Prints the seconds and the peak resident memory of the graph stage alone. The
extraction it needs runs once in a child process and is cached (pickle) under
``/tmp/kg-bench-cache``, so repeated runs time the graph stage only and the
peak memory is not the extractor's.

    nice -n 10 python benchmarks/bench_shares.py [--limit N] [--full] [--text-weight W] [--proxy] [--refresh]

``--full`` times the whole ``build_graphs`` (KG, co-occurrence, inferred
citations, PageRank, Louvain) as well. ``--proxy`` replaces the extractor with
a crude stand-in (capitalised acronyms as entities) to measure graph scaling
before the extractor exists; its figures say nothing about link quality.

The other graph benchmarks import :func:`load_corpus` and :func:`load_extraction` from here.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared"
ACL = SHARED / "corpora" / "acl-anthology" / "papers-2016plus.jsonl.gz"
CACHE = Path("/tmp/kg-bench-cache")


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_corpus(path: Path, *, limit: int = 0):
    """Read ``path`` with the project's reader (``kg.io.read.read_inputs``), keeping the first ``limit`` papers.

    Falls back to reading the JSONL records directly (ids ``acl:<id>``) while the
    reader is not available, which is enough for timing the graph stage.
    """
    from kg.types import Citation, Corpus, Paper, ReadReport

    try:
        from kg.io.read import read_inputs
    except ImportError:
        read_inputs = None
    if read_inputs is not None:
        corpus = read_inputs([path], progress=False)
        if limit:
            keep = {p.id for p in [p for p in corpus.papers if not p.stub][:limit]}
            corpus.papers = [p for p in corpus.papers if p.id in keep]
            corpus.citations = [c for c in corpus.citations if c.citing in keep and c.cited in keep]
        return corpus
    papers, citations = [], []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle):
            if limit and number >= limit:
                break
            record = json.loads(line)
            pid = f"acl:{record['id']}"
            papers.append(Paper(
                id=pid, title=record.get("title") or "", abstract=record.get("abstract") or "",
                year=record.get("year"), venue=record.get("venue"), authors=tuple(record.get("authors") or ()),
            ))
            citations += [Citation(pid, f"acl:{ref}") for ref in record.get("references") or ()]
    return Corpus(papers, citations, ReadReport(papers=len(papers)))


_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z0-9][A-Za-z0-9-]*\b")


def _proxy_extraction(papers):
    """Capitalised acronyms as entities: a stand-in with a realistic skew, for scaling runs only."""
    from kg.types import Entity, Extraction, Mention

    mentions, entities = {}, {}
    for paper in papers:
        rows = []
        for field in ("title", "abstract"):
            text = getattr(paper, field)
            for match in _ACRONYM.finditer(text):
                eid = match.group().lower()
                entities.setdefault(eid, Entity(eid, match.group(), "METHOD"))
                rows.append(Mention(paper.id, match.group(), "METHOD", match.start(), match.end(), field,
                                    (0, len(text)), eid, match.group(), "pattern", 0.9))
        mentions[paper.id] = rows
    return Extraction(mentions, entities)


def _cache_path(path: Path, limit: int, proxy: bool) -> Path:
    return CACHE / f"{path.name}.{limit or 'all'}.{'proxy' if proxy else 'kg'}.pkl"


def load_extraction(path: Path, corpus, *, limit: int = 0, proxy: bool = False, refresh: bool = False):
    """Extraction of ``corpus`` (read from ``path``), from the cache or by running the extractor in a child."""
    cache = _cache_path(path, limit, proxy)
    ids = [p.id for p in corpus.papers]
    if not refresh and cache.is_file():
        with cache.open("rb") as handle:
            cached = pickle.load(handle)
        # A cache made while papers had other ids (another reader version) is stale.
        if isinstance(cached, dict) and cached.get("ids") == ids:
            return cached["extraction"]
    command = [sys.executable, __file__, "--corpus", str(path), "--limit", str(limit), "--extract-only"]
    if proxy:
        command.append("--proxy")
    print("extracting once (cached in", cache, ")...", file=sys.stderr, flush=True)
    subprocess.run(command, check=True)
    with cache.open("rb") as handle:
        return pickle.load(handle)["extraction"]


def _extract_to_cache(path: Path, limit: int, proxy: bool) -> None:
    corpus = load_corpus(path, limit=limit)
    papers = list(corpus.papers)
    started = time.perf_counter()
    if proxy:
        extraction = _proxy_extraction(papers)
    else:
        from kg.extract import extract_corpus
        from kg.settings import Settings

        extraction = extract_corpus(papers, settings=Settings().extract, progress=True)
    seconds = time.perf_counter() - started
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = _cache_path(path, limit, proxy)
    tmp = cache.with_suffix(".part")
    with tmp.open("wb") as handle:
        pickle.dump({"ids": [p.id for p in corpus.papers], "extraction": extraction}, handle,
                    protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(cache)
    print(f"extracted {len(papers)} papers in {seconds:.0f} s ({len(papers) / seconds:.0f} papers/s)", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ACL)
    parser.add_argument("--limit", type=int, default=0, help="first N papers only (0 = all)")
    parser.add_argument("--full", action="store_true", help="also time the whole build_graphs")
    parser.add_argument("--proxy", action="store_true", help="acronyms instead of the extractor (scaling only)")
    parser.add_argument("--text-weight", type=float, default=None, help="override settings text_weight (0 = off)")
    parser.add_argument("--refresh", action="store_true", help="re-run the extraction")
    parser.add_argument("--extract-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: corpus not found; run from a checkout with ../shared beside it")
    if args.extract_only:
        _extract_to_cache(args.corpus, args.limit, args.proxy)
        return

    from kg.graph.link import entity_index, paper_entity_sets, shares_graph, text_vectors
    from kg.settings import Settings

    settings = Settings().graph
    if args.text_weight is not None:
        from dataclasses import replace

        settings = replace(settings, text_weight=args.text_weight)
    corpus = load_corpus(args.corpus, limit=args.limit)
    extraction = load_extraction(args.corpus, corpus, limit=args.limit, proxy=args.proxy, refresh=args.refresh)
    n_mentions = sum(len(m) for m in extraction.mentions.values())
    before = peak_mib()
    print(f"papers: {len(corpus.papers)}  mentions: {n_mentions}  entities: {len(extraction.entities)}"
          f"{'  (proxy entities)' if args.proxy else ''}")
    print(f"peak memory after loading inputs: {before:.0f} MiB")

    started = time.perf_counter()
    entity_sets = paper_entity_sets(extraction.mentions, extraction.entities)
    n_documents = len(set(extraction.mentions) | {p.id for p in corpus.papers if not p.stub})
    index = entity_index(entity_sets, extraction.entities, n_documents=n_documents, settings=settings)
    text = None
    if settings.text_weight > 0:
        # As build_graphs does: text vectors to re-rank each paper's entity neighbours.
        by_id = {p.id: p for p in corpus.papers}
        text = text_vectors([f"{by_id[p].title}\n{by_id[p].abstract}" if p in by_id else "" for p in index.papers])
        print(f"text vectors: {time.perf_counter() - started:.1f} s so far")
    shares = shares_graph(index, settings=settings, text=text)
    seconds = time.perf_counter() - started
    hubs = int(index.hub.sum())
    print(f"shares-entities graph: {shares.number_of_nodes()} papers, {shares.number_of_edges()} edges, "
          f"{len(index.entities)} entities of which {hubs} hubs")
    print(f"shares graph (text_weight={settings.text_weight}): {seconds:.1f} s "
          f"({len(corpus.papers) / seconds:.0f} papers/s), "
          f"peak memory {peak_mib():.0f} MiB (+{peak_mib() - before:.0f} MiB over the loaded inputs)")

    if args.full:
        from kg.graph.build import build_graphs

        started = time.perf_counter()
        bundle = build_graphs(corpus, extraction, settings=settings)
        seconds = time.perf_counter() - started
        refers = sum(1 for *_, k in bundle.kg.edges(keys=True) if k == "refersTo")
        print(f"build_graphs: {seconds:.1f} s, peak memory {peak_mib():.0f} MiB; KG {bundle.kg.number_of_nodes()} "
              f"nodes {bundle.kg.number_of_edges()} edges, {bundle.cooccurrence.number_of_edges()} co-occurrence "
              f"edges, {refers} refersTo, {len(bundle.communities)} communities")


if __name__ == "__main__":
    main()
