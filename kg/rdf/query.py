"""SPARQL over a build folder: the shipped named queries, ``kg query``, and a Python API.

A named query is a ``.rq`` file in ``kg/rdf/queries/`` whose first line is a
``#`` comment describing it, followed by one comment line per parameter::

    # Papers that mention an entity (or one of its variants), most mentions first.
    # param entity entity: the entity's name, alias or <IRI>
    # param limit integer = 20: how many rows

A parameter binds the SPARQL variable of the same name (``?entity``). Its kind says
how a ``--param key=value`` is read: ``entity`` accepts a name or alias (matched
case-insensitively against ``skos:prefLabel``, ``skos:altLabel`` and ``rdfs:label``),
``paper`` a paper id or title, ``type`` an entity type (``DATASET``), ``integer`` a
number and ``literal`` any text. A value in angle brackets always binds that IRI.
``limit`` rewrites the query's ``LIMIT``.

>>> from kg.rdf.query import query                                  # doctest: +SKIP
>>> query("SELECT ?t WHERE { ?p kg:mentions entity:gsm8k ; dcterms:title ?t }", "outputs")  # doctest: +SKIP
[{'t': 'Qwen2.5-Math Technical Report: ...'}, ...]
"""

from __future__ import annotations

import multiprocessing
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pyoxigraph as ox
from rdflib.namespace import XSD

from kg.errors import KGError
from kg.rdf.export import LABEL_CLASSES
from kg.rdf.namespace import KG
from kg.rdf.store import QUERY_PREFIXES, open_store, store_path

__all__ = [
    "QUERY_DIR", "QueryParam", "NamedQuery", "named_queries", "format_query_list", "bind_values", "prepare_query",
    "execute", "query", "run_query_command", "run_with_timeout", "term_value",
]

#: Folder of the shipped ``.rq`` files.
QUERY_DIR = Path(__file__).resolve().with_name("queries")

_PARAM_LINE = re.compile(r"^#\s*param\s+(\w+)\s+(\w+)\s*(?:=\s*([^:]*?))?\s*:\s*(.*)$")
_KINDS = ("entity", "paper", "type", "integer", "literal")
_LIMIT = re.compile(r"\bLIMIT\s+\d+", re.IGNORECASE)
# Plain strings: pyoxigraph gives datatypes as str, and an rdflib URIRef never equals a str.
_INTEGER_TYPES = {str(XSD.integer), str(XSD.int), str(XSD.long)}
_REAL_TYPES = {str(XSD.double), str(XSD.decimal), str(XSD.float)}


@dataclass(frozen=True)
class QueryParam:
    """One parameter of a named query: the variable it binds, how its value is read, its default."""

    name: str
    kind: str
    default: str | None
    help: str


@dataclass(frozen=True)
class NamedQuery:
    """A shipped query: its name (the file stem), description, SPARQL text and parameters."""

    name: str
    description: str
    text: str
    params: tuple[QueryParam, ...] = field(default_factory=tuple)
    path: Path | None = None


