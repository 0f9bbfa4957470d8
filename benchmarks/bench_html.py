"""HTML pages benchmark: write the pages of a 5,000-paper ACL Anthology slice and time
them in headless chromium.

Runs the real pipeline (read -> extract -> link) on the first ``--limit`` papers of
``../shared/corpora/acl-anthology`` (the extraction is cached under
/tmp/kg-bench-cache, keyed by paper ids), writes the pages with
``kg.viz.html.write_pages``, then opens each page from file:// in headless chromium
with the network emulated offline and prints, per page: nodes and edges drawn (and
in the whole graph), milliseconds from navigation to the first drawn frame (the
page's ``kg-ready`` mark: data parsed, network built, laid out), wall time of the
load, and the time to focus a node and redraw (median of ``--repeat`` loads, and the
fastest first frame, since the machine is shared). ``--synthetic`` uses a generated
bundle of the same shape instead (labelled so in the output).

``--citations`` also times the citation page of ``scisumm-citations`` (6,539 papers,
11,861 citations; no extraction needed), since the ACL slice holds no citations.

    python benchmarks/bench_html.py [--limit 5000] [--synthetic] [--citations] [--out DIR]
"""

from __future__ import annotations

import argparse
import gzip
import pickle
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ACL = ROOT.parent / "shared" / "corpora" / "acl-anthology" / "papers-2016plus.jsonl.gz"
SCISUMM = ROOT.parent / "shared" / "corpora" / "scisumm-citations" / "papers.jsonl.gz"
CACHE = Path("/tmp/kg-bench-cache")


