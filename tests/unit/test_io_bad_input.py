"""Bad input: whole files that cannot be read fail with one line; bad records are skipped and counted."""

from __future__ import annotations

import gzip
import json
import random

import pytest

from kg.errors import InputError
from kg.io.read import read_inputs

GOOD = [
    {"id": "P18-1001", "title": "First Good Paper", "abstract": "Fine."},
    {"id": "P18-1002", "title": "Second Good Paper", "abstract": "Also fine."},
    {"id": "P18-1003", "title": "Third Good Paper", "abstract": "Still fine."},
]


def _one_line(exc: InputError) -> str:
    message = str(exc)
    assert "\n" not in message and "Traceback" not in message
    return message


def _random_bytes(path, size=4096):
    path.write_bytes(random.Random(7).randbytes(size))
    return path


@pytest.mark.parametrize("name", ["noise.bin", "noise.jsonl", "noise.txt", "noise.bib", "noise.csv"])
def test_random_bytes_fail_with_one_line(tmp_path, name):
    path = _random_bytes(tmp_path / name)
    with pytest.raises(InputError) as info:
        read_inputs([path])
    message = _one_line(info.value)
    assert str(path) in message and ("binary" in message or "format" in message)


@pytest.mark.parametrize("name", ["empty.jsonl", "empty.txt", "empty.bib", "blank.json"])
def test_empty_file_fails(tmp_path, name):
    path = tmp_path / name
    path.write_text("" if name.startswith("empty") else "  \n\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_inputs([path])
    assert _one_line(info.value).startswith(f"{path}: is empty")


def test_truncated_json_document_names_line_and_column(tmp_path):
    path = tmp_path / "papers.json"
    text = json.dumps(GOOD, indent=2)
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_inputs([path])
    message = _one_line(info.value)
    assert str(path) in message and "line " in message and "column" in message and "truncated" in message


def test_missing_file_and_unknown_format(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_inputs([tmp_path / "nope.jsonl"])
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(GOOD[0]) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown input format"):
        read_inputs([path], input_format="marc21")


def test_damaged_gzip_fails(tmp_path):
    path = tmp_path / "papers.jsonl.gz"
    path.write_bytes(gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in GOOD))[:-12])
    with pytest.raises(InputError, match="gzip"):
        read_inputs([path])


def test_jsonl_with_one_broken_line_keeps_every_good_record(tmp_path):
    lines = [json.dumps(GOOD[0]), '{"id": "P18-9999", "title": "Broken', json.dumps(GOOD[1]), "", json.dumps(GOOD[2])]
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus = read_inputs([path])
    assert [p.title for p in corpus.papers] == [r["title"] for r in GOOD]
    assert [(s.record, s.kept) for s in corpus.report.skipped] == [(2, False)]
    assert "not valid JSON" in corpus.report.skipped[0].reason


def test_invalid_utf8_line_is_skipped_and_counted(tmp_path):
    path = tmp_path / "papers.jsonl"
    bad = json.dumps({"title": "Caf\u00e9", "abstract": "x"}).encode("ascii").replace(b"\\u00e9", b"\xe9")
    path.write_bytes(json.dumps(GOOD[0]).encode() + b"\n" + bad + b"\n" + json.dumps(GOOD[1]).encode() + b"\n")
    corpus = read_inputs([path])
    assert corpus.report.papers == 2
    assert [(s.record, s.reason, s.kept) for s in corpus.report.skipped] == [(2, "line is not valid UTF-8", False)]


def test_invalid_utf8_in_a_listing_is_repaired_and_counted(tmp_path):
    path = tmp_path / "listing.txt"
    path.write_bytes(b"A Title\n\nAn abstract with a bad byte \xff in the middle of a long enough sentence here.\n")
    corpus = read_inputs([path])
    assert corpus.papers[0].abstract.count("\ufffd") == 1
    assert [(s.record, s.kept) for s in corpus.report.skipped] == [(3, True)]


def test_record_with_nothing_is_skipped_and_id_only_record_kept(tmp_path):
    path = tmp_path / "papers.jsonl"
    rows = [GOOD[0], {"year": 2020, "venue": "ACL"}, {"id": "P18-2000"}, {"id": "P18-2001", "title": "No Abstract"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    corpus = read_inputs([path])
    assert [p.id for p in corpus.papers] == ["acl:P18-1001", "acl:P18-2000", "acl:P18-2001"]
    assert [(s.record, s.reason, s.kept) for s in corpus.report.skipped] == [
        (2, "no title, abstract or id", False),
        (3, "no title or abstract; kept because it has an id", True),
        (4, "no abstract; kept (it can still be cited and looked up)", True),
    ]
    assert corpus.report.records == 3


def test_file_with_only_bad_records_fails(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text("{not json\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_inputs([path])
    assert "record 1" in _one_line(info.value)


def test_empty_folder_fails(tmp_path):
    (tmp_path / "readme.md").write_text("hello", encoding="utf-8")
    with pytest.raises(InputError, match="no input files"):
        read_inputs([tmp_path])


def test_cli_build_on_bad_file_exits_2_with_one_line(tmp_path, capsys):
    from kg.cli import main

    bad = _random_bytes(tmp_path / "bad.jsonl")
    with pytest.raises(SystemExit) as info:
        main(["build", str(bad), "--out", str(tmp_path / "o")])
    assert info.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and str(bad) in lines[0] and lines[0].startswith("kg: error:")
    assert "Traceback" not in captured.err and captured.out == ""
    assert not (tmp_path / "o").exists()


def test_truncated_atom_feed_fails(data_dir, tmp_path):
    text = (data_dir / "io" / "arxiv_atom.xml").read_text(encoding="utf-8")
    path = tmp_path / "feed.xml"
    path.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_inputs([path])
    assert "not well-formed XML" in _one_line(info.value)


def test_latin1_bibtex_is_repaired_and_counted(tmp_path):
    path = tmp_path / "old.bib"
    path.write_bytes("@article{k, title = {Caf\u00e9 Society}, year = 1999}\n".encode("latin-1"))
    corpus = read_inputs([path])
    assert corpus.papers[0].title == "Caf\ufffd Society"
    assert corpus.report.skipped[0].kept and "undecodable" in corpus.report.skipped[0].reason


def test_utf16_csv_reads(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text("Title,Abstract,Year\nA UTF-16 Paper,Exported on Windows.,2021\n", encoding="utf-16")
    corpus = read_inputs([path])
    assert [(p.title, p.abstract, p.year) for p in corpus.papers] == [("A UTF-16 Paper", "Exported on Windows.", 2021)]
