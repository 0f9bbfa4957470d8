"""Every reader on a small fixture of its format (tests/data/io/)."""

from __future__ import annotations

import gzip
import shutil

import pytest

from kg.io.read import SAMPLE_PATH, read_inputs


@pytest.fixture(scope="module")
def io_dir(data_dir):
    return data_dir / "io"


def _read(path, **kwargs):
    corpus = read_inputs([path], **kwargs)
    ids = [p.id for p in corpus.papers]
    assert len(ids) == len(set(ids)), "paper ids must be unique"
    return corpus


def _paper(corpus, paper_id):
    return next(p for p in corpus.papers if p.id == paper_id)


def _kept(corpus):
    return sorted((s.record, s.reason) for s in corpus.report.skipped if s.kept)


def test_bundled_sample_reads_90_papers_with_abstracts():
    corpus = _read(SAMPLE_PATH)
    assert corpus.report.papers == 90 and corpus.report.stubs == 0
    assert all(p.title and p.abstract for p in corpus.papers)
    titles = [p.title for p in corpus.papers]
    assert titles[0] == "Is Model Collapse Inevitable? Breaking the Curse of Recursion by Accumulating Real and Synthetic Data"
    assert titles[-1] == "KV Prediction for Improved Time to First Token"
    assert not {"new", "Subscribe", "Mar 17", "byAK and the research community"} & set(titles)
    # The abstract is the file's paragraph, character for character.
    text = SAMPLE_PATH.read_text(encoding="utf-8")
    assert all(p.abstract in text and p.title in text for p in corpus.papers)


def test_listing_headers_missing_abstract_and_paragraphs(io_dir):
    corpus = _read(io_dir / "listing.txt")
    titles = [p.title for p in corpus.papers]
    assert titles == [
        "Tülu 3: Pushing Frontiers in Open Language Model Post-Training",
        "A Short Title Without Abstract",
        "Direct Preference Optimization: Your Language Model is Secretly a Reward Model",
    ]
    dpo = corpus.papers[2]
    # A multi-line paragraph keeps its line break; a second paragraph joins with a blank line.
    assert dpo.abstract.count("\n") == 3 and "\n\nWe evaluate DPO" in dpo.abstract
    assert _kept(corpus) == [(15, "no abstract; kept (it can still be cited and looked up)")]


def test_generic_jsonl_keeps_strings_and_resolves_references(io_dir):
    corpus = _read(io_dir / "records.jsonl")
    report = corpus.report
    assert (report.records, report.papers, report.stubs, report.citations) == (4, 4, 2, 5)
    first = _paper(corpus, "doi:10.18653/v1/p18-1001")
    # JSONL strings are kept exactly (no stripping, no whitespace normalisation).
    assert first.title == "  A Paper With  Odd   Spacing "
    assert first.abstract == "First line.\n  Second line with   spaces."
    assert first.ids["acl"] == "P18-1001" and first.authors == ("Ada Lovelace", "Alan Turing")
    pairs = {(c.citing, c.cited) for c in corpus.citations}
    local = next(p for p in corpus.papers if p.ids.get("key") == "local-7")
    assert pairs == {
        (first.id, "acl:P17-1002"),
        (first.id, "arxiv:1706.03762"),
        (first.id, next(p.id for p in corpus.papers if p.title == "An Unlisted Book")),
        (local.id, first.id),
        (local.id, "key:local-8"),
    }
    stubs = [p for p in corpus.papers if p.stub]
    assert [p.id for p in stubs][0] == "arxiv:1706.03762"
    assert corpus.papers[-1].year == 1999 and corpus.papers[-1].stub
    assert [r for r, _ in _kept(corpus)] == [3, 4]


def test_generic_json_array(io_dir):
    corpus = _read(io_dir / "records.json")
    assert [p.id for p in corpus.papers] == ["arxiv:1706.03762", "doi:10.18653/v1/n19-1423"]
    assert corpus.papers[0].authors == ("Ashish Vaswani", "Noam Shazeer")
    assert corpus.papers[1].ids["acl"] == "N19-1423"
    assert [(c.citing, c.cited) for c in corpus.citations] == [("doi:10.18653/v1/n19-1423", "arxiv:1706.03762")]


def test_arxiv_snapshot_jsonl(io_dir):
    corpus = _read(io_dir / "arxiv_snapshot.jsonl")
    first, second = corpus.papers
    assert first.id == "arxiv:0704.0001" and first.ids["doi"] == "10.1103/physrevd.76.013009"
    assert first.title == "Calculation of prompt diphoton production cross sections at Tevatron and\n  LHC energies"
    assert first.abstract.startswith("  A fully differential")
    assert first.year == 2007 and first.authors[0] == "C. Balázs" and first.venue == "Phys.Rev.D76:013009,2007"
    assert second.id == "arxiv:1706.03762" and second.year == 2017 and second.source_type == "arxiv:cs.CL"


