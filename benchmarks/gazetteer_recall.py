"""Recall of the gazetteer against the dataset names ACL Anthology curators linked to papers.

Usage::

    python benchmarks/gazetteer_recall.py [--n 0] [--min-papers 2] [--corpus PATH]

Reads ``../shared/corpora/acl-anthology/papers-2016plus.jsonl.gz`` and, for the papers
that carry ``pwc_datasets`` (dataset names a curator linked to the paper), prints:

- name coverage: the share of distinct curator names that resolve to a gazetteer
  entry (any label, and DATASET only), also weighted by how many papers link each
  name. The gazetteer took the names linked to ``--min-papers`` or more papers, so
  coverage is printed separately for those and for the rarer names, which it did
  not copy (a fairer view of how well hand-written names generalise);
- paper recall: the share of those papers in whose title + abstract the gazetteer
  component of the rule pipeline marks at least one of the paper's curator-linked
  datasets, over all such papers and over those whose text names at least one
  of them at all (a case-insensitive whole-word match of the curator's name or of
  one of the entry's aliases, the ceiling for any text-only extractor);
- papers/s, seconds and peak memory of the matching pass.

With ``--gold FILE --scheme scier|scierc|tdmsci`` it instead scores the mentions the
rule pipeline attributes to the gazetteer (``source == "gazetteer"`` in
``doc._.kg_mentions``, after the resolver has settled overlaps; no trained NER)
against a ``../shared/gold`` file: exact span and label, per label, with the issue's
label mapping, and lists the entries that produce the most false positives::

    python benchmarks/gazetteer_recall.py --gold ../shared/gold/scier/dev.jsonl --scheme scier
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpora" / "acl-anthology" / "papers-2016plus.jsonl.gz"


def read_linked(corpus: Path, *, limit: int = 0) -> list[dict]:
    """Papers with at least one curator-linked dataset name (the first ``limit`` if > 0)."""
    papers = []
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            names = [n for n in record.get("pwc_datasets") or [] if n and n.strip()]
            if not names:
                continue
            text = (record.get("title") or "") + "\n\n" + (record.get("abstract") or "")
            papers.append({"id": record["id"], "text": text, "names": sorted(set(names))})
            if limit and len(papers) >= limit:
                break
    return papers


#: gold label <- gazetteer labels, per corpus (the issue's mapping); labels a corpus has no
#: column for are left out, and a match on a span carrying an ignored gold label is skipped.
SCHEME_MAP = {
    "scier": {"MODEL": "Method", "METHOD": "Method", "DATASET": "Dataset", "TASK": "Task"},
    "scierc": {"MODEL": "Method", "METHOD": "Method", "DATASET": "Material", "TASK": "Task", "METRIC": "Metric"},
    "tdmsci": {"TASK": "TASK", "DATASET": "DATASET", "METRIC": "METRIC"},
}
IGNORED = {"OtherScientificTerm", "Generic"}


def score_gold(nlp, gold_path: Path, scheme: str, *, show: int = 15) -> None:
    """Print per-label precision and recall of the gazetteer's mentions on one gold file."""
    mapping = SCHEME_MAP[scheme]
    labels = sorted(set(mapping.values()))
    records = [json.loads(line) for line in gold_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tp, fp, n_gold = Counter(), Counter(), Counter()
    fp_by_entry, tp_by_entry = Counter(), Counter()
    for record, doc in zip(records, nlp.pipe(r["text"] for r in records)):
        gold = {(e["start"], e["end"]): e["label"] for e in record["entities"]}
        n_gold.update(e["label"] for e in record["entities"] if e["label"] in labels)
        for mention in doc._.kg_mentions or []:
            if mention["source"] != "gazetteer" or mention["nested"] or mention["label"] not in mapping:
                continue
            label, found = mapping[mention["label"]], gold.get((mention["start"], mention["end"]))
            if found in IGNORED:
                continue
            if found == label:
                tp[label] += 1
                tp_by_entry[mention["entity_id"]] += 1
            else:
                fp[label] += 1
                fp_by_entry[mention["entity_id"]] += 1
    print(f"{gold_path} scheme={scheme} records={len(records)} (gazetteer matches only)")
    print(f"{'label':10s} {'P':>7s} {'R':>7s} {'TP':>6s} {'FP':>6s} {'gold':>6s}")
    for label in labels:  # Method already merges MODEL and METHOD
        t, f, g = tp[label], fp[label], n_gold[label]
        p = 100.0 * t / (t + f) if t + f else 0.0
        r = 100.0 * t / g if g else 0.0
        print(f"{label:10s} {p:6.1f}% {r:6.1f}% {t:6d} {f:6d} {g:6d}")
    if show:
        worst = sorted(fp_by_entry, key=lambda k: fp_by_entry[k] - tp_by_entry[k], reverse=True)[:show]
        print("entries with the most false positives (fp/tp):",
              ", ".join(f"{k} ({fp_by_entry[k]}/{tp_by_entry[k]})" for k in worst))


def share(part: int, whole: int) -> str:
    return f"{part}/{whole} = {100.0 * part / whole:.1f}%" if whole else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=0, help="papers with pwc_datasets to use (0 = all)")
    parser.add_argument("--min-papers", type=int, default=2,
                        help="names linked to at least this many papers count as 'copied' into the gazetteer")
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--show-missed", type=int, default=0, help="print the N most linked names not covered")
    parser.add_argument("--gold", type=Path, help="score the gazetteer's matches on this gold JSONL instead")
    parser.add_argument("--scheme", choices=sorted(SCHEME_MAP), help="label mapping for --gold")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    from kg.nlp.components.gazetteer import load_gazetteer
    from kg.nlp.pipeline import load_pipeline

    if args.gold:
        if not args.scheme or not args.gold.is_file():
            sys.exit("--gold needs an existing file and --scheme scier|scierc|tdmsci")
        nlp = load_pipeline(use_ner=False)
        score_gold(nlp, args.gold, args.scheme)
        return

    if not args.corpus.is_file():
        sys.exit(f"{args.corpus} not found; pass --corpus")
    papers = read_linked(args.corpus, limit=args.n)
    gazetteer = load_gazetteer()

    # --- name coverage
    papers_per_name = Counter(n for p in papers for n in p["names"])
    resolved = {name: gazetteer.find(name) for name in papers_per_name}
    print(f"papers with pwc_datasets: {len(papers)}   distinct curator names: {len(papers_per_name)}")
    for title, names in (
        ("all names", list(papers_per_name)),
        (f"names linked to >= {args.min_papers} papers", [n for n, c in papers_per_name.items() if c >= args.min_papers]),
        (f"names linked to < {args.min_papers} papers", [n for n, c in papers_per_name.items() if c < args.min_papers]),
    ):
        hit = [n for n in names if resolved[n] is not None]
        hit_ds = [n for n in hit if resolved[n].label == "DATASET"]
        weight = sum(papers_per_name[n] for n in names)
        print(f"  {title}: covered {share(len(hit), len(names))}  (as DATASET {share(len(hit_ds), len(names))});"
              f" weighted by papers {share(sum(papers_per_name[n] for n in hit), weight)}")
    if args.show_missed:
        missed = [(papers_per_name[n], n) for n in papers_per_name if resolved[n] is None]
        print("  most linked names not covered:", ", ".join(f"{n} ({c})" for c, n in sorted(missed, reverse=True)[: args.show_missed]))

    # --- paper recall through the pipeline's gazetteer component
    nlp = load_pipeline(use_ner=False)
    span_key = nlp.get_pipe("kg_gazetteer").span_key
    surface_rx: dict[str, re.Pattern] = {}

    def named_in_text(name: str, text: str) -> bool:
        entry = resolved[name]
        forms = {name} | ({entry.name, *entry.aliases} if entry else set())
        key = "\u0000".join(sorted(forms))
        if key not in surface_rx:
            alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
            surface_rx[key] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return surface_rx[key].search(text) is not None

    started = time.perf_counter()
    found = named = found_named = 0
    for paper, doc in zip(papers, nlp.pipe((p["text"] for p in papers), batch_size=args.batch_size)):
        marked = {span.kb_id_ for span in doc.spans.get(span_key, [])}
        wanted = {resolved[n].id for n in paper["names"] if resolved[n] is not None}
        is_named = any(named_in_text(n, paper["text"]) for n in paper["names"])
        is_found = bool(marked & wanted)
        found += is_found
        named += is_named
        found_named += is_found and is_named
    seconds = time.perf_counter() - started
    print(f"  papers where the gazetteer marks >= 1 linked dataset: {share(found, len(papers))}")
    print(f"  papers whose text names >= 1 linked dataset: {share(named, len(papers))};"
          f" of these the gazetteer marks one in {share(found_named, named)}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"seconds: {seconds:.1f}   papers/s: {len(papers) / seconds:.0f}   peak memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