def real_bundle(corpus_path: Path, limit: int, work: Path):
    """Read, extract (cached) and link the first ``limit`` papers of ``corpus_path``."""
    from kg.graph.build import build_graphs
    from kg.io.read import read_inputs
    from kg.settings import Settings

    sliced = work / f"acl-{limit}.jsonl"
    with gzip.open(corpus_path, "rt", encoding="utf-8") as src, sliced.open("w", encoding="utf-8") as dst:
        for number, line in enumerate(src):
            if number >= limit:
                break
            dst.write(line)
    started = time.perf_counter()
    corpus = read_inputs([sliced], progress=False)
    print(f"read: {len(corpus.papers)} papers in {time.perf_counter() - started:.1f} s", flush=True)

    settings = Settings()
    ids = [p.id for p in corpus.papers]
    cache = CACHE / f"html-{corpus_path.name}.{limit}.pkl"
    extraction = None
    if cache.is_file():
        with cache.open("rb") as handle:
            cached = pickle.load(handle)
        if cached.get("ids") == ids:
            extraction = cached["extraction"]
            print(f"extract: cached ({cache})", flush=True)
    if extraction is None:
        from kg.extract import extract_corpus

        started = time.perf_counter()
        extraction = extract_corpus(corpus.papers, settings=settings.extract, progress=False)
        seconds = time.perf_counter() - started
        print(f"extract: {len(ids)} papers in {seconds:.0f} s ({len(ids) / seconds:.0f} papers/s)", flush=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        part = cache.with_suffix(".part")
        with part.open("wb") as handle:
            pickle.dump({"ids": ids, "extraction": extraction}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        part.replace(cache)
    started = time.perf_counter()
    bundle = build_graphs(corpus, extraction, settings=settings.graph)
    print(f"link: {time.perf_counter() - started:.1f} s", flush=True)
    return bundle


def synthetic(limit: int):
    sys.path.insert(0, str(ROOT / "tests"))
    from browser.viz_bundles import synthetic_bundle

    print(f"SYNTHETIC bundle: {limit} generated papers (not the ACL corpus)", flush=True)
    return synthetic_bundle(limit, seed=1)


def open_chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kg-bench-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
        "--window-size=1400,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd(
        "Network.emulateNetworkConditions", {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    )
    return driver, profile


def measure(driver, page: Path) -> dict:
    driver.get_log("browser")
    started = time.perf_counter()
    driver.get(page.as_uri())
    while not driver.execute_script("return !!(window.kg && window.kg.ready)"):
        if time.perf_counter() - started > 120:
            raise SystemExit(f"{page.name}: not drawn after 120 s")
        time.sleep(0.02)
    wall = time.perf_counter() - started
    state = driver.execute_script(
        """
        const net = kg.network;
        const t = performance.now();
        const id = kg.data.nodes.reduce((a, b) => (b.size > a.size ? b : a)).id;
        kg.focusNode(id);
        net.renderer._redraw();
        const focus = performance.now() - t;
        return {readyAt: kg.readyAt, focus: focus, nodes: net.body.nodeIndices.length,
                edges: net.body.edgeIndices.length, totalNodes: kg.data.total_nodes, totalEdges: kg.data.total_edges,
                isolated: kg.data.isolated || 0,
                marks: Object.fromEntries(performance.getEntriesByType('mark').map(m => [m.name, Math.round(m.startTime)])),
                remote: performance.getEntriesByType('resource').map(e => e.name).filter(u => !u.startsWith('file:'))};
        """
    )
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    state.update(wall=wall, errors=len(errors), mb=page.stat().st_size / 1e6)
    driver.save_screenshot(str(page.with_suffix(".png")))
    return state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ACL)
    parser.add_argument("--limit", type=int, default=5000)
    parser.add_argument("--synthetic", action="store_true", help="a generated bundle instead of the ACL slice")
    parser.add_argument("--citations", action="store_true", help="also time the scisumm-citations citation page")
    parser.add_argument("--repeat", type=int, default=3, help="loads per page; the median and fastest are printed")
    parser.add_argument("--out", type=Path, default=None, help="keep the pages here (default: a temporary folder)")
    args = parser.parse_args()

    from kg.build import _summary
    from kg.settings import HtmlSettings
    from kg.viz.html import write_pages

    work = Path(tempfile.mkdtemp(prefix="kg-bench-html-"))
    if args.synthetic:
        bundle = synthetic(args.limit)
    else:
        if not args.corpus.is_file():
            sys.exit(f"{args.corpus}: corpus not found; run from a checkout with ../shared beside it, or pass --synthetic")
        bundle = real_bundle(args.corpus, args.limit, work)
    out = args.out or work / "pages"
    settings = HtmlSettings()
    started = time.perf_counter()
    written = write_pages(bundle, out, settings=settings, summary=_summary(bundle))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    papers = sum(1 for _, a in bundle.kg.nodes(data=True) if a.get("kind") == "paper" and not a.get("stub"))
    print(f"write_pages: {seconds:.1f} s for {papers} papers ({papers / seconds:.0f} papers/s), "
          f"peak memory {peak:.0f} MiB, {len(written)} files in {out}", flush=True)

    if args.citations:
        from kg.graph.build import build_graphs
        from kg.io.read import read_inputs
        from kg.settings import GraphSettings
        from kg.types import Extraction

        cites = build_graphs(read_inputs([SCISUMM], progress=False), Extraction({}, {}), settings=GraphSettings())
        started = time.perf_counter()
        cited = write_pages(cites, out / "scisumm", settings=settings, summary=_summary(cites))
        print(f"write_pages (scisumm-citations, no extraction): {time.perf_counter() - started:.1f} s", flush=True)
        written += [f"scisumm/{name}" for name in cited if name == "graph-citations.html"]

    driver, profile = open_chromium()
    try:
        print(f"\n{'page':<32}{'nodes':>7}{'of':>7}{'edges':>8}{'of':>8}{'MB':>6}{'ready ms':>10}{'fastest':>9}{'wall s':>8}"
              f"{'focus ms':>10}{'errors':>8}{'remote':>8}")
        marks = []
        for name in written:
            if not Path(name).name.startswith("graph-"):
                continue
            runs = sorted((measure(driver, out / name) for _ in range(max(1, args.repeat))), key=lambda r: r["readyAt"])
            s = runs[len(runs) // 2]
            s["fastest"] = runs[0]["readyAt"]
            print(f"{name:<32}{s['nodes']:>7}{s['totalNodes']:>7}{s['edges']:>8}{s['totalEdges']:>8}{s['mb']:>6.1f}"
                  f"{s['readyAt']:>10.0f}{s['fastest']:>9.0f}{s['wall']:>8.2f}{s['focus']:>10.0f}{s['errors']:>8}{len(s['remote']):>8}"
                  + (f"   ({s['isolated']} unlinked nodes not drawn)" if s["isolated"] else ""), flush=True)
            marks.append((name, s["marks"]))
        print("\nmilestones (ms from navigation): " + "; ".join(f"{n}: {m}" for n, m in marks))
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"\nscreenshots: {out}/*.png" + (" (temporary folder; pass --out to keep)" if args.out is None else ""))
    if args.out is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
