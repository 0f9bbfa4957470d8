"""Speed of the rule pipeline: papers/s and peak memory over ACL Anthology abstracts.

Usage::

    python benchmarks/bench_extract.py [--n 10000] [--n-process 1] [--batch-size 256]

Reads ``../shared/corpora/acl-anthology/papers-2016plus.jsonl.gz`` (the first ``--n``
papers), runs :func:`kg.extract.extract_corpus` on them and prints papers/s,
seconds, mentions and the peak resident memory (``resource.getrusage``; with
``--n-process 2`` the workers' peak is printed too).
"""

from __future__ import annotations

import argparse
import gzip
import json
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "acl-anthology" / "papers-2016plus.jsonl.gz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10000, help="papers to extract")
    parser.add_argument("--n-process", type=int, default=1, help="worker processes for nlp.pipe")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--with-ner", action="store_true", help="include the trained NER (default: rules only)")
    parser.add_argument("--pwc-recall", action="store_true",
                        help="also report recall of the curator-linked dataset names (pwc_datasets) the text contains")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from kg.extract import extract_corpus
    from kg.nlp.pipeline import load_pipeline
    from kg.settings import ExtractSettings
    from kg.types import Paper

    if not args.corpus.is_file():
        sys.exit(f"{args.corpus} not found; pass --corpus")
    papers = []
    linked: dict[str, list[str]] = {}
    with gzip.open(args.corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            papers.append(Paper(id=record["id"], title=record.get("title") or "", abstract=record.get("abstract") or ""))
            linked[record["id"]] = record.get("pwc_datasets") or []
            if len(papers) >= args.n:
                break
    started = time.perf_counter()
    load_pipeline(use_ner=args.with_ner)
    loaded = time.perf_counter()
    settings = ExtractSettings(n_process=args.n_process, batch_size=args.batch_size, use_ner=args.with_ner)
    cpu_started = time.process_time()
    extraction = extract_corpus(papers, settings=settings)
    done = time.perf_counter()
    cpu = time.process_time() - cpu_started
    seconds = done - loaded
    mentions = sum(len(m) for m in extraction.mentions.values())
    peak_self = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"papers:        {len(papers)}")
    print(f"n_process:     {args.n_process}   pipeline: {'rules + NER' if args.with_ner else 'rules'}")
    print(f"load seconds:  {loaded - started:.2f}")
    print(f"seconds:       {seconds:.2f}")
    print(f"papers/s:      {len(papers) / seconds:.0f} (wall clock)")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    worker_cpu = children.ru_utime + children.ru_stime
    # CPU seconds: the per-core rate even when other jobs share the machine.
    print(f"CPU seconds:   {cpu:.1f} main + {worker_cpu:.1f} workers")
    print(f"papers/s CPU:  {len(papers) / (cpu + worker_cpu):.0f} (per CPU second, all processes)")
    print(f"mentions:      {mentions} ({mentions / len(papers):.1f} per paper), entities: {len(extraction.entities)}")
    if args.pwc_recall:
        _pwc_recall(papers, linked, extraction)
    print(f"peak memory:   {peak_self:.0f} MiB (main){f', {peak_children:.0f} MiB (largest worker)' if args.n_process > 1 else ''}")


def _pwc_recall(papers, linked, extraction) -> None:
    """Share of curator-linked dataset names, written in the title or abstract, that come
    out as a DATASET mention of that paper: a mention whose text or canonical name holds
    the linked name, case-insensitively ("GLUE" is found as "the GLUE benchmark")."""
    present = found = 0
    for paper in papers:
        text = f"{paper.title}\n{paper.abstract}".lower()
        datasets = [f"{m.text}\n{m.canonical}".lower() for m in extraction.mentions.get(paper.id, [])
                    if m.label == "DATASET"]
        for name in linked.get(paper.id, []):
            if name.lower() in text:
                present += 1
                found += any(name.lower() in d for d in datasets)
    if present:
        print(f"pwc recall:    {found}/{present} = {found / present:.1%} of linked dataset names in the text")


if __name__ == "__main__":
    main()