def _parse_rq(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    description = lines[0].lstrip("#").strip() if lines and lines[0].startswith("#") else ""
    params = []
    for line in lines[1:]:
        if not line.startswith("#"):
            break
        match = _PARAM_LINE.match(line)
        if match:
            name, kind, default, help_text = match.groups()
            if kind not in _KINDS:
                raise KGError(f"{path}: parameter '{name}' has unknown kind '{kind}'; use one of {', '.join(_KINDS)}")
            params.append(QueryParam(name, kind, default or None, help_text.strip()))
    return NamedQuery(path.stem, description, text, tuple(params), path)


def named_queries(folder: Path = QUERY_DIR) -> dict[str, NamedQuery]:
    """Load the named queries shipped in ``folder``, by name.

    Returns
    -------
    dict
        Query name (the file name without ``.rq``) -> :class:`NamedQuery`, sorted by name.
    """
    return {q.name: q for q in (_parse_rq(p) for p in sorted(Path(folder).glob("*.rq")))}


def format_query_list() -> str:
    """One line per shipped query: its name, two spaces, its description, then its parameters."""
    queries = named_queries()
    width = max((len(n) for n in queries), default=0)
    lines = []
    for name, q in queries.items():
        params = " ".join(f"[--param {p.name}=…]" if p.default is not None else f"--param {p.name}=…" for p in q.params)
        lines.append(f"{name.ljust(width)}  {q.description}" + (f"  ({params})" if params else ""))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Parameters


_GROUP_START = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def bind_values(sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """Bind variables by opening every WHERE group with ``VALUES ?var { term }``.

    A VALUES block at the start of a group is joined before everything else, so it
    binds the variable even inside aggregates (pyoxigraph's ``substitutions`` only
    accepts projected variables). It opens every WHERE group, sub-selects included,
    because a sub-select's variables are its own; a group that does not use the
    variable just gains a one-row join.

    >>> bind_values("SELECT ?t WHERE { ?p <urn:t> ?t }", {"p": ox.NamedNode("urn:x")})
    'SELECT ?t WHERE { VALUES ?p { <urn:x> } ?p <urn:t> ?t }'
    """
    if not bindings:
        return sparql
    block = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in bindings.items())
    if _GROUP_START.search(sparql):
        return _GROUP_START.sub(lambda m: f"{m.group(0)} {block}", sparql)
    match = re.search(r"\{", sparql)
    if match is None:
        raise KGError("the query has no WHERE group to bind parameters in; give a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return f"{sparql[:match.end()]} {block}{sparql[match.end():]}"


def _literal_ci_matches(store: ox.Store, value: str, sparql: str) -> list[ox.NamedNode]:
    rows = store.query(bind_values(sparql, {"value": ox.Literal(value)}), prefixes=QUERY_PREFIXES)
    return [row[0] for row in rows]


def _resolve_entity(store: ox.Store, value: str, name: str) -> ox.NamedNode:
    # Exact labels first: an index lookup, fast at any size. Then case-insensitive labels and ids.
    exact = """SELECT DISTINCT ?e WHERE {
      { ?e skos:prefLabel ?value } UNION { ?e skos:altLabel ?value } UNION { ?e rdfs:label ?value }
      UNION { ?e kg:entityId ?value }
      ?e a kg:Entity . OPTIONAL { ?e kg:paperCount ?n } } ORDER BY DESC(?n)"""
    found = _literal_ci_matches(store, value, exact)
    if not found:
        folded = """SELECT DISTINCT ?e WHERE {
          ?e a kg:Entity . { ?e skos:prefLabel ?l } UNION { ?e skos:altLabel ?l } UNION { ?e rdfs:label ?l }
          FILTER(LCASE(STR(?l)) = LCASE(?value)) OPTIONAL { ?e kg:paperCount ?n } } ORDER BY DESC(?n)"""
        found = _literal_ci_matches(store, value, folded)
    if not found:
        raise KGError(
            f"--param {name}={value}: no entity has that name or alias in this build; "
            f"try `kg lookup {value}` for close matches, or pass an IRI as <...>"
        )
    return found[0]


def _resolve_paper(store: ox.Store, value: str, name: str) -> ox.NamedNode:
    found = _literal_ci_matches(store, value, "SELECT ?p WHERE { ?p kg:paperId ?value }")
    if not found:
        found = _literal_ci_matches(store, value, "SELECT ?p WHERE { ?p dcterms:identifier ?value }")
    if not found:  # an exact title is an index lookup; only then scan the titles
        found = _literal_ci_matches(store, value, "SELECT ?p WHERE { ?p dcterms:title ?value }")
    if not found:
        found = _literal_ci_matches(
            store, value,
            "SELECT ?p WHERE { ?p dcterms:title ?t FILTER(CONTAINS(LCASE(STR(?t)), LCASE(?value))) } ORDER BY STRLEN(?t)",
        )
    if not found:
        raise KGError(
            f"--param {name}={value}: no paper has that id or a title containing it; "
            f"try `kg lookup --paper '{value}'`, or pass an IRI as <...>"
        )
    return found[0]


def _resolve_type(value: str, name: str) -> ox.NamedNode:
    by_name = {label.casefold(): iri for label, iri in LABEL_CLASSES.items()}
    by_name["entity"] = KG.Entity
    iri = by_name.get(value.strip().casefold())
    if iri is None:
        raise KGError(f"--param {name}={value}: unknown entity type; use one of {', '.join(LABEL_CLASSES)}")
    return ox.NamedNode(str(iri))


def _parse_params(params: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise KGError(f"--param {item}: expected key=value, e.g. --param entity=GSM8K")
        values[key.strip()] = value.strip()
    return values


def _bind(store: ox.Store, kind: str, name: str, value: str) -> ox.NamedNode | ox.Literal:
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError:
            raise KGError(f"--param {name}={value}: not a valid IRI") from None
    if kind == "entity":
        return _resolve_entity(store, value, name)
    if kind == "paper":
        return _resolve_paper(store, value, name)
    if kind == "type":
        return _resolve_type(value, name)
    if kind == "integer":
        try:
            return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD.integer))
        except ValueError:
            raise KGError(f"--param {name}={value}: expected a whole number") from None
    return ox.Literal(value)


def prepare_query(store: ox.Store, sparql: str, params: dict[str, str], *, declared: tuple[QueryParam, ...] = ()) -> str:
    """Bind ``params`` in a query: return the SPARQL text with the values bound (see :func:`bind_values`).

    Parameters
    ----------
    store
        The store, used to resolve entity names and paper titles to IRIs.
    sparql
        The query text.
    params
        Parameter name -> raw value (``<...>`` for an IRI).
    declared
        The query's declared parameters (for a named query); an undeclared name is
        an error then, a missing parameter without default too. For ad-hoc SPARQL
        every parameter binds the variable of its name as an IRI or a literal.
    """
    kinds = {p.name: p for p in declared}
    values = dict(params)
    if declared:
        unknown = sorted(set(values) - set(kinds))
        if unknown:
            known = ", ".join(kinds) or "none"
            raise KGError(f"--param {unknown[0]}: this query has no such parameter; its parameters: {known}")
        for p in declared:
            if p.name not in values:
                if p.default is None:
                    raise KGError(f"this query needs --param {p.name}=… ({p.help})")
                values[p.name] = p.default
    limit = values.pop("limit", None)
    if limit is not None:
        try:
            count = int(limit)
        except ValueError:
            raise KGError(f"--param limit={limit}: expected a whole number") from None
        # The query's own LIMIT (the first one: ranking sub-selects hold it), else one at the end.
        stripped = sparql.rstrip()
        sparql = _LIMIT.sub(f"LIMIT {count}", stripped, count=1) if _LIMIT.search(stripped) else f"{stripped}\nLIMIT {count}\n"
    bindings = {}
    for name, value in values.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise KGError(f"--param {name}=…: a parameter name must be a SPARQL variable name")
        kind = kinds[name].kind if name in kinds else "literal"
        bindings[name] = _bind(store, kind, name, value)
    return bind_values(sparql, bindings)


def execute(store: ox.Store, sparql: str):
    """Run ``sparql`` on ``store`` with the shared prefixes; a syntax error becomes a :class:`KGError`.

    Returns pyoxigraph's ``QuerySolutions``, ``QueryBoolean`` or ``QueryTriples``.
    """
    try:
        return store.query(sparql, prefixes=QUERY_PREFIXES)
    except SyntaxError as exc:
        # One line: pyoxigraph lists every expected token, across lines, after a syntax error.
        message = " ".join(str(exc).split())
        if len(message) > 240:
            message = message[:239] + "…"
        raise KGError(f"SPARQL syntax error: {message}; fix the query (`kg query --list` shows working examples)") from None


def term_value(term: Any) -> Any:
    """A Python value for an RDF term: IRIs as ``str``, numbers and booleans as such, other literals as ``str``."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGER_TYPES:
                return int(term.value)
            if datatype in _REAL_TYPES:
                return float(term.value)
            if datatype == str(XSD.boolean):
                return term.value == "true"
        except ValueError:
            pass
        return term.value
    return term.value


def _resolve_query_text(text: str) -> tuple[str, tuple[QueryParam, ...]]:
    named = named_queries()
    if text in named:
        return named[text].text, named[text].params
    candidate = Path(text)
    if text.endswith(".rq") or (len(text) < 4096 and "\n" not in text and candidate.suffix and candidate.is_file()):
        if not candidate.is_file():
            raise KGError(f"{text}: no such query file; give an existing .rq file, a query name (`kg query --list`) or SPARQL text")
        query = _parse_rq(candidate)
        return query.text, query.params
    if re.fullmatch(r"[\w-]+", text.strip()):
        raise KGError(f"{text}: no shipped query has that name; `kg query --list` shows them")
    return text, ()


def query(sparql: str, out: Path | str, *, params: dict[str, str] | None = None) -> list[dict[str, Any]] | bool:
    """Run a SELECT or ASK query over the build folder ``out`` and return plain Python values.

    Parameters
    ----------
    sparql
        SPARQL text, or the name of a shipped query. The prefixes of
        :data:`kg.rdf.store.QUERY_PREFIXES` need not be declared.
    out
        A folder written by ``kg build``.
    params
        Variable name -> value, read as ``kg query --param`` reads them.

    Returns
    -------
    list of dict or bool
        One dict per solution (variable -> value, unbound variables left out), or
        the answer of an ASK query. CONSTRUCT and DESCRIBE are not supported here;
        use :func:`kg.rdf.store.open_store` for them. The query runs in this
        process without a time limit (``kg query`` and ``kg serve`` enforce one).

    Raises
    ------
    kg.errors.OutputError
        If ``out`` holds no complete build.
    kg.errors.KGError
        If the query is malformed or a parameter cannot be resolved.
    """
    text, declared = _resolve_query_text(sparql)
    store = open_store(Path(out))
    result = execute(store, prepare_query(store, text, params or {}, declared=declared))
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        raise KGError("kg.rdf.query.query: CONSTRUCT/DESCRIBE return triples; use `kg query` or open_store() for them")
    names = [v.value for v in result.variables]
    return [{n: term_value(row[n]) for n in names if row[n] is not None} for row in result]


# --------------------------------------------------------------------------------------------
# The command


def _short(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        for prefix, base in (("paper", QUERY_PREFIXES["paper"]), ("entity", QUERY_PREFIXES["entity"]), ("kg", QUERY_PREFIXES["kg"])):
            if iri.startswith(base):
                return f"{prefix}:{iri[len(base):]}"
        return f"<{iri}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return " ".join(term.value.split())


def _table(names: list[str], rows: list[list[str]], *, max_width: int = 60) -> str:
    cut = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in row] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cut]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cut]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def _render(result: Any, result_format: str) -> str:
    if isinstance(result, ox.QueryTriples):
        fmt = {"table": ox.RdfFormat.TURTLE, "csv": ox.RdfFormat.N_TRIPLES, "json": ox.RdfFormat.JSON_LD}[result_format]
        kwargs = {} if fmt == ox.RdfFormat.N_TRIPLES else {"prefixes": QUERY_PREFIXES}
        return ox.serialize(list(result), format=fmt, **kwargs).decode("utf-8")
    if result_format == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
    if isinstance(result, ox.QueryBoolean):
        return ("true" if bool(result) else "false") + "\n"
    if result_format == "csv":
        return result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    names = [v.value for v in result.variables]
    rows = [[_short(row[n]) for n in names] for row in result]
    return _table(names, rows)


def _run_command(sparql: str, out: str, params: dict[str, str], declared: tuple, result_format: str) -> str:
    store = open_store(Path(out))
    return _render(execute(store, prepare_query(store, sparql, params, declared=declared)), result_format)


def _child(conn, fn: Callable, args: tuple) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except KGError as exc:
        conn.send(("error", type(exc).__name__, str(exc)))
    except BaseException as exc:  # report, never hang the parent
        conn.send(("error", "KGError", f"query failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_with_timeout(fn: Callable, args: tuple, *, timeout: float) -> Any:
    """Run ``fn(*args)`` in a child process and return its result, killing it after ``timeout`` seconds.

    pyoxigraph cannot cancel a running query, so a query that must be stoppable
    runs in a process of its own. ``fn`` must be a module-level function and its
    result picklable. A :class:`KGError` raised in the child is raised again here.
    """
    from kg import errors

    methods = multiprocessing.get_all_start_methods()
    # fork starts in milliseconds; the CLI is single-threaded, so forking is safe here.
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(child, fn, args), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise KGError(
                f"query stopped after {timeout:g} s (the [query] timeout setting); "
                "narrow it down (add a LIMIT or a more selective pattern) or raise the timeout in kg.toml"
            )
        try:
            message = parent.recv()
        except EOFError:
            raise KGError("the query process died without an answer (out of memory?); narrow the query down") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent.close()
    if message[0] == "ok":
        return message[1]
    error_class = getattr(errors, message[1], KGError)
    raise error_class(message[2]) if error_class is not errors.InputError else KGError(message[2])


def run_query_command(
    query_text: str,
    out: Path,
    *,
    params: list[str],
    result_format: str = "table",
    settings: Any = None,
) -> str:
    """What ``kg query`` prints.

    Parameters
    ----------
    query_text
        A shipped query name, else the path of an existing ``.rq`` file, else SPARQL text.
    out
        The build folder.
    params
        ``key=value`` strings; ``<...>`` binds an IRI, entity parameters accept a name or alias.
    result_format
        ``table`` (aligned text, IRIs shortened), ``csv`` (SPARQL CSV) or ``json``
        (SPARQL JSON results). CONSTRUCT/DESCRIBE print Turtle, N-Triples or JSON-LD.
    settings
        :class:`kg.settings.Settings`; ``settings.query.timeout`` bounds the run.
    """
    if result_format not in ("table", "csv", "json"):
        raise KGError(f"--format {result_format}: use table, csv or json")
    text, declared = _resolve_query_text(query_text)
    values = _parse_params(params)
    store_path(Path(out))  # fail fast, in this process, on a missing build
    timeout = float(getattr(getattr(settings, "query", None), "timeout", 30.0))
    return run_with_timeout(_run_command, (text, str(out), values, declared, result_format), timeout=timeout)

