"""Benchmark: the stages of ``kg build`` after extraction (link, graph exports, RDF, HTML).

Reads the 54k ACL Anthology abstracts, takes the extraction from the cache that
``bench_shares.py`` keeps (extracting once in a child process if missing), then
runs the stages the way ``kg.build.build_folder`` does and prints the seconds
and the peak resident memory after each one.

    nice -n 10 python benchmarks/bench_post_extract.py [--limit N] [--out DIR] [--stages link,exports,...]

``--stages`` runs only the listed writers after linking (``exports``, ``index``,
``rdf``, ``html``), so the peak memory of one writer can be read on its own
(the peak includes linking, which always runs).
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_shares import ACL, load_corpus, load_extraction  # noqa: E402


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ACL)
    parser.add_argument("--limit", type=int, default=0, help="first N papers only (0 = all)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--stages", default="exports,index,rdf,html", help="writers to run after linking")
    args = parser.parse_args()
    stages = [s for s in args.stages.split(",") if s]

    from kg.settings import Settings

    settings = Settings()
    corpus = load_corpus(args.corpus, limit=args.limit)
    extraction = load_extraction(args.corpus, corpus, limit=args.limit)
    gc.collect()
    print(f"{'stage':<15}{'seconds':>10}{'peak MiB so far':>18}", flush=True)
    print(f"{'load':<15}{0:>10.1f}{peak_mib():>18.0f}", flush=True)

    def lap(name: str, started: float) -> float:
        now = time.perf_counter()
        print(f"{name:<15}{now - started:>10.1f}{peak_mib():>18.0f}", flush=True)
        return now

    from kg.graph.build import build_graphs

    started = time.perf_counter()
    bundle = build_graphs(corpus, extraction, settings=settings.graph)
    started = lap("link", started)
    out = args.out or Path(tempfile.mkdtemp(prefix="kg-post-"))
    out.mkdir(parents=True, exist_ok=True)
    if "exports" in stages:
        from kg.graph.io import write_graph_exports

        write_graph_exports(bundle, out)
        started = lap("exports", started)
    if "index" in stages:
        from kg.lookups import write_index

        write_index(bundle, out)
        started = lap("index", started)
    if "rdf" in stages:
        from kg.rdf.export import write_rdf

        write_rdf(bundle, out)
        started = lap("rdf", started)
    if "html" in stages:
        from kg.build import _summary
        from kg.viz.html import write_pages

        write_pages(bundle, out, settings=settings.html, summary=_summary(bundle))
        started = lap("html", started)
    print(f"outputs in {out}")


if __name__ == "__main__":
    main()