def test_arxiv_atom(io_dir):
    corpus = _read(io_dir / "arxiv_atom.xml")
    first, second = corpus.papers
    assert first.id == "arxiv:1706.03762"  # version suffix dropped
    assert first.title == "Attention Is All You Need"
    assert first.abstract == (
        "The dominant sequence transduction models are based on complex recurrent or convolutional neural networks."
    )
    assert first.authors == ("Ashish Vaswani", "Noam Shazeer") and first.year == 2017
    assert second.id == "arxiv:hep-th/9901001" and second.year == 1999


def test_semantic_scholar_page_with_nested_references(io_dir):
    corpus = _read(io_dir / "s2_page.json")
    report = corpus.report
    assert (report.papers, report.stubs, report.citations) == (2, 2, 3)
    attention = corpus.papers[0]
    assert attention.id == "arxiv:1706.03762"
    assert attention.ids["s2"] == "204e3073870fae3d05bcbc2f6a8e263d9b72e776" and attention.ids["s2corpus"] == "13756489"
    # The nested citing paper is the second record (same S2 id): it merges instead of becoming a stub.
    bert = corpus.papers[1]
    assert bert.id == "arxiv:1810.04805" and not bert.stub
    assert bert.title.startswith("BERT: Pre-training")
    assert {(c.citing, c.cited) for c in corpus.citations} == {
        (attention.id, "doi:10.3115/v1/d14-1179"),
        (attention.id, next(p.id for p in corpus.papers if p.title == "A Reference Without Id")),
        (bert.id, attention.id),
    }
    assert report.notes == ["1 references or citations with neither an id nor a title were left out"]


def test_semantic_scholar_citation_wrappers(io_dir):
    corpus = _read(io_dir / "s2_citations.json")
    assert [p.id for p in corpus.papers] == ["doi:10.1109/lra.2022.3229266", "s2:1111111111111111111111111111111111111111"]
    assert corpus.papers[0].source_type == "s2:citing-paper"
    assert corpus.papers[0].abstract == "Throwing objects by a robot extends its reach."


def test_openalex_results_page(io_dir):
    corpus = _read(io_dir / "openalex_page.json")
    work = corpus.papers[0]
    assert work.id == "doi:10.7717/peerj.4375"
    assert work.abstract == "Despite growing interest in Open Access in research"  # position 7 missing
    assert work.ids["openalex"] == "W2741809807" and work.ids["pmid"] == "29456894"
    assert work.authors == ("Heather Piwowar", "Jason Priem") and work.venue == "PeerJ"
    # referenced_works: one is the second record, one a stub, a duplicate counted once.
    assert [(c.citing, c.cited) for c in corpus.citations] == [
        (work.id, "openalex:W1560783210"), (work.id, "openalex:W1724212071"),
    ]
    assert corpus.papers[1].title == "A Referenced Work" and not corpus.papers[1].stub
    assert corpus.papers[2].stub and corpus.report.stubs == 1


def test_bibtex_decodes_latex(io_dir):
    corpus = _read(io_dir / "refs.bib")
    tulu, he, bare = corpus.papers
    assert tulu.id == "arxiv:2411.15124"
    assert tulu.title == "Tülu 3: Pushing Frontiers in Open Language Model Post-Training"
    assert tulu.abstract == "We introduce Tülu 3, a family of Deep post-trained models & their data."
    assert tulu.authors == ("Nathan Lambert", "Jacob Morrison", "Valentina Pyatkin")
    assert tulu.venue == "Proceedings of ACL" and tulu.year == 2024
    assert he.title == "Delving Deep into Rectifiers" and he.id == "doi:10.1109/iccv.2015.123"
    assert bare.id == "key:nothing2020"
    skipped = [(s.record, s.kept) for s in corpus.report.skipped]
    assert (25, False) in skipped  # the unclosed entry


def test_ris(io_dir):
    corpus = _read(io_dir / "refs.ris")
    first, second = corpus.papers
    assert first.id == "doi:10.1109/mcse.2013.95" and first.year == 2013
    assert first.authors == ("Peter Kogge", "John Shalf") and first.venue == "Computing in Science & Engineering"
    assert second.title == "A Conference Paper Without Abstract" and second.ids["key"] == "local42"


