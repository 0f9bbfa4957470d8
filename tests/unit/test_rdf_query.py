"""Named queries, `kg query` and the Python query API, on a store built from a hand-made bundle
(citations included), with the real pyoxigraph engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import rdf_bundle as F
from kg.cli import main
from kg.errors import KGError, OutputError
from kg.rdf.export import entity_iri, paper_iri, write_rdf
from kg.rdf.query import format_query_list, named_queries, query, run_query_command
from kg.rdf.store import open_store
from kg.settings import load_settings



@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("build")
    write_rdf(F.small_bundle(), folder)
    return folder


def ids(rows, key="id"):
    return [r[key] for r in rows]


def test_list_names_every_shipped_query_with_a_description():
    lines = format_query_list().splitlines()
    assert len(lines) == len(named_queries()) >= 6
    for line, (name, q) in zip(lines, named_queries().items()):
        assert line.startswith(name + "  ") and q.description in line
        assert q.description


def test_papers_mentioning_an_entity_by_alias(out):
    rows = query("papers-mentioning", out, params={"entity": "grade school math 8k"})
    assert sorted(ids(rows)) == sorted([F.QWEN, F.MCTS, F.SELF])
    assert all(r["named"] == entity_iri("gsm8k") for r in rows)


def test_papers_mentioning_a_family_includes_its_variants(out):
    rows = query("papers-mentioning", out, params={"entity": "Qwen2.5-Math"})
    assert ids(rows) == [F.QWEN, F.RISE]  # the title and abstract mentions of Qwen rank it first
    assert rows[0]["mentions"] == 2
    assert rows[1]["named"] == entity_iri("qwen2-5-math-instruct-7b")


def test_top_entities_of_a_type(out):
    rows = query("top-entities", out, params={"type": "dataset"})
    assert [(r["name"], r["papers"]) for r in rows] == [("GSM8K", 3), ("MATH", 2)]
    everything = query("top-entities", out, params={"limit": "3"})
    assert len(everything) == 3 and everything[0]["name"] == "GSM8K"


def test_similar_papers_leave_broad_entities_out(out):
    rows = query("similar-papers", out, params={"paper": F.QWEN})
    assert ids(rows) == [F.MCTS, F.SELF]
    assert rows[0]["shared"] == 2 and "accuracy" not in rows[0]["entities"]


def test_most_cited_counts_stated_and_inferred_citations(out):
    rows = query("most-cited", out)
    counts = {r["id"]: (r["citations"], r["inferred"]) for r in rows}
    assert counts[F.STUB] == (3, 0)
    assert counts[F.QWEN] == (2, 1)
    assert counts[F.MCTS] == (1, 0)
    assert ids(rows)[0] == F.STUB


def test_co_occurring_entities(out):
    rows = query("co-occurring", out, params={"entity": "gsm8k"})
    papers = {r["name"]: r["papers"] for r in rows}
    assert papers["MATH"] == 2 and papers["accuracy"] == 2 and papers["mathematical reasoning"] == 1
    assert "GSM8K" not in papers
    assert rows[0]["papers"] == 2
    assert next(r for r in rows if r["name"] == "MATH")["type"].endswith("#Dataset")


def test_what_a_paper_introduces_by_title(out):
    rows = query("introduced-by", out, params={"paper": "monte carlo tree search boosts"})
    assert [(r["name"], r["mentionedBy"]) for r in rows] == [("Monte Carlo Tree Search", 1)]


def test_mentions_of_an_entity_give_provenance(out):
    rows = query("mentions-of", out, params={"entity": "MCTS"})
    assert {(r["id"], r["quote"], r["source"]) for r in rows} == {
        (F.MCTS, "Monte Carlo Tree Search", "gazetteer"),
        (F.MCTS, "MCTS", "abbreviation"),
        (F.RISE, "Monte Carlo Tree Search", "gazetteer"),
    }


def test_an_iri_parameter_binds_the_iri(out):
    rows = query("papers-mentioning", out, params={"entity": f"<{entity_iri('math')}>"})
    assert sorted(ids(rows)) == sorted([F.QWEN, F.MCTS])


def test_sparql_text_with_default_prefixes_and_params(out):
    rows = query("SELECT ?title WHERE { ?p kg:paperId ?id ; dcterms:title ?title }", out, params={"id": F.SELF})
    assert rows == [{"title": "Learning Math Reasoning from Self-Sampled Correct Solutions"}]
    assert query("ASK { ?p cito:cites ?q }", out) is True


def test_parameter_errors_say_what_to_do(out):
    with pytest.raises(KGError, match="needs --param entity"):
        query("papers-mentioning", out)
    with pytest.raises(KGError, match="kg lookup"):
        query("papers-mentioning", out, params={"entity": "no such thing"})
    with pytest.raises(KGError, match="no such parameter"):
        query("most-cited", out, params={"entity": "GSM8K"})
    with pytest.raises(KGError, match="unknown entity type"):
        query("top-entities", out, params={"type": "gadget"})


def test_malformed_sparql_reports_the_parser_message(out):
    with pytest.raises(KGError, match=r"SPARQL syntax error: error at 1:\d+"):
        query("SELECT ?s WHERE { ?s ?p }", out)


def test_missing_build_says_to_run_kg_build(tmp_path):
    with pytest.raises(OutputError, match="kg build --out"):
        query("most-cited", tmp_path / "nowhere")
    (tmp_path / "half").mkdir()
    with pytest.raises(OutputError, match="kg build --out"):
        run_query_command("most-cited", tmp_path / "half", params=[], result_format="table", settings=load_settings())


def test_the_store_is_read_only_and_shared(out):
    first, second = open_store(out), open_store(out)
    assert len(first) == len(second) > 0
    before = len(first)
    with pytest.raises((OSError, RuntimeError), match="read-write"):
        first.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert len(open_store(out)) == before


def test_command_formats(out):
    settings = load_settings()
    table = run_query_command("papers-mentioning", out, params=["entity=GSM8K"], result_format="table", settings=settings)
    assert table.splitlines()[0].split()[:2] == ["paper", "id"] and "(3 rows)" in table
    csv_text = run_query_command("papers-mentioning", out, params=["entity=GSM8K"], result_format="csv", settings=settings)
    assert csv_text.splitlines()[0].startswith("paper,id,title") and paper_iri(F.QWEN) in csv_text
    payload = json.loads(run_query_command("most-cited", out, params=["limit=1"], result_format="json", settings=settings))
    assert len(payload["results"]["bindings"]) == 1
    turtle = run_query_command(
        "CONSTRUCT { ?e skos:prefLabel ?n } WHERE { ?e a kg:Dataset ; skos:prefLabel ?n }", out,
        params=[], result_format="table", settings=settings,
    )
    assert "entity:gsm8k" in turtle and '"GSM8K"' in turtle


def test_an_rq_file_is_run(out, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("# Titles of papers from a year.\n# param year literal: the year\n"
                  "SELECT ?title WHERE { ?p dcterms:issued ?y ; dcterms:title ?title FILTER(STR(?y) = ?year) } ORDER BY ?title\n")
    text = run_query_command(str(rq), out, params=["year=2022"], result_format="csv", settings=load_settings())
    assert text.splitlines() == ["title", "Learning Math Reasoning from Self-Sampled Correct Solutions"]
    with pytest.raises(KGError, match="no such query file"):
        run_query_command(str(tmp_path / "missing.rq"), out, params=[], result_format="csv", settings=load_settings())


def test_a_query_past_the_time_limit_is_stopped(out):
    settings = load_settings(query={"timeout": 0.5})
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with pytest.raises(KGError, match="stopped after 0.5 s"):
        run_query_command(heavy, out, params=[], result_format="table", settings=settings)


def test_kg_query_on_the_command_line(out, capsys):
    with pytest.raises(SystemExit) as info:
        main(["query", "papers-mentioning", "--out", str(out), "--param", "entity=GSM-8K", "--format", "csv"])
    captured = capsys.readouterr()
    assert info.value.code in (0, None)
    assert F.QWEN in captured.out
    with pytest.raises(SystemExit) as info:
        main(["query", "SELECT ?s WHERE {", "--out", str(out)])
    captured = capsys.readouterr()
    assert info.value.code == 2 and "SPARQL syntax error" in captured.err and captured.err.count("\n") == 1
