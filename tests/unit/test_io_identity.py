"""Paper identity: id normalisation, precedence, merging, determinism."""

from __future__ import annotations

import json

import pytest

from kg.io.identity import classify_id, normalise_id, normalise_title, resolve_records, title_hash
from kg.io.read import read_inputs
from kg.io.records import Record


def _write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("scheme", "value", "expected"),
    [
        ("arxiv", "arXiv:1502.01852v3", "1502.01852"),
        ("arxiv", "https://arxiv.org/abs/2008.02217v2", "2008.02217"),
        ("arxiv", "http://arxiv.org/pdf/hep-th/9901001v1.pdf", "hep-th/9901001"),
        ("arxiv", "not an id", None),
        ("doi", "https://doi.org/10.1109/MCSE.2013.95", "10.1109/mcse.2013.95"),
        ("doi", "doi:10.18653/v1/P18-1001", "10.18653/v1/p18-1001"),
        ("doi", "11.1/x", None),
        ("acl", "https://aclanthology.org/2020.acl-main.1/", "2020.acl-main.1"),
        ("acl", "P18-1001", "P18-1001"),
        ("openalex", "https://openalex.org/w2741809807", "W2741809807"),
        ("pmid", "https://pubmed.ncbi.nlm.nih.gov/29456894", "29456894"),
        ("s2", "https://www.semanticscholar.org/paper/2D5673CAA9E6AF3A7B82A43F19EE920992DB07AD", "2d5673caa9e6af3a7b82a43f19ee920992db07ad"),
    ],
)
def test_normalise_id(scheme, value, expected):
    assert normalise_id(scheme, value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("A92-1006", ("acl", "A92-1006")),
        ("2016.amta-researchers.1", ("acl", "2016.amta-researchers.1")),
        ("10.3115/974147.974156", ("doi", "10.3115/974147.974156")),
        ("1706.03762v5", ("arxiv", "1706.03762")),
        ("W2741809807", ("openalex", "W2741809807")),
        ("pmid:123", ("pmid", "123")),
        ("smith2020", ("key", "smith2020")),
    ],
)
def test_classify_id(value, expected):
    assert classify_id(value) == expected


def test_title_normalisation_ignores_case_accents_punctuation():
    assert normalise_title("Göttingen: A {Study}") == normalise_title("GOTTINGEN a study")
    assert title_hash("Deep Learning") == title_hash("deep  learning.")
    assert len(title_hash("x")) == 12


def test_same_title_different_dois_stay_apart(tmp_path):
    path = _write_jsonl(tmp_path / "p.jsonl", [
        {"title": "Machine Transliteration", "doi": "10.1000/workshop", "year": 1997, "abstract": "Workshop version."},
        {"title": "Machine transliteration.", "doi": "10.1000/journal", "year": 1997, "abstract": "Journal version."},
    ])
    corpus = read_inputs([path])
    assert [p.id for p in corpus.papers] == ["doi:10.1000/workshop", "doi:10.1000/journal"]
    assert corpus.report.merged == 0


def test_same_title_different_anthology_ids_stay_apart(tmp_path):
    path = _write_jsonl(tmp_path / "p.jsonl", [
        {"id": "J98-4003", "title": "Machine Transliteration"},
        {"id": "P97-1017", "title": "Machine Transliteration"},
        {"id": "X00-0001", "title": "Citing", "references": ["J98-4003", "P97-1017"]},
    ])
    corpus = read_inputs([path])
    assert corpus.report.papers == 3
    assert {c.cited for c in corpus.citations} == {"acl:J98-4003", "acl:P97-1017"}


def test_arxiv_version_merges_with_unversioned_id(tmp_path):
    first = _write_jsonl(tmp_path / "a.jsonl", [{"arxiv_id": "1706.03762v5", "title": "Attention Is All You Need"}])
    second = _write_jsonl(tmp_path / "b.jsonl", [
        {"id": "arXiv:1706.03762", "title": "Attention is all you need", "abstract": "The dominant models.", "year": 2017},
    ])
    corpus = read_inputs([first, second])
    assert [p.id for p in corpus.papers] == ["arxiv:1706.03762"]
    paper = corpus.papers[0]
    # The merge keeps every field; the richer record (with an abstract) wins the title.
    assert paper.abstract == "The dominant models." and paper.year == 2017 and paper.title == "Attention is all you need"
    assert corpus.report.merged == 1
    assert corpus.report.notes and "same arxiv 1706.03762" in corpus.report.notes[0]


