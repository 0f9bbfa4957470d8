"""Benchmark: ``kg lookup`` on a 50,000-paper graph.

Prints, for the look-up index of the first 50,000 ACL Anthology abstracts:

- the seconds, size and peak memory of writing ``lookup.sqlite`` (``write_index``);
- per kind of query (exact name, alias, variant, fuzzy, unknown name, paper by id,
  paper by title words), the milliseconds of one look-up through an open index,
  as the Python API's dict (every paper), as `kg lookup`'s table (the first
  ``max_papers`` papers) and as its JSON text (every paper); median wall-clock
  and CPU milliseconds of 20 runs, after one cold call that loads the fuzzy tables;
- the wall-clock seconds of whole ``python -m kg lookup ...`` commands (process
  start, import, open, answer, print), median of 5 runs.

Usage::

    nice -n 10 python benchmarks/bench_lookup.py [--limit 50000] [--keep DIR]
    nice -n 10 python benchmarks/bench_lookup.py --out outputs   # time an existing build

The graph comes from the real graph stage (``kg.graph.build.build_graphs``). The
mentions come from the real extractor when ``kg.extract`` exists; until then from
the crude stand-in of ``benchmarks/bench_shares.py`` (capitalised acronyms, one
label, the whole field as the sentence), and the output says so. Either
extraction is cached under /tmp/kg-bench-cache by bench_shares.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_index(limit: int, folder: Path) -> str:
    """Build the graph of the first ``limit`` ACL papers and write its index into ``folder``; return a label."""
    from bench_shares import ACL, load_corpus, load_extraction

    from kg.graph.build import build_graphs
    from kg.lookups import INDEX_NAME, write_index
    from kg.settings import Settings

    if not ACL.is_file():
        sys.exit(f"{ACL}: corpus not found; run from a checkout with ../shared beside it, or pass --out DIR")
    proxy = importlib.util.find_spec("kg.extract") is None
    corpus = load_corpus(ACL, limit=limit)
    extraction = load_extraction(ACL, corpus, limit=limit, proxy=proxy)
    started = time.perf_counter()
    bundle = build_graphs(corpus, extraction, settings=Settings().graph)
    print(f"build_graphs: {time.perf_counter() - started:.1f} s (not part of the look-up figures)")
    before = peak_mib()
    started = time.perf_counter()
    write_index(bundle, folder)
    seconds = time.perf_counter() - started
    papers = sum(1 for p in corpus.papers if not p.stub)
    mentions = sum(len(m) for m in extraction.mentions.values())
    size = (folder / INDEX_NAME).stat().st_size / 2**20
    print(f"write_index: {papers} papers, {mentions} mentions, {len(extraction.entities)} entities -> "
          f"{seconds:.1f} s ({papers / seconds:.0f} papers/s), {size:.0f} MiB file, "
          f"peak memory {peak_mib():.0f} MiB (was {before:.0f} MiB before writing)")
    if proxy:
        return "ACL papers, real graph stage, PROXY extraction (acronyms; kg.extract not available yet)"
    return "ACL papers, real extractor and graph stage"


def pick_queries(folder: Path) -> dict[str, tuple[str, str]]:
    """Queries of each kind, drawn from the index itself: kind -> (mode, text)."""
    from kg.lookups import INDEX_NAME, squash

    rng = random.Random(7)
    con = sqlite3.connect(folder / INDEX_NAME)
    top_name, top_count = con.execute("SELECT name, paper_count FROM entity ORDER BY paper_count DESC LIMIT 1").fetchone()
    names = [row[0] for row in con.execute(
        "SELECT name FROM entity WHERE paper_count BETWEEN 3 AND 50 AND length(name) >= 6 ORDER BY n")]
    aliased = con.execute(
        "SELECT k.key FROM entity_key k JOIN entity e ON e.n = k.entity WHERE k.kind = 1 "
        "ORDER BY e.paper_count DESC LIMIT 1").fetchone()
    pid, title = con.execute(
        "SELECT id, title FROM paper WHERE stub = 0 AND length(title) > 40 ORDER BY n LIMIT 1 OFFSET 1234").fetchone()
    con.close()
    middle = rng.choice(names)
    typo = middle[: len(middle) // 2] + middle[len(middle) // 2 + 1:]
    variant = middle.lower().replace("-", " ") if middle.lower() != middle else middle.upper()
    queries = {
        f"exact name, most papers ({top_count})": ("entity", top_name),
        "exact name, mid-frequency": ("entity", middle),
        "variant (case/hyphen/space)": ("entity", variant),
        "fuzzy (one letter dropped)": ("entity", typo),
        "unknown name (suggestions)": ("entity", "zqxw unknown thing"),
        "paper by id": ("paper", pid),
        "paper by title words": ("paper", " ".join(title.split()[1:5])),
    }
    if aliased:
        queries["alias"] = ("entity", aliased[0])
    assert squash(variant) == squash(middle)
    return queries


def time_lookups(folder: Path, queries: dict[str, tuple[str, str]], repeat: int = 20) -> None:
    """Per query: the Python API (every paper), the table and the JSON text of `kg lookup` (in-process)."""
    from kg.lookups import LookupIndex, open_index, run_lookup_command
    from kg.settings import Settings

    settings = Settings()
    started = time.perf_counter()
    index = LookupIndex(folder)
    opened = time.perf_counter() - started
    started = time.perf_counter()
    index.lookup_entity("zqxw cold start")  # loads the fuzzy tables once
    index.lookup_paper("zqxw cold start")  # and the titles
    cold = time.perf_counter() - started
    print(f"open index: {opened * 1000:.1f} ms; first fuzzy entity + title look-up (loads fuzzy tables): "
          f"{cold * 1000:.0f} ms")
    open_index(folder).lookup_entity("zqxw cold start")  # the same warm-up for the cached index the command uses
    print("median wall-clock ms (median CPU ms of this process; wall exceeds CPU when other jobs share the cores)")
    print(f"{'query':34} {'text':28} {'found':>5} {'API dict':>16} {'table':>16} {'JSON':>16}")

    def clock(call) -> tuple[float, float]:
        wall, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            call()
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        return statistics.median(wall), statistics.median(cpu)

    for kind, (mode, text) in queries.items():
        api = index.lookup_paper if mode == "paper" else index.lookup_entity
        name, paper = (None, text) if mode == "paper" else (text, None)
        found = "yes" if api(text)["matches"] else "no"
        figures = [
            clock(lambda: api(text)),
            clock(lambda: run_lookup_command(name, folder, label=None, paper=paper, as_json=False, settings=settings)),
            clock(lambda: run_lookup_command(name, folder, label=None, paper=paper, as_json=True, settings=settings)),
        ]
        cells = " ".join(f"{wall:7.1f} ({cpu:5.1f})" for wall, cpu in figures)
        print(f"{kind:34} {text[:28]:28} {found:>5} {cells}")
    index.close()


def time_commands(folder: Path, queries: dict[str, tuple[str, str]], repeat: int = 5) -> None:
    print(f"whole command, median of {repeat} (python -m kg lookup ... --out {folder}):")
    for kind, (mode, text) in queries.items():
        argv = [sys.executable, "-m", "kg", "lookup", "--out", str(folder)]
        argv += ["--paper", text] if mode == "paper" else [text]
        times, cpu = [], []
        for _ in range(repeat):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, text=True, cwd=REPO)
            times.append(time.perf_counter() - started)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            if done.returncode not in (0, 1):
                sys.exit(f"{' '.join(argv)} failed: {done.stderr}")
        print(f"  {kind:34} {statistics.median(times):.2f} s wall (max {max(times):.2f} s), "
              f"{statistics.median(cpu):.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=50000, help="first N ACL papers (default 50000)")
    parser.add_argument("--out", type=Path, help="time an existing build folder instead of building one")
    parser.add_argument("--keep", type=Path, help="write the index into this folder and keep it")
    args = parser.parse_args()
    if args.out:
        folder, source = args.out, f"existing build {args.out}"
        meta = dict(sqlite3.connect(folder / "lookup.sqlite").execute(
            "SELECT key, value FROM meta WHERE key IN ('papers', 'entities')").fetchall())
        print(f"{source}: {meta.get('papers')} papers, {meta.get('entities')} entities")
    else:
        folder = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-lookup-"))
        folder.mkdir(parents=True, exist_ok=True)
        source = build_index(args.limit, folder)
    print(f"source: {source}")
    queries = pick_queries(folder)
    time_lookups(folder, queries)
    time_commands(folder, queries)
    print(json.dumps({"peak_mib": round(peak_mib())}))


if __name__ == "__main__":
    main()
