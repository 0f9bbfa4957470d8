"""Format detection from extension and content."""

from __future__ import annotations

import gzip
import shutil

import pytest

from kg.errors import InputError
from kg.io.detect import ALIASES, FORMATS, canonical_format, describe_formats, detect_format

EXPECTED = {
    "listing.txt": "listing",
    "records.jsonl": "records",
    "records.json": "records",
    "arxiv_snapshot.jsonl": "arxiv",
    "arxiv_atom.xml": "arxiv-atom",
    "s2_page.json": "s2",
    "s2_citations.json": "s2",
    "openalex_page.json": "openalex",
    "refs.bib": "bibtex",
    "refs.ris": "ris",
    "wos.txt": "wos",
    "refs.csl.json": "csl-json",
    "scopus.csv": "csv",
    "ieee.csv": "csv",
}


def test_every_fixture_is_covered(data_dir):
    assert sorted(p.name for p in (data_dir / "io").iterdir()) == sorted(EXPECTED)
    assert set(EXPECTED.values()) == set(FORMATS)


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_detect_by_extension_and_content(data_dir, name, expected):
    assert detect_format(data_dir / "io" / name) == expected


@pytest.mark.parametrize(("name", "expected"), sorted(EXPECTED.items()))
def test_detect_by_content_alone_and_through_gzip(data_dir, tmp_path, name, expected):
    # Without a telling extension only the content decides (a .dat file, gzipped).
    packed = tmp_path / "export.dat.gz"
    with open(data_dir / "io" / name, "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    found = detect_format(packed)
    assert found == expected


def test_wos_export_with_ris_extension(data_dir, tmp_path):
    target = tmp_path / "savedrecs.ris"
    shutil.copy(data_dir / "io" / "wos.txt", target)
    assert detect_format(target) == "wos"


def test_aliases_and_unknown_names():
    assert canonical_format("JSONL") == "records"
    assert canonical_format("bib") == "bibtex"
    assert all(target in FORMATS for target in ALIASES.values())
    with pytest.raises(InputError, match="kg formats"):
        canonical_format("marc")


def test_describe_formats_lists_every_reader():
    text = describe_formats()
    assert all(f"  {name} " in text for name in FORMATS)