def test_reference_by_doi_resolves_to_the_paper_with_that_doi(tmp_path):
    path = _write_jsonl(tmp_path / "p.jsonl", [
        {"id": "P18-1001", "title": "Citing Paper", "references": ["https://doi.org/10.5555/CITED", "10.9999/outside"]},
        {"arxiv_id": "1801.00001", "doi": "10.5555/cited", "title": "Cited Paper"},
    ])
    corpus = read_inputs([path])
    assert [(c.citing, c.cited) for c in corpus.citations] == [
        ("acl:P18-1001", "arxiv:1801.00001"),  # arXiv outranks DOI as the paper id; the DOI is an alias
        ("acl:P18-1001", "doi:10.9999/outside"),
    ]
    stub = corpus.papers[-1]
    assert stub.stub and stub.id == "doi:10.9999/outside" and corpus.report.stubs == 1
    assert corpus.papers[1].ids["doi"] == "10.5555/cited"


def test_reference_with_title_merges_with_the_input_paper(tmp_path):
    path = _write_jsonl(tmp_path / "p.jsonl", [
        {"title": "Citing", "references": [{"title": "Deep Residual Learning for Image Recognition", "year": 2016}]},
        {"title": "Deep residual learning for image recognition", "doi": "10.1109/cvpr.2016.90", "year": 2016},
    ])
    corpus = read_inputs([path])
    assert corpus.report.stubs == 0
    assert corpus.citations[0].cited == "doi:10.1109/cvpr.2016.90"


def test_title_merge_blocked_by_year_or_authors(tmp_path):
    path = _write_jsonl(tmp_path / "p.jsonl", [
        {"title": "Introduction", "authors": ["Ann Smith"], "year": 2001},
        {"title": "Introduction", "authors": ["Bo Jones"], "year": 2001},
        {"title": "Introduction", "authors": ["Ann Smith"], "year": 2005},
        {"title": "Introduction", "authors": ["A. Smith"], "year": 2001, "abstract": "Same as the first."},
    ])
    corpus = read_inputs([path])
    assert corpus.report.papers == 3 and corpus.report.merged == 1
    base = "title:" + title_hash("Introduction")
    # Colliding title hashes get a deterministic suffix.
    assert [p.id for p in corpus.papers] == [base, base + "-2", base + "-3"]
    assert corpus.papers[0].abstract == "Same as the first."


def test_shared_doi_does_not_merge_different_anthology_papers(tmp_path):
    path = _write_jsonl(tmp_path / "p.jsonl", [
        {"id": "W18-6481", "title": "NRC submission", "doi": "10.18653/v1/W18-6481"},
        {"id": "W18-6482", "title": "Alibaba submission", "doi": "10.18653/v1/W18-6481"},
    ])
    corpus = read_inputs([path])
    assert [p.id for p in corpus.papers] == ["doi:10.18653/v1/w18-6481", "acl:W18-6482"]
    assert any(note.startswith("not merged") for note in corpus.report.notes)


def test_precedence_of_paper_ids():
    record = Record(title="T", ids={"doi": "10.1000/x", "acl": "P18-1001", "s2": "a" * 40, "pmid": "1"}, path="f")
    papers, *_ = resolve_records([record])
    assert papers[0].id == "doi:10.1000/x"
    papers, *_ = resolve_records([Record(title="T", ids={"pmid": "1", "openalex": "W1"}, path="f")])
    assert papers[0].id == "openalex:W1"


def test_same_input_same_ids_and_order(data_dir, tmp_path):
    inputs = sorted((data_dir / "io").iterdir())
    runs = [read_inputs(inputs) for _ in range(2)]
    assert [p.id for p in runs[0].papers] == [p.id for p in runs[1].papers]
    assert runs[0].citations == runs[1].citations
    assert runs[0].papers == runs[1].papers
    ids = [p.id for p in runs[0].papers]
    assert len(ids) == len(set(ids))
    # Input papers come first, stubs after.
    flags = [p.stub for p in runs[0].papers]
    assert flags == sorted(flags)
