"""``kg build``: read -> extract -> link -> write every output, into one folder, atomically."""

from __future__ import annotations

import json
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any, Sequence

from kg.settings import Settings

__all__ = ["build_folder", "format_summary"]


class _StageClock:
    """Seconds and peak resident memory after each stage, for report.json and benchmarks."""

    def __init__(self) -> None:
        self.stages: dict[str, dict[str, float]] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.stages[name] = {"seconds": round(now - self._last, 3), "peak_mib": round(peak_kib / 1024, 1)}
        self._last = now


def build_folder(
    inputs: Sequence[Path],
    out: Path,
    *,
    settings: Settings,
    input_format: str | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Build every output for ``inputs`` (the bundled sample when empty) into ``out``.

    The folder is assembled beside ``out`` and swapped in only when complete, so a
    failed or interrupted build leaves the previous one intact. Returns the summary
    also written to ``out/report.json``.
    """
    # Each stage is imported only when reached, so bad input fails fast, before spaCy loads.
    from kg.io.read import SAMPLE_PATH, read_inputs
    from kg.io.write import atomic_open, replace_folder

    clock = _StageClock()
    corpus = read_inputs(list(inputs) or [SAMPLE_PATH], input_format=input_format, progress=progress)
    clock.lap("read")
    from kg.extract import extract_corpus, write_mentions_jsonl

    extraction = extract_corpus(corpus.papers, settings=settings.extract, progress=progress)
    clock.lap("extract")
    from kg.graph.build import build_graphs

    bundle = build_graphs(corpus, extraction, settings=settings.graph)
    clock.lap("link")

    from kg.graph.io import write_graph_exports
    from kg.lookups import write_index
    from kg.rdf.export import write_rdf
    from kg.viz.html import write_pages

    summary = _summary(bundle)
    with replace_folder(out) as folder:
        _write_folder_readme(folder)
        write_mentions_jsonl(corpus.papers, extraction, folder / "mentions.jsonl")
        write_graph_exports(bundle, folder)
        write_index(bundle, folder)
        clock.lap("graph-exports")
        write_rdf(bundle, folder)
        clock.lap("rdf")
        write_pages(bundle, folder, settings=settings.html, summary=summary)
        clock.lap("html")
        summary["stages"] = clock.stages
        with atomic_open(folder / "report.json") as handle:
            json.dump(summary, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
    _report_skipped(corpus.report)
    return summary


def _write_folder_readme(folder: Path) -> None:
    """Every build folder explains its own files (the text is ``kg/data/outputs-README.md``)."""
    from importlib.resources import files

    from kg.io.write import atomic_write_text

    atomic_write_text(folder / "README.md", files("kg").joinpath("data/outputs-README.md").read_text("utf-8"))


def _summary(bundle) -> dict[str, Any]:
    corpus, extraction = bundle.corpus, bundle.extraction
    report = corpus.report
    used = {m.entity_id for mentions in extraction.mentions.values() for m in mentions}
    by_label = Counter(extraction.entities[e].label for e in used)
    return {
        "inputs": report.files,
        "records": report.records,
        "papers": report.papers,
        "stub_papers": report.stubs,
        "merged_records": report.merged,
        "skipped": sum(not s.kept for s in report.skipped),
        "kept_with_warnings": sum(s.kept for s in report.skipped),
        "problems": [
            {"file": s.path, "record": s.record, "reason": s.reason, "kept": s.kept} for s in report.skipped
        ],
        "notes": report.notes,
        "not_english": extraction.not_english,
        "mentions": sum(len(m) for m in extraction.mentions.values()),
        "entities": len(used),
        "entities_by_label": dict(sorted(by_label.items())),
        "citations": bundle.citations.number_of_edges(),
        "inferred_citations": sum(1 for *_, k in bundle.kg.edges(keys=True) if k == "refersTo"),
        "shares_entities_edges": bundle.shares.number_of_edges(),
        "cooccurrence_edges": bundle.cooccurrence.number_of_edges(),
        "communities": len(bundle.communities),
    }


def _report_skipped(report) -> None:
    skipped = [s for s in report.skipped if not s.kept]
    kept = [s for s in report.skipped if s.kept]
    if not skipped and not kept:
        return
    print(
        f"kg: {report.papers} papers read, {len(skipped)} records skipped, {len(kept)} kept with warnings",
        file=sys.stderr,
    )
    for problem in report.skipped[:20]:
        # The reasons of kept records already say why they were kept.
        verdict = "" if problem.kept else "; skipped"
        print(f"kg:   {problem.path} record {problem.record}: {problem.reason}{verdict}", file=sys.stderr)
    if len(report.skipped) > 20:
        print(f"kg:   ... {len(report.skipped) - 20} more in report.json", file=sys.stderr)


def format_summary(summary: dict[str, Any], out: Path) -> str:
    labels = ", ".join(f"{n} {label}" for label, n in summary["entities_by_label"].items())
    return "\n".join(
        [
            f"Read {summary['papers']} papers ({summary['stub_papers']} cited-only stubs, {summary['skipped']} records skipped).",
            f"Found {summary['mentions']} mentions of {summary['entities']} entities ({labels}).",
            f"Linked {summary['shares_entities_edges']} paper pairs by shared entities, "
            f"{summary['citations']} citations, {summary['inferred_citations']} inferred citations, "
            f"{summary['communities']} communities.",
            f"Wrote {out}/ (open {out}/index.html; see {out}/README.md for every file).",
        ]
    )