def test_web_of_science_with_cited_references(io_dir):
    corpus = _read(io_dir / "wos.txt")
    first, second = corpus.papers[:2]
    assert first.title == "Interactions stabilizing the structure of the core light-harvesting complex of photosynthetic bacteria"
    assert first.ids == {"doi": "10.1021/bi049798f", "pmid": "15170338", "wos": "000221807500019"}
    # The CR line with the second record's DOI resolves to it; the others become stubs.
    assert {(c.citing, c.cited) for c in corpus.citations} == {
        (first.id, "doi:10.1073/pnas.83.22.8589"),
        (first.id, next(p.id for p in corpus.papers if p.title.startswith("LOACH PA, 1990"))),
        (first.id, second.id),
        (second.id, "doi:10.1073/pnas.83.22.8589"),
    }
    assert corpus.report.stubs == 2


def test_csl_json_strips_markup(io_dir):
    corpus = _read(io_dir / "refs.csl.json")
    first, second = corpus.papers
    assert first.title == "Skizze zur Auslegungsgeschichte der Bücher Prouerbia und Ecclesiastes"
    assert first.year == 1994 and first.authors == ("Rainer Berndt",) and first.ids["key"] == "Berndt1994"
    assert second.id == "arxiv:2101.00001"


def test_scopus_csv_with_shifted_funding_columns_and_references(io_dir):
    corpus = _read(io_dir / "scopus.csv")
    namd, petri = corpus.papers[:2]
    assert namd.authors == ("Phillips J.C.", "Braun R.") and namd.source_type == "csv:Review"
    # Row 2 has one more column than the header (a second funding text): later columns still line up.
    assert petri.ids["pmid"] == "35064163" and petri.source_type == "csv:Article"
    stub = next(p for p in corpus.papers if p.stub and p.year == 1999)
    assert stub.title == "NAMD2: Greater scalability for parallel molecular dynamics"
    assert corpus.report.citations == 3 and corpus.report.stubs == 2


def test_ieee_csv(io_dir):
    corpus = _read(io_dir / "ieee.csv")
    first, second = corpus.papers
    assert first.title == 'Exascale Computing Trends: Adjusting to the "New Normal"\' for Computer Architecture'
    assert first.authors == ("P. Kogge", "J. Shalf") and first.year == 2013
    assert second.abstract == ""  # "[No abstract available]"
    assert _kept(corpus) == [(3, "no abstract; kept (it can still be cited and looked up)")]


@pytest.mark.parametrize("name", ["records.jsonl", "refs.bib", "wos.txt", "openalex_page.json", "scopus.csv"])
def test_gzipped_input_reads_the_same(io_dir, tmp_path, name):
    packed = tmp_path / f"{name}.gz"
    with open(io_dir / name, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    plain, zipped = read_inputs([io_dir / name]), read_inputs([packed])
    assert [(p.id, p.title, p.abstract) for p in plain.papers] == [(p.id, p.title, p.abstract) for p in zipped.papers]
    assert plain.citations == zipped.citations


def test_folder_is_read_recursively_skipping_hidden_files(io_dir, tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(io_dir / "records.json", tmp_path / "sub" / "a.json")
    shutil.copy(io_dir / "refs.ris", tmp_path / "b.ris")
    (tmp_path / ".hidden.json").write_text("not json at all", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not an input", encoding="utf-8")
    corpus = read_inputs([tmp_path])
    assert [p.split("/")[-1] for p in corpus.report.files] == ["b.ris", "a.json"]
    assert corpus.report.papers == 4


def test_forced_format(io_dir, tmp_path):
    odd = tmp_path / "export.dat"
    shutil.copy(io_dir / "refs.ris", odd)
    assert read_inputs([odd], input_format="ris").report.papers == 2
    # Forcing the listing reader on a RIS file reads it as text, which is what was asked for.
    assert read_inputs([odd], input_format="txt").report.papers >= 1


def test_web_of_science_tab_delimited(tmp_path):
    path = tmp_path / "savedrecs.txt"
    rows = [
        ["PT", "AU", "TI", "SO", "AB", "CR", "PY", "DI", "UT"],
        ["J", "Cao, WX", "Proximal and distal influences", "BIOCHEMISTRY", "We use laser flash photolysis.",
         "ALLEN JP, 1986, P NATL ACAD SCI USA, V83, P8589, DOI 10.1073/pnas.83.22.8589; LOACH PA, 1990, FEMS SYMP, V53, P235",
         "2001", "10.1021/bi010067e", "WOS:000167968600001"],
    ]
    path.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    corpus = _read(path)
    paper = corpus.papers[0]
    assert (paper.title, paper.year, paper.ids["wos"]) == ("Proximal and distal influences", 2001, "000167968600001")
    assert [c.cited for c in corpus.citations][0] == "doi:10.1073/pnas.83.22.8589"
    assert corpus.report.stubs == 2
