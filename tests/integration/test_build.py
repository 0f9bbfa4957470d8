"""`kg build` end to end: the folder it writes, its report, and rebuilding in place."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from kg.cli import main

REPO = Path(__file__).resolve().parents[2]
README = REPO / "kg" / "data" / "outputs-README.md"
CONDITIONAL = {"graph-citations.html"}  # written only when the input has citations


def named_in_readme() -> set[str]:
    """File names in the first column of the README's tables."""
    first_columns = re.findall(r"^\| ([^|]+) \|", README.read_text(), flags=re.M)
    return {name for cell in first_columns for name in re.findall(r"`([^`]+)`", cell)}


def test_committed_outputs_readme_is_the_shipped_one():
    assert (REPO / "outputs" / "README.md").read_text() == README.read_text()


def test_every_file_of_a_build_is_named_in_the_readme(sample_build):
    written = {p.name + ("/" if p.is_dir() else "") for p in sample_build.iterdir()}
    named = named_in_readme()
    assert written - named == set(), "add these files to kg/data/outputs-README.md"
    assert named - written - CONDITIONAL == set(), "the README names files a build no longer writes"


def test_report_counts_the_sample(sample_build):
    report = json.loads((sample_build / "report.json").read_text())
    assert report["papers"] == 90
    assert report["skipped"] == 0
    assert report["mentions"] > 500
    assert set(report["entities_by_label"]) == {"MODEL", "METHOD", "DATASET", "TASK", "METRIC"}
    assert set(report["stages"]) == {"read", "extract", "link", "graph-exports", "rdf", "html"}


@pytest.fixture(scope="module")
def papers_with_a_broken_line(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("input") / "papers.jsonl"
    good = [
        {"id": "p1", "title": "Scaling GSM8K solvers", "abstract": "We fine-tune Llama 3 on GSM8K and report accuracy."},
        {"id": "p2", "title": "MCTS for math", "abstract": "Monte Carlo tree search (MCTS) improves GSM8K accuracy."},
    ]
    path.write_text(json.dumps(good[0]) + "\n{not json\n" + json.dumps(good[1]) + "\n", encoding="utf-8")
    return path


def test_build_reports_a_skipped_record_and_keeps_the_rest(papers_with_a_broken_line, tmp_path, capsys):
    out = tmp_path / "out"
    with pytest.raises(SystemExit) as info:
        main(["build", str(papers_with_a_broken_line), "--out", str(out)])
    assert info.value.code == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("Read 2 papers")
    assert "record 2" in captured.err and "skipped" in captured.err
    report = json.loads((out / "report.json").read_text())
    assert report["papers"] == 2 and report["skipped"] == 1
    assert report["problems"][0]["record"] == 2 and not report["problems"][0]["kept"]


def test_rebuild_replaces_the_folder(papers_with_a_broken_line, tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "left-over.html").write_text("from an older build")
    with pytest.raises(SystemExit) as info:
        main(["build", str(papers_with_a_broken_line), "--out", str(out)])
    assert info.value.code == 0
    assert not (out / "left-over.html").exists()
    assert (out / "report.json").is_file() and (out / "README.md").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


@pytest.mark.slow
def test_same_input_gives_the_same_files_whatever_the_hash_seed(tmp_path):
    """Two builds differ only in the run's timestamp (set iteration order must not leak out)."""
    import os
    import subprocess
    import sys

    folders = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-m", "kg", "build", "--out", str(out)], env=env, check=True, capture_output=True)
        folders.append(out)
    binary = {"lookup.sqlite", "report.json"}  # sqlite pages and stage timings legitimately differ
    for path in sorted(p for p in folders[0].iterdir() if p.is_file() and p.name not in binary):
        first = [line for line in path.read_text().splitlines() if "endedAtTime" not in line]
        second = [line for line in (folders[1] / path.name).read_text().splitlines() if "endedAtTime" not in line]
        assert first == second, f"{path.name} differs between two builds of the same input"
