"""Benchmark: the stages of ``kg build`` after extraction (link, graph exports, RDF, HTML).

Reads the 54k ACL Anthology abstracts, takes the extraction from the cache that
``bench_shares.py`` keeps (extracting once in a child process if missing), then
runs the stages the way ``kg.build.build_folder`` does and prints the seconds
and the peak resident memory after each one.

    nice -n 10 python benchmarks/bench_post_extract.py [--limit N] [--out DIR] [--stages link,exports,...]

``--stages`` runs only the listed writers after linking (``exports``, ``index``,
``rdf``, ``html``). With ``--fork`` each writer runs in a child process forked
after linking, so each line shows that writer's own peak (on top of what the
linked graphs already hold) instead of the peak so far.
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
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
    parser.add_argument("--bundle-cache", type=Path, default=None,
                        help="pickle of the linked graphs: made on the first run, loaded instead of linking after")
    parser.add_argument("--fork", action="store_true", help="each writer in a forked child: its own peak")
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
    if args.bundle_cache and args.bundle_cache.is_file():
        # Quicker turns on one writer; its peak then reflects the unpickled graphs, not linking.
        with args.bundle_cache.open("rb") as handle:
            bundle = pickle.load(handle)
        started = lap("load bundle", started)
    else:
        bundle = build_graphs(corpus, extraction, settings=settings.graph)
        started = lap("link", started)
        if args.bundle_cache:
            with args.bundle_cache.open("wb") as handle:
                pickle.dump(bundle, handle, protocol=pickle.HIGHEST_PROTOCOL)
            started = time.perf_counter()
    out = args.out or Path(tempfile.mkdtemp(prefix="kg-post-"))
    out.mkdir(parents=True, exist_ok=True)
    def run(name: str) -> None:
        if name == "exports":
            from kg.graph.io import write_graph_exports

            write_graph_exports(bundle, out)
        elif name == "index":
            from kg.lookups import write_index

            write_index(bundle, out)
        elif name == "rdf":
            from kg.rdf.export import write_rdf

            write_rdf(bundle, out)
        elif name == "html":
            from kg.build import _summary
            from kg.viz.html import write_pages

            write_pages(bundle, out, settings=settings.html, summary=_summary(bundle))
        else:
            raise SystemExit(f"unknown stage {name!r}")

    for name in stages:
        if not args.fork:
            run(name)
            started = lap(name, started)
            continue
        pid = os.fork()
        if pid == 0:
            try:
                run(name)
                lap(name, started)
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        started = time.perf_counter()
    print(f"outputs in {out}")


if __name__ == "__main__":
    main()
