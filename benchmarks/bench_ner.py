"""Speed of extraction with the trained NER model: papers/s over ACL abstracts.

Runs the default extraction path (:func:`kg.extract.extract_docs`, the pipeline
of ``kg/nlp/default.cfg``) over the first N papers of the ACL Anthology corpus
and prints papers/s, seconds and peak memory. Target (issue 8): >= 250 papers/s
over 10,000 abstracts with ``--n-process 2``, model included.

    python benchmarks/bench_ner.py [--limit 10000] [--n-process 2] [--no-ner] [--model-only]

``--no-ner`` runs the rule pipeline alone, for comparison; ``--model-only`` times
just kg's tokenizer plus the trained model (one process), without the rules.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import sys
import time
from pathlib import Path

ACL = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "acl-anthology" / "papers-2016plus.jsonl.gz"


def read_papers(path: Path, limit: int):
    """The first ``limit`` papers of the corpus as :class:`kg.types.Paper`."""
    from kg.types import Paper

    papers = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            papers.append(Paper(id=record["id"], title=record.get("title") or "", abstract=record.get("abstract") or ""))
            if len(papers) >= limit:
                break
    return papers


def peak_mib() -> float:
    """Peak resident memory of this process and of its finished children, MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_pipeline(papers, *, n_process: int, use_ner: bool, batch_size: int, model: str = "") -> tuple[float, int]:
    """Wall seconds, CPU seconds and mention count for the default extraction path."""
    from kg.extract import extract_docs
    from kg.nlp.pipeline import load_pipeline
    from kg.settings import ExtractSettings

    settings = ExtractSettings(n_process=n_process, batch_size=batch_size, use_ner=use_ner)
    overrides = {"components.ner.model_path": model} if model and use_ner else None
    nlp = load_pipeline(use_ner=use_ner, overrides=overrides)
    print("pipeline:", ", ".join(nlp.pipe_names), flush=True)
    started, cpu = time.perf_counter(), cpu_seconds()
    mentions = 0
    for _paper, found, _entities, _skipped in extract_docs(papers, settings=settings, nlp=nlp):
        mentions += len(found)
    return time.perf_counter() - started, cpu_seconds() - cpu, mentions


def run_model(papers, *, batch_size: int, model: str = "") -> tuple[float, int]:
    """Wall seconds, CPU seconds and span count for kg's tokenizer plus the trained model, one process."""
    import spacy

    from kg.nlp.components.tokenizer import make_scientific_tokenizer
    from kg.nlp.components.trained_ner import TrainedNER

    nlp = spacy.blank("en")
    nlp.tokenizer = make_scientific_tokenizer(nlp)
    ner = TrainedNER(nlp, model_path=model)
    texts = [f"{p.title}\n\n{p.abstract}" for p in papers]
    started, cpu = time.perf_counter(), cpu_seconds()
    spans = sum(len(doc.spans["ner"]) for doc in ner.pipe(nlp.tokenizer.pipe(texts), batch_size=batch_size))
    return time.perf_counter() - started, cpu_seconds() - cpu, spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ACL)
    parser.add_argument("--limit", type=int, default=10000)
    parser.add_argument("--n-process", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--no-ner", action="store_true", help="rule pipeline only")
    parser.add_argument("--model-only", action="store_true", help="tokenizer + trained model only, one process")
    parser.add_argument("--model", default="", help="a trained model folder other than the shipped one")
    args = parser.parse_args()
    if not args.corpus.is_file():
        sys.exit(f"{args.corpus}: corpus not found; run from a checkout with ../shared beside it")
    # One BLAS thread per process: the cores are shared between the worker processes.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    papers = read_papers(args.corpus, args.limit)
    if args.model_only:
        seconds, cpu, found = run_model(papers, batch_size=args.batch_size, model=args.model)
        what = "model only, 1 process"
    else:
        seconds, cpu, found = run_pipeline(papers, n_process=args.n_process, use_ner=not args.no_ner,
                                      batch_size=args.batch_size, model=args.model)
        what = f"{'rules only' if args.no_ner else 'rules + trained NER'}, n_process={args.n_process}"
    print(f"{what}: {len(papers)} papers in {seconds:.1f} s = {len(papers) / seconds:.0f} papers/s; "
          f"{found} spans; peak memory {peak_mib():.0f} MiB")
    # On a shared machine wall time depends on the neighbours; CPU time much less so.
    print(f"CPU time {cpu:.1f} s = {len(papers) / cpu:.0f} papers per CPU-second "
          f"(~{2 * len(papers) / cpu:.0f} papers/s on two free cores; a lower bound: process start-up is included)")


if __name__ == "__main__":
    main()
