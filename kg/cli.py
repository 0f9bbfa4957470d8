"""The ``kg`` command line: thin typer wrappers over plain functions.

Every command shares one contract: ``--out DIR`` names the build folder
(``kg build`` writes it; ``query``, ``lookup`` and ``serve`` read it) and
``--config kg.toml`` supplies tunable settings. Errors the user can fix are
printed as one line on stderr with a non-zero exit, never as a traceback.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.errors import KGError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Build a citation graph and a knowledge graph from research papers.",
    pretty_exceptions_enable=False,
)

OutOption = Annotated[Path, typer.Option("--out", help="Build folder: written by `build`, read by `query`, `lookup`, `serve`.")]
ConfigOption = Annotated[Optional[Path], typer.Option("--config", help="TOML file of settings (see kg.toml.example).")]
FormatOption = Annotated[
    Optional[str],
    typer.Option("--format", help="Force an input format instead of detecting it (see `kg formats`)."),
]
DEFAULT_OUT = Path("outputs")


def _settings(config: Optional[Path], n_process: Optional[int] = None):
    from kg.settings import load_settings

    extract = {"n_process": n_process} if n_process else {}
    return load_settings(config, extract=extract)


@app.command()
def build(
    inputs: Annotated[Optional[list[Path]], typer.Argument(help="Input files or folders; none reads the bundled sample.")] = None,
    out: OutOption = DEFAULT_OUT,
    input_format: FormatOption = None,
    config: ConfigOption = None,
    n_process: Annotated[Optional[int], typer.Option("--n-process", help="Extraction worker processes.")] = None,
) -> None:
    """Read papers, extract entities, link them, and write every output into --out."""
    from kg.build import build_folder, format_summary

    summary = build_folder(inputs or [], out, settings=_settings(config, n_process), input_format=input_format)
    typer.echo(format_summary(summary, out))


@app.command()
def extract(
    inputs: Annotated[list[Path], typer.Argument(help="Input files or folders.")],
    output: Annotated[str, typer.Option("-o", "--output", help="JSONL file to write, or - for stdout.")] = "-",
    input_format: FormatOption = None,
    config: ConfigOption = None,
    n_process: Annotated[Optional[int], typer.Option("--n-process", help="Extraction worker processes.")] = None,
) -> None:
    """Extract entity mentions from papers into one JSON object per paper."""
    from kg.extract import extract_to_jsonl

    extract_to_jsonl(inputs, output, settings=_settings(config, n_process), input_format=input_format)


class Scheme(str, Enum):
    scier = "scier"
    scierc = "scierc"
    tdmsci = "tdmsci"


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="Gold JSONL: {id, text, entities: [{start, end, label}]}.")],
    scheme: Annotated[Scheme, typer.Option("--scheme", help="Label mapping of the gold corpus.")],
    config: ConfigOption = None,
    rules_only: Annotated[bool, typer.Option("--rules-only", help="Leave the trained NER out.")] = False,
    ner_only: Annotated[bool, typer.Option("--ner-only", help="Use only the trained NER.")] = False,
    corpus_conventions: Annotated[
        bool, typer.Option("--corpus-conventions", help="Score with the gold corpus's span conventions, not exact spans.")
    ] = False,
) -> None:
    """Score the extractor on annotated gold: micro P/R/F1, exact span and label."""
    from kg.nlp.evaluate import evaluate_file, format_scores

    mode = "rules" if rules_only else "ner" if ner_only else "combined"
    scores = evaluate_file(
        gold, scheme.value, settings=_settings(config), mode=mode, corpus_conventions=corpus_conventions
    )
    typer.echo(format_scores(scores))


class ResultFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@app.command()
def query(
    query_text: Annotated[Optional[str], typer.Argument(metavar="QUERY", help="Shipped query name, .rq file, or SPARQL text.")] = None,
    out: OutOption = DEFAULT_OUT,
    result_format: Annotated[ResultFormat, typer.Option("--format", help="Result format.")] = ResultFormat.table,
    param: Annotated[Optional[list[str]], typer.Option("--param", help="key=value; <...> binds an IRI.")] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the shipped queries.")] = False,
    config: ConfigOption = None,
) -> None:
    """Run SPARQL over the built graph."""
    if not query_text and not list_queries:
        raise KGError("kg query: give a query name, a .rq file or SPARQL text; `kg query --list` shows the names")
    from kg.rdf.query import format_query_list, run_query_command

    if list_queries:
        typer.echo(format_query_list())
        return
    text = run_query_command(query_text, out, params=param or [], result_format=result_format.value, settings=_settings(config))
    sys.stdout.write(text)


@app.command()
def lookup(
    name: Annotated[Optional[str], typer.Argument(help="Entity name, alias or abbreviation.")] = None,
    out: OutOption = DEFAULT_OUT,
    label: Annotated[Optional[str], typer.Option("--type", help="Only entities of this type (MODEL, METHOD, DATASET, TASK, METRIC).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
    paper: Annotated[Optional[str], typer.Option("--paper", help="Look up a paper by id or title instead.")] = None,
    config: ConfigOption = None,
) -> None:
    """Find a model, method, dataset, task or metric (or a paper) in the built graph."""
    from kg.lookups import run_lookup_command

    if not name and not paper:
        raise KGError("kg lookup: give an entity NAME or --paper ID_OR_TITLE")
    text, found = run_lookup_command(name, out, label=label, paper=paper, as_json=as_json, settings=_settings(config))
    sys.stdout.write(text)
    if not found:
        raise typer.Exit(1)


@app.command()
def serve(
    out: OutOption = DEFAULT_OUT,
    port: Annotated[Optional[int], typer.Option("--port", help="Port on localhost (0 picks a free one).")] = None,
    host: Annotated[str, typer.Option("--host", help="Address to bind.")] = "127.0.0.1",
    config: ConfigOption = None,
) -> None:
    """Serve the SPARQL 1.1 Protocol at /sparql and the HTML views, read-only."""
    from kg.rdf.serve import serve as run_server

    settings = _settings(config)
    run_server(out, host=host, port=settings.query.port if port is None else port, settings=settings)


@app.command()
def formats() -> None:
    """List the input formats and how each is recognised."""
    from kg.io.detect import describe_formats

    typer.echo(describe_formats())


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``kg`` console script and ``python -m kg``."""
    try:
        app(args=argv, prog_name="kg")
    except KGError as exc:
        typer.echo(f"kg: error: {exc}", err=True)
        raise SystemExit(2) from None
