"""CSL-JSON items (Zotero, Better BibTeX, Pandoc, Crossref).

CSL titles may carry its rich-text HTML tags (``<i>``, ``<b>``, ``<sup>``, ``<sc>``,
``<span ...>``); they are removed as part of reading, like LaTeX markup in BibTeX.
"""

from __future__ import annotations

import html
import re

from kg.io.identity import add_id, derived_ids, ids_from_url
from kg.io.records import Record, clean_str, parse_year, split_authors

__all__ = ["map_item", "strip_markup"]

_TAG = re.compile(r"</?(?:i|b|sup|sub|sc|span)(?:\s[^<>]*)?>", re.IGNORECASE)


def strip_markup(text: str) -> str:
    """``text`` without CSL rich-text tags, HTML entities decoded.

    >>> strip_markup("Bücher <i>Prouerbia</i> &amp; more")
    'Bücher Prouerbia & more'
    """
    if "<" not in text and "&" not in text:
        return text
    return html.unescape(_TAG.sub("", text))


def _year(item: dict) -> int | None:
    for key in ("issued", "original-date", "available-date"):
        value = item.get(key)
        if isinstance(value, dict):
            parts = value.get("date-parts")
            if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
                year = parse_year(parts[0][0])
                if year:
                    return year
            year = parse_year(value.get("raw") or value.get("literal"))
            if year:
                return year
    return None


def map_item(item: dict, *, path: str, number: int) -> Record:
    """One CSL-JSON item."""
    ids: dict[str, str] = {}
    add_id(ids, "doi", item.get("DOI") or item.get("doi"))
    add_id(ids, "pmid", item.get("PMID"))
    add_id(ids, "pmcid", item.get("PMCID"))
    url = clean_str(item.get("URL")) or None
    for scheme, value in ids_from_url(url).items():
        ids.setdefault(scheme, value)
    ids.update({k: v for k, v in derived_ids(ids).items() if k not in ids})
    key = item.get("citation-key") or item.get("id")
    if isinstance(key, (str, int)) and str(key).strip():
        ids.setdefault("key", str(key).strip())
    kind = clean_str(item.get("type"))
    return Record(
        title=strip_markup(clean_str(item.get("title"))),
        abstract=strip_markup(clean_str(item.get("abstract"))),
        year=_year(item),
        venue=strip_markup(clean_str(item.get("container-title"))) or None,
        authors=split_authors(item.get("author")),
        ids=ids,
        url=url,
        source_type=f"csl-json:{kind}" if kind else "csl-json",
        path=path,
        number=number,
    )
