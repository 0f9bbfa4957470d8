"""Benchmark the RDF stage at a million triples: pyoxigraph (what `kg` ships) against plain rdflib.

A synthetic corpus (deterministic, Zipf-distributed entity mentions, citations) goes
through the real graph stage (`kg.graph.build.build_graphs`) and the real exporter, so
the triples have the shape of a real build. Then:

- pyoxigraph: bulk-load the triples into an on-disk store (the `store/` of a build),
  serialise Turtle / N-Triples / JSON-LD, and answer every shipped named query on the
  read-only store (entity and paper parameters given by name, as `kg query` does);
- rdflib: load the same triples into an in-memory `Graph` (the plain rdflib way: parse
  the N-Triples file) and answer the same queries with rdflib's SPARQL engine (each in
  a child process killed after --rdflib-timeout seconds).

Usage::

    nice -n 10 python benchmarks/bench_store.py                    # ~1,000,000 triples
    nice -n 10 python benchmarks/bench_store.py --triples 200000 --skip-rdflib

Prints seconds, triples/s, per-query milliseconds (median of --repeat runs) and peak
memory (resource.getrusage).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.rdf.export import graph_triples, write_rdf, write_store  # noqa: E402
from kg.rdf.query import execute, named_queries, prepare_query, run_with_timeout  # noqa: E402
from kg.rdf.store import open_store  # noqa: E402
from kg.types import LABELS, Citation, Corpus, Entity, Extraction, Mention, Paper, ReadReport  # noqa: E402

#: Triples a synthetic paper yields on average (measured); used to size the corpus.
TRIPLES_PER_PAPER = 275


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic_corpus(n_papers: int, *, seed: int = 7) -> tuple[Corpus, Extraction]:
    """Papers naming 6-14 entities each (Zipf popularity), citing up to 6 earlier papers."""
    rng = random.Random(seed)
    n_entities = max(50, n_papers // 2)
    entities = {}
    for i in range(n_entities):
        label = LABELS[i % len(LABELS)]
        eid = f"{label.lower()}-{i}"
        aliases = (f"{label[:2]}{i}",) if i % 3 == 0 else ()
        entities[eid] = Entity(eid, f"{label.title()} {i}", label, aliases=aliases, broad=(i % 97 == 5))
    ids = list(entities)
    weights = [1 / (rank + 1) ** 1.1 for rank in range(n_entities)]
    papers, mentions, citations = [], {}, []
    for p in range(n_papers):
        pid = f"synthetic:{p:07d}"
        chosen = list(dict.fromkeys(rng.choices(ids, weights, k=rng.randint(6, 14))))
        names = [entities[e].name for e in chosen]
        title = f"Study {p} of {names[0]}"
        abstract = " ".join(f"We evaluate {n} carefully." for n in names)
        rows, offset = [], 0
        rows.append(Mention(pid, names[0], entities[chosen[0]].label, 9 + len(str(p)) + 4, 9 + len(str(p)) + 4 + len(names[0]),
                            "title", (0, len(title)), chosen[0], names[0], "pattern", 0.8, introduced=p % 5 == 0))
        for eid, name in zip(chosen, names):
            sentence = f"We evaluate {name} carefully."
            start = offset + len("We evaluate ")
            rows.append(Mention(pid, name, entities[eid].label, start, start + len(name), "abstract",
                                (offset, offset + len(sentence)), eid, name, "gazetteer", 0.9))
            offset += len(sentence) + 1
        mentions[pid] = rows
        papers.append(Paper(id=pid, title=title, abstract=abstract, year=2000 + p % 25, authors=(f"Author {p % 997}",),
                            ids={"key": f"p{p}"}))
        for _ in range(min(p, rng.randint(0, 6))):
            citations.append(Citation(pid, f"synthetic:{rng.randrange(p):07d}"))
    citations = list(dict.fromkeys(citations))
    return Corpus(papers, citations, ReadReport(papers=n_papers)), Extraction(mentions, entities)


def example_params(bundle, *, share: float) -> dict[str, str]:
    """Parameters: the non-hub entity named by the share of papers closest to ``share`` (by name),
    a paper naming it (by title), and a type."""
    counts: dict[str, int] = {}
    for rows in bundle.extraction.mentions.values():
        for eid in {m.entity_id for m in rows}:
            counts[eid] = counts.get(eid, 0) + 1
    n_papers = len(bundle.corpus.papers)
    candidates = [e for e in counts if not bundle.kg.nodes[e].get("hub")]
    entity = min(candidates, key=lambda e: (abs(counts[e] - share * n_papers), e))
    # A paper naming it that introduces something and names several linking entities, so every query has rows.
    naming = [p for p in bundle.corpus.papers if any(m.entity_id == entity for m in bundle.extraction.mentions[p.id])]
    paper = max(naming, key=lambda p: (
        any(m.introduced for m in bundle.extraction.mentions[p.id]),
        len({m.entity_id for m in bundle.extraction.mentions[p.id] if not bundle.kg.nodes[m.entity_id].get("hub")}),
    ))
    return {"entity": bundle.extraction.entities[entity].name, "paper": paper.title, "type": "DATASET",
            "entity_iri": entity, "paper_id": paper.id, "papers": counts[entity]}


def _rdflib_query(text: str) -> int:
    # Runs in a forked child that inherited the loaded graph (module global _GRAPH).
    return len(list(_GRAPH.query(text)))


_GRAPH = None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=1_000_000, help="target number of triples")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query (median reported)")
    parser.add_argument("--skip-rdflib", action="store_true", help="measure pyoxigraph only")
    parser.add_argument("--rdflib-timeout", type=float, default=120.0, help="seconds before an rdflib query is abandoned")
    args = parser.parse_args(argv)

    from kg.graph.build import build_graphs
    from kg.settings import Settings

    n_papers = max(100, args.triples // TRIPLES_PER_PAPER)
    t0 = time.perf_counter()
    corpus, extraction = synthetic_corpus(n_papers)
    bundle = build_graphs(corpus, extraction, settings=Settings().graph)
    t_bundle = time.perf_counter() - t0
    t0 = time.perf_counter()
    triples = list(graph_triples(bundle))
    t_triples = time.perf_counter() - t0
    n = len(triples)
    print(f"corpus: {n_papers:,} synthetic papers, {len(extraction.entities):,} entities, "
          f"{sum(map(len, extraction.mentions.values())):,} mentions, {len(corpus.citations):,} citations "
          f"(graph stage {t_bundle:.1f} s)")
    print(f"triples: {n:,} generated in {t_triples:.1f} s ({n / t_triples:,.0f} triples/s)")
    print(f"machine load average: {' '.join(f'{x:.1f}' for x in __import__('os').getloadavg())} on {__import__('os').cpu_count()} CPUs")

    typical = example_params(bundle, share=0.01)
    popular = example_params(bundle, share=0.05)  # the hub threshold: the busiest entity that links papers
    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        out = Path(tmp)
        t0 = time.perf_counter()
        write_rdf(bundle, out)
        t_all = time.perf_counter() - t0
        sizes = ", ".join(f"{p.name} {p.stat().st_size / 1e6:.0f} MB" for p in sorted(out.glob("kg.*")))
        print(f"\npyoxigraph: write_rdf (Turtle + N-Triples + JSON-LD + store, triples given) in {t_all:.1f} s ({sizes})")
        # CPU seconds (all threads) beside wall seconds: on a shared machine the wall clock mostly measures the neighbours.
        t0, c0 = time.perf_counter(), time.process_time()
        write_store(out / "kg.nt", out / "store-from-nt")
        t_load, c_load = time.perf_counter() - t0, time.process_time() - c0
        print(f"pyoxigraph: LOAD {n:,} triples from kg.nt into a new on-disk store in {t_load:.1f} s wall, "
              f"{c_load:.1f} s CPU ({n / t_load:,.0f} triples/s; target < 20 s per million: "
              f"{'ok' if t_load / n * 1e6 < 20 else 'SLOW'}) [what `kg build` does]")
        t0, c0 = time.perf_counter(), time.process_time()
        write_store(triples, out / "store-from-objects")
        t_objects, c_objects = time.perf_counter() - t0, time.process_time() - c0
        print(f"pyoxigraph: load the same triples from Python objects (bulk_extend) in {t_objects:.1f} s wall, "
              f"{c_objects:.1f} s CPU")

        store = open_store(out)
        queries = named_queries()
        py_times: dict[str, float] = {}
        texts: dict[str, str] = {}
        for label, params in (("typical", typical), ("busiest non-hub", popular)):
            print(f"\npyoxigraph queries, {label} parameters: entity {params['entity']!r} "
                  f"(named by {params['papers']:,} papers), paper {params['paper_id']} "
                  f"(median of {args.repeat} runs, names resolved as `kg query` does):")
            for name, named in queries.items():
                given = {p.name: params[p.name] for p in named.params if p.name in ("entity", "paper", "type")}
                runs, rows = [], 0
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    rows = len(list(execute(store, prepare_query(store, named.text, given, declared=named.params))))
                    runs.append(time.perf_counter() - t0)
                median = statistics.median(runs)
                flag = "ok" if median < 0.1 else "SLOW (target < 100 ms)"
                print(f"  {name:20s} {median * 1000:8.1f} ms  {rows:5d} rows  {flag}")
                if label == "typical":
                    py_times[name] = median
                    # The same query with IRIs bound, for rdflib (resolving names there is slower still).
                    iris = {"entity": f"<https://w3id.org/paperkg/id/entity/{params['entity_iri']}>",
                            "paper": f"<https://w3id.org/paperkg/id/paper/{params['paper_id']}>",
                            "type": "<https://w3id.org/paperkg/ontology#Dataset>"}
                    bound = {k: iris[k] for k in given}
                    texts[name] = prepare_query(store, named.text, bound, declared=named.params)
        del store
        print(f"peak memory so far: {peak_mib():,.0f} MiB")

        if args.skip_rdflib:
            return
        import rdflib

        global _GRAPH
        t0, c0 = time.perf_counter(), time.process_time()
        _GRAPH = rdflib.Graph()
        _GRAPH.parse(out / "kg.nt", format="nt")
        t_rdflib, c_rdflib = time.perf_counter() - t0, time.process_time() - c0
        print(f"\nrdflib: LOAD {len(_GRAPH):,} triples (parse kg.nt into an in-memory Graph) in {t_rdflib:.1f} s wall, "
              f"{c_rdflib:.1f} s CPU ({len(_GRAPH) / t_rdflib:,.0f} triples/s; {t_rdflib / t_load:.1f}x pyoxigraph wall)")
        t0 = time.perf_counter()
        _GRAPH.serialize(out / "rdflib.nt", format="nt", encoding="utf-8")
        print(f"rdflib: serialise N-Triples in {time.perf_counter() - t0:.1f} s")
        print(f"rdflib queries, typical parameters (median of {min(args.repeat, 3)}, IRIs bound, "
              f"each abandoned after {args.rdflib_timeout:g} s):")
        for name in queries:
            runs, rows = [], None
            for _ in range(min(args.repeat, 3)):
                t0 = time.perf_counter()
                try:
                    rows = run_with_timeout(_rdflib_query, (texts[name],), timeout=args.rdflib_timeout)
                except Exception as exc:  # noqa: BLE001 - a timeout is a result here
                    print(f"  {name:20s}  > {args.rdflib_timeout:g} s ({str(exc)[:60]})")
                    break
                runs.append(time.perf_counter() - t0)
            else:
                median = statistics.median(runs)
                print(f"  {name:20s} {median * 1000:8.1f} ms  {rows:5d} rows  "
                      f"({median / max(py_times[name], 1e-6):,.0f}x pyoxigraph)")
        print(f"peak memory: {peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
