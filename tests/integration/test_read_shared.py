"""Every real export in ../shared/formats, and the shared corpora.

The expected counts were taken by inspecting the files (entries, title and
abstract fields, reference lists) independently of the readers; merges are the
duplicates each file really holds (a preprint and its conference version in one
Zotero library, say).
"""

from __future__ import annotations

import csv
import gzip
import json
import time

import pytest

from kg.io.detect import detect_format
from kg.io.read import read_inputs

# file: (format, input records, papers, papers with a title, papers with an abstract, stubs, citations, merged)
EXPECTED = {
    "arxiv-atom/arxiv_query_all_science_2019-08-10.xml": ("arxiv-atom", 10, 10, 10, 10, 0, 0, 0),
    # 12 entries, 6 works each exported twice (arXiv preprint + venue version, or two Zotero copies).
    "bibtex/zotero_bbt_ml_arxiv_papers.biblatex": ("bibtex", 12, 6, 6, 6, 0, 0, 6),
    # 55 entries, "Dissertations and Data" twice (same authors and year, no ids) -> 54 papers; 21 abstracts.
    "bibtex/zotero_bbt_read_only_group.biblatex": ("bibtex", 55, 54, 54, 21, 0, 0, 1),
    "csl-json/zotero_bbt_5_items_with_abstracts.csl.json": ("csl-json", 5, 5, 5, 5, 0, 0, 0),
    "csl-json/zotero_bbt_available_date.csl.json": ("csl-json", 4, 4, 4, 1, 0, 0, 0),
    "csl-json/zotero_bbt_pandoc_citation.csl.json": ("csl-json", 4, 4, 4, 0, 0, 0, 0),
    "csv/litstudy_tests_resources_ieee.csv": ("csv", 10, 10, 10, 10, 0, 0, 0),
    # 58 rows; one "[No abstract available]"; 48 rows list 2,441 distinct references.
    "csv/litstudy_tests_resources_scopus.csv": ("csv", 58, 58, 58, 57, 2189, 2441, 0),
    "openalex/W-api-response.json": ("openalex", 1, 1, 1, 1, 5, 5, 0),
    "openalex/W2741809807.json": ("openalex", 1, 1, 1, 1, 45, 45, 0),
    "ris/litstudy_example.ris": ("ris", 25, 25, 25, 25, 0, 0, 0),
    "ris/rispy_example_basic.ris": ("ris", 1, 1, 1, 0, 0, 0, 0),
    "ris/rispy_example_endnote.ris": ("ris", 1, 1, 1, 1, 0, 0, 0),
    "ris/rispy_example_full.ris": ("ris", 2, 2, 2, 2, 0, 0, 0),
    # Three records with only an N2 abstract (no title, no id): kept, not merged.
    "ris/rispy_example_multiline.ris": ("ris", 3, 3, 0, 3, 0, 0, 0),
    "ris/rispy_example_utf_chars.ris": ("ris", 1, 1, 1, 1, 0, 0, 0),
    # Web of Science: 2 records citing 59 and 86 references (NR), none shared.
    "ris/rispy_example_wos.ris": ("wos", 2, 2, 2, 2, 145, 145, 0),
    "semantic-scholar/Citation.json": ("s2", 1, 1, 1, 1, 0, 0, 0),
    # 1000 citing papers + 14 references, all distinct.
    "semantic-scholar/Paper.json": ("s2", 1, 1, 1, 1, 1014, 1014, 0),
    "semantic-scholar/PaperWithNullValues.json": ("s2", 1, 1, 0, 0, 0, 0, 0),
    "semantic-scholar/Reference.json": ("s2", 1, 1, 1, 1, 0, 0, 0),
}


