"""The embedded SPARQL store of a build folder (pyoxigraph on RocksDB, in ``<out>/store``).

``kg build`` writes it (see :func:`kg.rdf.export.write_store`); ``kg query``,
``kg lookup`` and ``kg serve`` open it read-only, so any number of them can run
side by side on the same folder.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from kg.errors import OutputError
from kg.rdf.export import ENTITY_BASE, PAPER_BASE, STORE_DIR
from kg.rdf.namespace import PREFIXES

__all__ = ["QUERY_PREFIXES", "store_path", "open_store"]

#: Prefixes every query may use without declaring them (the ontology's, plus ``paper:`` and ``entity:``).
QUERY_PREFIXES: dict[str, str] = {**PREFIXES, "paper": PAPER_BASE, "entity": ENTITY_BASE}


def store_path(out: Path) -> Path:
    """Return the store folder of the build folder ``out``, or raise :class:`OutputError` if it is missing.

    Parameters
    ----------
    out
        A folder written by ``kg build --out``.
    """
    out = Path(out)
    path = out / STORE_DIR
    if not out.is_dir():
        raise OutputError(f"{out}: no such build folder; run `kg build --out {out}` first")
    # RocksDB writes CURRENT last when a database is created, so its absence means no complete store.
    if not (path / "CURRENT").is_file():
        raise OutputError(
            f"{out}: no SPARQL store in this folder (missing {STORE_DIR}/); run `kg build --out {out}` to make one"
        )
    return path


def open_store(out: Path) -> ox.Store:
    """Open the store of the build folder ``out`` read-only.

    Parameters
    ----------
    out
        A folder written by ``kg build --out``.

    Returns
    -------
    pyoxigraph.Store
        A read-only store: updates raise ``RuntimeError``, and other readers may open it at the same time.

    Raises
    ------
    kg.errors.OutputError
        If the folder or its store is missing or unreadable.
    """
    path = store_path(out)
    try:
        return ox.Store.read_only(str(path))
    except OSError as exc:
        raise OutputError(f"{path}: cannot open the SPARQL store ({exc}); run `kg build --out {out}` again") from None
