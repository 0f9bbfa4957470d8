"""User-tunable settings, read from one optional TOML file (``--config kg.toml``).

Every field below is documented with its default; ``kg.toml.example`` at the
repository root lists them all. Unknown keys are an error, so a typo never
silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from kg.errors import ConfigError

__all__ = ["Settings", "load_settings"]


@dataclass(frozen=True)
class ExtractSettings:
    #: Worker processes for spaCy's ``nlp.pipe`` (1 = in-process).
    n_process: int = 1
    #: Documents per batch handed to ``nlp.pipe``.
    batch_size: int = 256
    #: Mentions scoring below this are dropped.
    min_score: float = 0.5
    #: Use the trained NER component when the pipeline ships one.
    use_ner: bool = True


@dataclass(frozen=True)
class GraphSettings:
    #: Neighbours kept per paper in the shares-entities graph.
    top_k: int = 10
    #: Minimum edge weight (sum of shared entities' IDF) for a shares-entities edge.
    min_weight: float = 3.0
    #: An entity found in more than this share of papers is a hub: it never links papers alone.
    hub_share: float = 0.05
    #: ...but an entity in this many papers or fewer is never a hub (small corpora have few papers).
    hub_min_papers: int = 10
    #: Share of text similarity (TF-IDF cosine of title + abstract) when choosing each paper's top-k
    #: neighbours among papers sharing entities (0 = entity weight only); links stay explained by entities.
    text_weight: float = 0.9
    #: Heaviest entity neighbours per paper re-ranked by text similarity when text_weight > 0
    #: (bounds the work and memory of the re-ranking: papers x text_candidates text cosines).
    text_candidates: int = 200
    #: Minimum papers two entities must share to get a co-occurrence edge.
    min_cooccurrence: int = 2
    #: Co-occurring entities kept per entity (strongest first).
    cooccurrence_top_k: int = 20
    #: Inferred citations (refersTo) below this confidence are dropped.
    min_inferred_confidence: float = 0.1
    #: Seed for Louvain communities, so the same input gives the same communities.
    seed: int = 42
    #: Louvain resolution (higher = more, smaller communities).
    resolution: float = 1.0


@dataclass(frozen=True)
class HtmlSettings:
    #: Largest number of nodes drawn on one page; bigger graphs keep their most central nodes.
    max_nodes: int = 5000
    #: Largest number of edges drawn on one page.
    max_edges: int = 20000
    #: Steps of the force-directed layout computed in Python (more = tidier, slower).
    layout_iterations: int = 60
    #: Seed of the layout's random start, so a rebuild draws the same picture.
    layout_seed: int = 42


@dataclass(frozen=True)
class QuerySettings:
    #: A SPARQL query running longer than this many seconds is stopped.
    timeout: float = 30.0
    #: Default port of ``kg serve``.
    port: int = 8000
    #: Queries ``kg serve`` answers at once, one worker process each (each holds the store
    #: open read-only); further queries wait for a free worker.
    workers: int = 2


@dataclass(frozen=True)
class LookupSettings:
    #: Fuzzy matches scoring below this (0-100) are not offered.
    min_fuzzy_score: float = 80.0
    #: Suggestions printed for an unknown name.
    suggestions: int = 5
    #: Co-occurring entities listed per match.
    co_occurring: int = 10
    #: Papers listed per entity (and citing/cited papers per paper) in the table (0 = all); --json lists all.
    max_papers: int = 25
    #: Nearest papers (by shared entities) listed for --paper.
    nearest: int = 10


@dataclass(frozen=True)
class Settings:
    extract: ExtractSettings = field(default_factory=ExtractSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)
    html: HtmlSettings = field(default_factory=HtmlSettings)
    query: QuerySettings = field(default_factory=QuerySettings)
    lookup: LookupSettings = field(default_factory=LookupSettings)


def _apply(obj: Any, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise ConfigError(
                f"{where}: unknown setting '{key}'; known settings are {', '.join(sorted(known))}"
            )
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"{where}: '{key}' must be a table like [{key}]")
            changes[key] = _apply(current, value, f"{where} [{key}]")
            continue
        expected = type(current)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"{where}: '{key}' must be {expected.__name__}, got {value!r}; fix the value in the file"
            )
        changes[key] = value
    return replace(obj, **changes)


def load_settings(path: Path | str | None = None, **overrides: dict[str, Any]) -> Settings:
    """Defaults, updated from the TOML file at ``path`` and then from ``overrides``
    (section name -> {key: value})."""
    settings = Settings()
    if path is not None:
        path = Path(path)
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{path}: settings file not found; pass an existing file to --config") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: not valid TOML ({exc}); fix the file or leave out --config") from None
        settings = _apply(settings, values, str(path))
    if overrides:
        settings = _apply(settings, {k: v for k, v in overrides.items() if v}, "command line")
    return settings


def render_example() -> str:
    """The text of ``kg.toml.example``: every setting with its ``#:`` comment and default.

    Run ``python -m kg.settings > kg.toml.example`` after adding a setting.
    """
    import ast
    import inspect
    import sys
    from dataclasses import asdict

    module = sys.modules[__name__]
    source = inspect.getsource(module).splitlines()
    defaults = asdict(Settings())
    lines = [
        "# Settings of kg, with their defaults. Copy to kg.toml, keep the lines you change,",
        "# and pass it with --config kg.toml to any command.",
    ]
    for section in fields(Settings):
        cls = type(getattr(Settings(), section.name))
        node = next(n for n in ast.parse(inspect.getsource(cls)).body if isinstance(n, ast.ClassDef))
        offset = inspect.getsourcelines(cls)[1] - 1
        lines += ["", f"[{section.name}]"]
        for statement in node.body:
            if not isinstance(statement, ast.AnnAssign):
                continue
            row = offset + statement.lineno - 2
            comments = []
            while source[row].strip().startswith("#:"):
                comments.insert(0, "# " + source[row].strip()[2:].strip())
                row -= 1
            name = statement.target.id
            lines += comments + [f"{name} = {_toml_value(defaults[section.name][name])}"]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return repr(value)


if __name__ == "__main__":
    print(render_example(), end="")