def test_every_shared_format_file_is_covered(shared):
    found = sorted(str(p.relative_to(shared / "formats")) for p in (shared / "formats").rglob("*") if p.is_file())
    assert found == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shared_format_file_counts(shared, name):
    path = shared / "formats" / name
    fmt, records, papers, titled, with_abstract, stubs, citations, merged = EXPECTED[name]
    assert detect_format(path) == fmt
    corpus = read_inputs([path])
    report = corpus.report
    inputs = [p for p in corpus.papers if not p.stub]
    assert (report.records, report.papers, report.stubs, report.citations, report.merged) == (
        records, papers, stubs, citations, merged,
    )
    assert sum(bool(p.title) for p in inputs) == titled
    assert sum(bool(p.abstract) for p in inputs) == with_abstract
    assert not [s for s in report.skipped if not s.kept]
    assert len({p.id for p in corpus.papers}) == len(corpus.papers)


def test_semantic_scholar_paper_links(shared):
    corpus = read_inputs([shared / "formats/semantic-scholar/Paper.json"])
    turing = corpus.papers[0]
    assert turing.title == "Computing Machinery and Intelligence" and turing.id == "doi:10.1093/mind/lix.236.433"
    assert sum(c.citing == turing.id for c in corpus.citations) == 14
    assert sum(c.cited == turing.id for c in corpus.citations) == 1000


def test_bibtex_latex_is_decoded(shared):
    corpus = read_inputs([shared / "formats/bibtex/zotero_bbt_ml_arxiv_papers.biblatex"])
    he = corpus.papers[0]
    assert he.id == "arxiv:1502.01852"
    assert he.title == "Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification"
    assert "{" not in "".join(p.title for p in corpus.papers)
    assert "4.94% top-5 test error" in he.abstract


def test_openalex_abstract_rebuilt(shared):
    corpus = read_inputs([shared / "formats/openalex/W2741809807.json"])
    work = corpus.papers[0]
    assert work.id == "doi:10.7717/peerj.4375"
    assert work.abstract.startswith("Despite growing interest in Open Access (OA) to scholarly literature")


def test_scopus_references_counted_independently(shared):
    # Count distinct reference strings per row with the csv module alone.
    path = shared / "formats/csv/litstudy_tests_resources_scopus.csv"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    header, funding, refs = rows[0], rows[0].index("Funding Text 1"), rows[0].index("References")
    total = 0
    for row in rows[1:]:
        if len(row) > len(header):  # an unnamed "Funding Text 2" column shifts the rest
            row = row[: funding + 1] + row[funding + 1 + len(row) - len(header):]
        total += len({part.strip() for part in row[refs].split("; ") if part.strip()})
    assert total == EXPECTED["csv/litstudy_tests_resources_scopus.csv"][6]


@pytest.mark.slow
def test_scisumm_yields_every_citation_edge(shared):
    corpus = read_inputs([shared / "corpora/scisumm-citations/papers.jsonl.gz"])
    assert corpus.report.papers == 6539 and corpus.report.stubs == 0
    by_anthology = {p.ids["acl"]: p.id for p in corpus.papers}
    assert len(by_anthology) == 6539  # same-title papers with different Anthology ids stay apart
    with gzip.open(shared / "corpora/scisumm-citations/edges.jsonl.gz", "rt", encoding="utf-8") as handle:
        edges = {(by_anthology[e["citing"]], by_anthology[e["cited"]]) for e in map(json.loads, handle)}
    assert len(edges) == 11861
    assert {(c.citing, c.cited) for c in corpus.citations} == edges
    assert len(corpus.citations) == 11861


@pytest.mark.slow
def test_acl_corpus_reads_quickly(shared):
    start = time.perf_counter()
    corpus = read_inputs([shared / "corpora/acl-anthology/papers-2016plus.jsonl.gz"])
    seconds = time.perf_counter() - start
    assert corpus.report.records == 54551 and corpus.report.papers == 54551
    assert not corpus.report.skipped
    assert all(p.title and p.abstract for p in corpus.papers)
    # On the shared 2-core machine this takes a few seconds; the bound leaves room for load.
    assert seconds < 60
