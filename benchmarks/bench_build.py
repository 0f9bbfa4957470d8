"""End-to-end benchmark: `kg build` on the 54k ACL Anthology abstracts.

Prints seconds and peak resident memory after each stage (read, extract, link,
graph exports, RDF, HTML) and in total. Target: under 10 minutes and 8 GiB on a
2-core machine.

    python benchmarks/bench_build.py [--limit N] [--n-process 2] [--out /tmp/kg-bench]
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "acl-anthology" / "papers-2016plus.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ACL)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N papers (0 = all)")
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: corpus not found; run from a checkout with ../shared beside it")

    work = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    corpus = args.corpus
    if args.limit:
        corpus = work / "slice.jsonl"
        with gzip.open(args.corpus, "rt", encoding="utf-8") as src, corpus.open("w", encoding="utf-8") as dst:
            for number, line in enumerate(src):
                if number >= args.limit:
                    break
                dst.write(line)
    out = args.out or work / "outputs"
    command = [sys.executable, "-m", "kg", "build", str(corpus), "--out", str(out), "--n-process", str(args.n_process)]
    print("running:", " ".join(command), flush=True)
    started = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - started
    children_peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    report = json.loads((out / "report.json").read_text())
    print(f"\n{'stage':<15}{'seconds':>10}{'peak MiB so far':>18}")
    for name, figures in report["stages"].items():
        print(f"{name:<15}{figures['seconds']:>10.1f}{figures['peak_mib']:>18.0f}")
    papers = report["papers"]
    print(f"\npapers: {papers}  mentions: {report['mentions']}  entities: {report['entities']}")
    print(f"wall time: {wall:.1f} s  ({papers / wall:.0f} papers/s end to end)")
    print(f"peak memory of the build process tree: {children_peak_mib:.0f} MiB (largest single process)")


if __name__ == "__main__":
    main()
