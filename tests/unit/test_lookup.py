"""Entity and paper look-ups (kg.lookups) on a hand-made graph bundle.

The bundle holds five papers of the bundled sample (their real titles and
abstracts, read from kg/data/trending-papers.txt) plus one synthetic follow-up
paper, with mentions found by exact string search and hand-made citations, so
these tests do not depend on the extractor or the graph stage.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import kg
from kg.cli import main
from kg.errors import ConfigError, OutputError
from kg.graph.model import GraphBundle
from kg.lookups import (
    INDEX_NAME,
    LookupIndex,
    fold,
    lookup_entity,
    lookup_paper,
    run_lookup_command,
    squash,
    write_index,
)
from kg.settings import LookupSettings, Settings
from kg.types import Corpus, Entity, Extraction, Mention, Paper, ReadReport

SAMPLE = Path(kg.__file__).parent / "data" / "trending-papers.txt"

# id, title as in the sample, year
SAMPLE_PAPERS = [
    ("arxiv:2409.12122", "Qwen2.5-Math Technical Report: Toward Mathematical Expert Model via Self-Improvement", 2024),
    ("arxiv:2212.09744", "DSI++: Updating Transformer Memory with New Documents", 2022),
    ("arxiv:2405.00451", "Monte Carlo Tree Search Boosts Reasoning via Iterative Preference Learning", 2024),
    ("arxiv:2205.14318", "Learning Math Reasoning from Self-Sampled Correct and Partially-Correct Solutions", 2022),
    ("arxiv:2405.03553", "AlphaMath Almost Zero: process Supervision without process", 2024),
]
FOLLOW_UP = Paper(
    id="title:synthetic-follow-up",
    title="A synthetic follow-up paper for the look-up tests",
    abstract="We revisit DSI++ for continual learning. We also run Qwen2.5-Math on GSM8K.",
    year=2025,
)

ENTITIES = [
    Entity("gsm8k", "GSM8K", "DATASET", ("GSM-8K", "Grade School Math 8K")),
    Entity("math", "MATH", "DATASET"),
    Entity("qwen2-5-math", "Qwen2.5-Math", "MODEL"),
    Entity("qwen2-5-math-instruct", "Qwen2.5-Math-Instruct", "MODEL", parent="qwen2-5-math"),
    Entity("monte-carlo-tree-search", "Monte Carlo tree search", "METHOD", ("MCTS", "Monte Carlo Tree Search")),
    Entity("direct-preference-optimization", "Direct Preference Optimization", "METHOD", ("DPO",)),
    Entity("supervised-fine-tuning", "supervised fine-tuning", "METHOD", ("SFT",)),
    Entity("reward-model", "reward model", "METHOD", ("RM",)),
    Entity("dsi-plus-plus", "DSI++", "METHOD"),
    Entity("differentiable-search-index", "Differentiable Search Index", "METHOD",
           ("DSI", "DSIs", "Differentiable Search Indices")),
    Entity("continual-learning", "continual learning", "TASK"),
    Entity("large-language-models", "large language models", "METHOD", ("LLMs", "LLM", "Large Language Models"),
           broad=True),
    Entity("alphazero", "AlphaZero", "MODEL"),
    # Named nowhere: the index still knows it, with no papers.
    Entity("gsm-hard", "GSM-Hard", "DATASET"),
]
# (paper, entity) pairs that are the paper's own contribution.
INTRODUCED = {("arxiv:2409.12122", "qwen2-5-math"), ("arxiv:2409.12122", "qwen2-5-math-instruct"),
              ("arxiv:2212.09744", "dsi-plus-plus")}
# Hand-made input citations between the papers above (made up for the test).
CITATIONS = [("arxiv:2409.12122", "arxiv:2205.14318"), ("arxiv:2405.00451", "arxiv:2205.14318"),
             ("arxiv:2405.03553", "arxiv:2405.00451"), ("arxiv:2405.03553", "arxiv:2409.12122")]


def _sample_paper(pid: str, title: str, year: int) -> Paper:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    at = lines.index(title)
    return Paper(id=pid, title=title, abstract=lines[at + 2].strip(), year=year, ids={"arxiv": pid.split(":", 1)[1]})


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer(r"(?<=[.!?])\s+(?=[A-Z(])", text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return spans


def _find_mentions(paper: Paper) -> list[Mention]:
    found = []
    for field in ("title", "abstract"):
        text = getattr(paper, field)
        spans = _sentences(text)
        for entity in ENTITIES:
            for form in (entity.name, *entity.aliases):
                for m in re.finditer(r"(?<![\w+-])" + re.escape(form) + r"(?![\w+-])", text):
                    sentence = next(s for s in spans if s[0] <= m.start() < s[1] or m.start() == s[1])
                    found.append(Mention(
                        paper_id=paper.id, text=m.group(), label=entity.label, start=m.start(), end=m.end(),
                        field=field, sentence=sentence, entity_id=entity.id, canonical=entity.name,
                        source="gazetteer", score=1.0, introduced=(paper.id, entity.id) in INTRODUCED,
                    ))
    order = {"title": 0, "abstract": 1}
    return sorted(found, key=lambda m: (order[m.field], m.start))


def make_bundle() -> GraphBundle:
    """A GraphBundle following the schema of kg.graph.model, made by hand."""
    papers = [_sample_paper(*row) for row in SAMPLE_PAPERS] + [FOLLOW_UP]
    papers.append(Paper(id="doi:10.0000/stub", stub=True))
    citations = [*CITATIONS, ("title:synthetic-follow-up", "doi:10.0000/stub")]
    entities = {e.id: e for e in ENTITIES}
    mentions = {p.id: _find_mentions(p) for p in papers if not p.stub}
    corpus = Corpus(papers, [], ReadReport())
    extraction = Extraction(mentions, entities)

    graph = nx.MultiDiGraph()
    for p in papers:
        graph.add_node(p.id, kind="paper", title=p.title, abstract=p.abstract, year=p.year, venue=p.venue,
                       authors=list(p.authors), ids=dict(p.ids), url=p.url, stub=p.stub)
    for e in ENTITIES:
        graph.add_node(e.id, kind="entity", name=e.name, label=e.label, aliases=list(e.aliases), parent=e.parent,
                       broad=e.broad, source=e.source)
    cites = nx.DiGraph()
    for citing, cited in citations:
        graph.add_edge(citing, cited, key="cites", source="input")
        cites.add_edge(citing, cited, source="input")
    per_paper: dict[str, set[str]] = {}
    for pid, ms in mentions.items():
        counts = Counter(m.entity_id for m in ms)
        for m in ms:
            if m.entity_id in per_paper.setdefault(pid, set()):
                continue
            per_paper[pid].add(m.entity_id)
            first = {"field": m.field, "start": m.start, "end": m.end, "text": m.text,
                     "sentence": list(m.sentence), "source": m.source, "score": m.score}
            graph.add_edge(pid, m.entity_id, key="mentions", count=counts[m.entity_id],
                           fields=sorted({x.field for x in ms if x.entity_id == m.entity_id}), first=first)
            if m.introduced:
                graph.add_edge(pid, m.entity_id, key="introduces", score=0.9)
    introducer = {eid: pid for pid, eid in INTRODUCED}
    for pid, names in per_paper.items():
        via = sorted(e for e in names if introducer.get(e) not in (None, pid))
        for cited in sorted({introducer[e] for e in via}):
            graph.add_edge(pid, cited, key="refersTo", confidence=0.8,
                           via=[e for e in via if introducer[e] == cited])
    shares = nx.Graph()
    for a, b in itertools.combinations(sorted(per_paper), 2):
        shared = sorted(e for e in per_paper[a] & per_paper[b] if not entities[e].broad)
        if shared:
            shares.add_edge(a, b, weight=float(len(shared)), shared=shared)
    co = nx.Graph()
    pair_counts = Counter(
        pair for names in per_paper.values() for pair in itertools.combinations(sorted(names), 2)
    )
    for (a, b), n in pair_counts.items():
        co.add_edge(a, b, weight=float(n), papers=n)
    return GraphBundle(corpus, extraction, graph, shares, co, cites)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lookup") / "outputs"
    folder.mkdir()
    assert write_index(make_bundle(), folder) == [INDEX_NAME]
    return folder


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """Run the command line as a user would: it always ends with SystemExit."""
    with pytest.raises(SystemExit) as exited:
        main(argv)
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def _names(result: dict) -> list[str]:
    return [m["name"] for m in result["matches"]]


# -- normalisation ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [("GSM8K", "gsm8k"), ("gsm 8k", "gsm8k"), ("GSM-8K", "gsm8k"), ("Large Language Models", "largelanguagemodel"),
     ("LLMs", "llm"), ("queries", "query"), ("corpus", "corpus"), ("analysis", "analysis"), ("DSI++", "dsi++"),
     ("Kendall’s tau", "kendallstau")],
)
def test_squash_folds_case_separators_and_plural(text, key):
    assert squash(text) == key


def test_fold_keeps_word_boundaries():
    assert fold("Monte-Carlo  Tree_Search") == "monte carlo tree search"


# -- the index file ---------------------------------------------------------


def test_index_is_written_atomically_and_alone(out):
    assert sorted(p.name for p in out.iterdir()) == [INDEX_NAME]


def test_index_counts_papers_per_entity(out):
    with LookupIndex(out) as index:
        record = index.lookup_entity("GSM8K")["matches"][0]
    expected = sum(1 for pid, ms in make_bundle().extraction.mentions.items() if any(m.entity_id == "gsm8k" for m in ms))
    assert record["paper_count"] == expected == len(record["papers"])


# -- resolution order -------------------------------------------------------


def test_gsm8k_lists_the_qwen_math_report_with_its_sentence(out):
    match = lookup_entity("GSM8K", out)["matches"][0]
    assert (match["name"], match["label"], match["match"], match["score"]) == ("GSM8K", "DATASET", "name", 100.0)
    papers = {p["id"]: p for p in match["papers"]}
    qwen = papers["arxiv:2409.12122"]
    assert qwen["title"].startswith("Qwen2.5-Math Technical Report")
    assert qwen["year"] == 2024
    assert "GSM8K" in qwen["sentence"] and qwen["sentence"].startswith("We evaluate our models")
    years = [p["year"] for p in match["papers"]]
    assert years == sorted(years, reverse=True)  # no paper introduces GSM8K: newest first


def test_abbreviation_resolves_to_the_canonical_entity(out):
    match = lookup_entity("MCTS", out)["matches"][0]
    assert (match["name"], match["match"]) == ("Monte Carlo tree search", "alias")
    assert "MCTS" in match["aliases"]


@pytest.mark.parametrize("query", ["gsm8k", "gsm 8k", "Gsm-8k", "Gsm8ks", "grade school math 8k"])
def test_case_space_hyphen_and_plural_variants_find_gsm8k(out, query):
    result = lookup_entity(query, out)
    assert _names(result)[0] == "GSM8K"
    assert result["matches"][0]["match"] == "variant"


def test_exact_name_wins_over_alias_and_variant(out):
    # "Monte Carlo Tree Search" is an alias as written, "monte carlo tree search" only a variant.
    assert lookup_entity("Monte Carlo tree search", out)["matches"][0]["match"] == "name"
    assert lookup_entity("Monte Carlo Tree Search", out)["matches"][0]["match"] == "alias"
    assert lookup_entity("monte carlo tree search", out)["matches"][0]["match"] == "variant"


def test_misspelling_is_matched_fuzzily_with_its_score(out):
    match = lookup_entity("Monte Carlo tree serch", out)["matches"][0]
    assert match["name"] == "Monte Carlo tree search"
    assert match["match"] == "fuzzy"
    assert 80 <= match["score"] < 100


def test_fuzzy_threshold_comes_from_settings(out):
    strict = Settings(lookup=LookupSettings(min_fuzzy_score=99.0))
    assert lookup_entity("Monte Carlo tree serch", out, settings=strict)["matches"] == []


def test_other_version_number_is_not_a_fuzzy_match_but_a_suggestion(out):
    result = lookup_entity("GSM9K", out)
    assert result["matches"] == []
    assert "GSM8K" in [s["name"] for s in result["suggestions"]]


def test_type_filter(out):
    assert _names(lookup_entity("MCTS", out, label="method")) == ["Monte Carlo tree search"]
    result = lookup_entity("MCTS", out, label="DATASET")
    assert result["matches"] == []
    assert [o["name"] for o in result["other_types"]] == ["Monte Carlo tree search"]
    assert all(s["label"] == "DATASET" for s in result["suggestions"])


def test_unknown_type_is_a_config_error(out):
    with pytest.raises(ConfigError, match="MODEL, METHOD, DATASET, TASK, METRIC"):
        lookup_entity("MCTS", out, label="ALGORITHM")


# -- what an entity match shows ---------------------------------------------


def test_introducing_paper_is_listed_first(out):
    match = lookup_entity("DSI++", out)["matches"][0]
    assert match["introduced_by"]["id"] == "arxiv:2212.09744"
    assert match["papers"][0]["id"] == "arxiv:2212.09744" and match["papers"][0]["introduces"]
    # The abstract sentence is preferred over the bare title.
    assert match["papers"][0]["sentence"].startswith("In this work, we introduce DSI++")


def test_entity_not_introduced_in_the_corpus(out):
    assert lookup_entity("GSM8K", out)["matches"][0]["introduced_by"] is None


def test_co_occurring_entities_ranked_by_papers_together(out):
    match = lookup_entity("GSM8K", out)["matches"][0]
    together = [c["papers"] for c in match["co_occurring"]]
    assert together == sorted(together, reverse=True)
    assert len(match["co_occurring"]) <= LookupSettings().co_occurring
    # MATH is named with GSM8K by every paper that names MATH.
    math_papers = lookup_entity("MATH", out)["matches"][0]["paper_count"]
    assert {"name": "MATH", "papers": math_papers}.items() <= next(
        c for c in match["co_occurring"] if c["name"] == "MATH").items()


def test_family_and_variants(out):
    instruct = lookup_entity("Qwen2.5-Math-Instruct", out)["matches"][0]
    assert instruct["parent"] == {"entity_id": "qwen2-5-math", "name": "Qwen2.5-Math"}
    family = lookup_entity("Qwen2.5-Math", out)["matches"][0]
    assert family["variants"] == [{"entity_id": "qwen2-5-math-instruct", "name": "Qwen2.5-Math-Instruct"}]


def test_max_papers_caps_the_list_but_not_the_count(out):
    match = lookup_entity("GSM8K", out, max_papers=1)["matches"][0]
    assert len(match["papers"]) == 1 and match["paper_count"] > 1


def test_table_shows_max_papers_rows_and_json_lists_all(out):
    settings = Settings(lookup=LookupSettings(max_papers=1))
    text, _ = run_lookup_command("GSM8K", out, label=None, paper=None, as_json=False, settings=settings)
    total = lookup_entity("GSM8K", out)["matches"][0]["paper_count"]
    assert f"1 of {total} papers shown" in text
    assert sum(line.startswith((" arxiv:", " title:")) for line in text.splitlines()) == 1
    text, _ = run_lookup_command("GSM8K", out, label=None, paper=None, as_json=True, settings=settings)
    assert len(json.loads(text)["matches"][0]["papers"]) == total


def test_entity_named_nowhere_has_no_papers(out):
    match = lookup_entity("GSM-Hard", out)["matches"][0]
    assert (match["paper_count"], match["papers"]) == (0, [])
    text, found = run_lookup_command("GSM-Hard", out, label=None, paper=None, as_json=False, settings=Settings())
    assert found and "No paper in this build mentions it" in text and "Papers mentioning" not in text


# -- papers -----------------------------------------------------------------


def test_paper_by_short_title_shows_what_it_introduces(out):
    match = lookup_paper("DSI++", out)["matches"][0]
    assert match["paper_id"] == "arxiv:2212.09744"
    assert match["match"] == "short title"
    assert [i["name"] for i in match["introduces"]] == ["DSI++"]
    assert "continual learning" in [e["name"] for e in match["entities"]["TASK"]]


@pytest.mark.parametrize("query", ["arxiv:2212.09744", "2212.09744", "ARXIV:2212.09744",
                                   "dsi++: updating transformer memory with new documents"])
def test_paper_by_any_id_or_full_title(out, query):
    assert lookup_paper(query, out)["matches"][0]["paper_id"] == "arxiv:2212.09744"


def test_paper_by_part_of_its_title_is_fuzzy(out):
    match = lookup_paper("updating transformer memory", out)["matches"][0]
    assert (match["paper_id"], match["match"]) == ("arxiv:2212.09744", "fuzzy")


def test_paper_by_the_name_it_introduces(out):
    assert lookup_paper("Qwen2.5-Math", out)["matches"][0]["paper_id"] == "arxiv:2409.12122"


def test_paper_entities_are_grouped_in_label_order(out):
    match = lookup_paper("arxiv:2409.12122", out)["matches"][0]
    assert list(match["entities"]) == [lb for lb in ("MODEL", "METHOD", "DATASET", "TASK", "METRIC")
                                       if lb in match["entities"]]
    assert {"GSM8K", "MATH"} <= {e["name"] for e in match["entities"]["DATASET"]}


def test_paper_citations_both_ways_and_inferred(out):
    mcts = lookup_paper("arxiv:2405.00451", out)["matches"][0]
    assert [p["id"] for p in mcts["cites"]] == ["arxiv:2205.14318"]
    assert [p["id"] for p in mcts["cited_by"]] == ["arxiv:2405.03553"]
    dsi = lookup_paper("arxiv:2212.09744", out)["matches"][0]
    assert dsi["inferred_cited_by"][0]["id"] == FOLLOW_UP.id
    assert dsi["inferred_cited_by"][0]["via"] == ["DSI++"]
    stub = lookup_paper("doi:10.0000/stub", out)["matches"][0]
    assert stub["stub"] and [p["id"] for p in stub["cited_by"]] == [FOLLOW_UP.id]


def test_nearest_papers_by_shared_entities(out):
    match = lookup_paper(FOLLOW_UP.id, out)["matches"][0]
    weights = [n["weight"] for n in match["nearest"]]
    assert weights == sorted(weights, reverse=True)
    qwen = next(n for n in match["nearest"] if n["id"] == "arxiv:2409.12122")
    assert set(qwen["shared"]) == {"GSM8K", "Qwen2.5-Math"}


def test_unknown_paper_has_title_suggestions(out):
    result = lookup_paper("Tree of Thoughts", out)
    assert result["matches"] == []
    assert 1 <= len(result["suggestions"]) <= LookupSettings().suggestions
    scores = [s["score"] for s in result["suggestions"]]
    assert scores == sorted(scores, reverse=True)


# -- errors -----------------------------------------------------------------


def test_missing_build_folder_says_to_build(tmp_path):
    with pytest.raises(OutputError, match=r"kg build --out"):
        lookup_entity("GSM8K", tmp_path / "nowhere")


def test_folder_without_index_says_to_rebuild(tmp_path):
    with pytest.raises(OutputError, match=r"lookup\.sqlite: missing.*kg build --out"):
        lookup_entity("GSM8K", tmp_path)


def test_corrupt_index_says_to_rebuild(tmp_path):
    (tmp_path / INDEX_NAME).write_bytes(b"not a database at all" * 100)
    with pytest.raises(OutputError, match="not a lookup index"):
        LookupIndex(tmp_path)


# -- the command and the Python API -----------------------------------------


def test_cli_table_lists_papers_and_sentences(out, capsys):
    code, text, _ = run(["lookup", "GSM8K", "--out", str(out)], capsys)
    assert code == 0
    assert "GSM8K" in text and "DATASET" in text
    assert "Qwen2.5-Math Technical Report" in text
    assert "Co-occurs most with" in text
    assert "\x1b[" not in text  # no colour codes when stdout is not a terminal


def test_cli_abbreviation(out, capsys):
    code, text, _ = run(["lookup", "MCTS", "--out", str(out)], capsys)
    assert code == 0
    assert text.startswith("Monte Carlo tree search")
    assert "by alias" in text


def test_cli_json(out, capsys):
    code, text, _ = run(["lookup", "gsm 8k", "--out", str(out), "--json"], capsys)
    assert code == 0
    result = json.loads(text)
    assert result["query"] == "gsm 8k"
    match = result["matches"][0]
    assert {"entity_id", "name", "label", "aliases", "score", "papers", "introduced_by", "co_occurring"} <= set(match)
    assert {"id", "title", "year", "sentence"} <= set(match["papers"][0])
    assert match["name"] == "GSM8K"


def test_cli_unknown_name_exits_1_with_suggestions(out, capsys):
    code, text, _ = run(["lookup", "GSM9K", "--out", str(out)], capsys)
    assert code == 1
    assert "No entity matches 'GSM9K'" in text and "Closest names:" in text and "GSM8K" in text


def test_cli_unknown_name_json_still_parses(out, capsys):
    code, text, _ = run(["lookup", "GSM9K", "--out", str(out), "--json"], capsys)
    assert code == 1
    result = json.loads(text)
    assert result["matches"] == [] and result["suggestions"][0]["name"] == "GSM8K"


def test_cli_wrong_type_points_at_the_right_one(out, capsys):
    code, text, _ = run(["lookup", "MCTS", "--type", "DATASET", "--out", str(out)], capsys)
    assert code == 1
    assert "Monte Carlo tree search is a METHOD" in text


def test_cli_paper_shows_introduces_and_citations(out, capsys):
    code, text, _ = run(["lookup", "--paper", "DSI++", "--out", str(out)], capsys)
    assert code == 0
    assert text.startswith("DSI++: Updating Transformer Memory with New Documents")
    assert re.search(r"introduces\s+DSI\+\+ \(METHOD\)", text)
    assert "Probably cited by (inferred)" in text and "Nearest papers by shared entities" in text


def test_cli_paper_json(out, capsys):
    code, text, _ = run(["lookup", "--paper", "2409.12122", "--out", str(out), "--json"], capsys)
    assert code == 0
    match = json.loads(text)["matches"][0]
    assert [i["name"] for i in match["introduces"]] == ["Qwen2.5-Math", "Qwen2.5-Math-Instruct"]


def test_cli_missing_build_exits_2_with_the_fix(tmp_path, capsys):
    code, _, err = run(["lookup", "GSM8K", "--out", str(tmp_path / "none")], capsys)
    assert code == 2
    assert "kg build --out" in err and err.count("\n") == 1


def test_run_lookup_command_returns_text_and_found(out):
    text, found = run_lookup_command("MCTS", out, label=None, paper=None, as_json=True, settings=Settings())
    assert found and json.loads(text)["matches"][0]["entity_id"] == "monte-carlo-tree-search"
    text, found = run_lookup_command("no such thing", out, label=None, paper=None, as_json=False, settings=Settings())
    assert not found and "No entity matches" in text


def test_markup_like_names_are_printed_verbatim(tmp_path):
    bundle = make_bundle()
    bracket = Entity("cls-pooling", "[CLS] pooling", "METHOD")
    bundle.extraction.entities[bracket.id] = bracket
    bundle.kg.add_node(bracket.id, kind="entity", name=bracket.name, label="METHOD", aliases=[], parent=None,
                       broad=False)
    write_index(bundle, tmp_path)
    text, found = run_lookup_command("[CLS] pooling", tmp_path, label=None, paper=None, as_json=False,
                                     settings=Settings())
    assert found and text.startswith("[CLS] pooling")


def test_package_level_api(out):
    assert kg.lookup("MCTS", out)["matches"][0]["name"] == "Monte Carlo tree search"
    assert kg.lookup("MCTS", out, label="METHOD")["matches"][0]["label"] == "METHOD"


def test_lookup_path_imports_no_heavy_module(out):
    code = (
        "import sys, kg; assert 'kg.lookups' not in sys.modules; "
        "from kg.cli import main\n"
        "try:\n    main(['lookup', 'MCTS', '--out', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('spacy', 'networkx', 'rdflib', 'scipy', 'numpy', 'pyoxigraph') if m in sys.modules]\n"
        "print('HEAVY', heavy)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, check=True)
    assert "HEAVY []" in done.stdout
