"""Paper identity: normalised ids, deterministic paper ids, and merging duplicates.

Every paper id is ``<scheme>:<value>``, taken by a fixed precedence over the ids
its records carry::

    arxiv > doi > acl > s2 > openalex > pmid > pmcid > mag > dblp > s2corpus > wos > scopus
          > title:<12 hex of sha1(normalised title)> > key:<local id> > text:<hash of the abstract>

arXiv ids lose their version suffix, DOIs are lower-cased, Anthology ids are
recognised in DOIs (``10.18653/v1/P18-1001``) and URLs. Every other id a paper has
stays in ``Paper.ids`` so a reference by any of them resolves to it.

Records are merged when they share a strong id (any scheme above except the
file-local ``key``), or a reference by a local key names exactly one record, or
by normalised title when no strong-id scheme conflicts (same title, different
DOIs = different papers) and neither the author names (no surname in common) nor
the years disagree. Same input, same ids and order, run after run.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from typing import Iterable

from kg.io.records import Record
from kg.types import Citation, Paper

__all__ = [
    "PRECEDENCE",
    "STRONG_SCHEMES",
    "classify_id",
    "normalise_id",
    "normalise_title",
    "title_hash",
    "resolve_records",
    "add_id",
    "add_external_id",
    "ids_from_url",
    "derived_ids",
]

#: Strong (globally unique) id schemes, in paper-id precedence order.
PRECEDENCE: tuple[str, ...] = (
    "arxiv", "doi", "acl", "s2", "openalex", "pmid", "pmcid", "mag", "dblp", "s2corpus", "wos", "scopus",
)
STRONG_SCHEMES = frozenset(PRECEDENCE)
#: Schemes that name exactly one paper version: records with different values never merge.
_PINNING = ("arxiv", "acl")
#: Merge notes kept in the report; the rest are summarised in one line.
MAX_MERGE_NOTES = 200

_ARXIV_NEW = re.compile(r"^(\d{4}\.\d{4,5})(v\d+)?$")
_ARXIV_OLD = re.compile(r"^([a-z][a-z.-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?$", re.IGNORECASE)
_ACL_OLD = re.compile(r"^[A-Z]\d{2}-\d{4}$")
_ACL_NEW = re.compile(r"^\d{4}\.[a-z0-9]+(?:-[a-z0-9]+)*\.\d+$")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_S2 = re.compile(r"^[0-9a-f]{40}$")
_OPENALEX = re.compile(r"^W\d+$", re.IGNORECASE)
_URL_PREFIX = re.compile(r"^(?:https?://)?(?:www\.|dx\.)?", re.IGNORECASE)


def _strip_url(value: str, hosts: Iterable[str]) -> str:
    if "/" not in value:
        return value
    stripped = _URL_PREFIX.sub("", value)
    for host in hosts:
        if stripped.lower().startswith(host):
            return stripped[len(host):]
    return value


def normalise_id(scheme: str, value: object) -> str | None:
    """The canonical form of ``value`` in ``scheme``, or None when it is not a valid id of that scheme.

    Examples
    --------
    >>> normalise_id("arxiv", "arXiv:1502.01852v3")
    '1502.01852'
    >>> normalise_id("doi", "https://doi.org/10.1109/MCSE.2013.95")
    '10.1109/mcse.2013.95'
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text:
        return None
    if scheme == "arxiv":
        text = _strip_url(text, ("arxiv.org/abs/", "arxiv.org/pdf/"))
        text = re.sub(r"^arxiv:\s*", "", text, flags=re.IGNORECASE).removesuffix(".pdf")
        for pattern in (_ARXIV_NEW, _ARXIV_OLD):
            match = pattern.match(text)
            if match:
                return match.group(1)
        return None
    if scheme == "doi":
        text = _strip_url(text, ("doi.org/",))
        text = re.sub(r"^doi:\s*", "", text, flags=re.IGNORECASE).lower()
        return text if _DOI.match(text) else None
    if scheme == "acl":
        text = _strip_url(text, ("aclanthology.org/", "aclweb.org/anthology/")).rstrip("/").removesuffix(".pdf")
        return text if _ACL_OLD.match(text) or _ACL_NEW.match(text) else None
    if scheme == "s2":
        text = _strip_url(text, ("semanticscholar.org/paper/", "api.semanticscholar.org/graph/v1/paper/"))
        text = text.rsplit("/", 1)[-1].lower()
        return text if _S2.match(text) else None
    if scheme == "openalex":
        text = _strip_url(text, ("openalex.org/works/", "openalex.org/", "api.openalex.org/works/"))
        return text.upper() if _OPENALEX.match(text) else None
    if scheme == "pmid":
        text = _strip_url(text, ("pubmed.ncbi.nlm.nih.gov/", "ncbi.nlm.nih.gov/pubmed/")).rstrip("/")
        return text if text.isdigit() else None
    if scheme == "pmcid":
        text = _strip_url(text, ("ncbi.nlm.nih.gov/pmc/articles/",)).rstrip("/").upper()
        text = text if text.startswith("PMC") else "PMC" + text
        return text if text[3:].isdigit() else None
    if scheme in ("mag", "s2corpus"):
        return text if text.isdigit() else None
    if scheme == "wos":
        return text.upper().removeprefix("WOS:") or None
    return text


def classify_id(value: object) -> tuple[str, str] | None:
    """Guess the scheme of a bare id string (a generic record's ``id`` or a reference).

    Returns ``(scheme, normalised value)``; unknown forms are a file-local ``key``.

    Examples
    --------
    >>> classify_id("P18-1001")
    ('acl', 'P18-1001')
    >>> classify_id("https://openalex.org/W2741809807")
    ('openalex', 'W2741809807')
    """
    if value is None or isinstance(value, bool) or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    if not text:
        return None
    lowered = text.lower()
    prefixed = re.match(r"^(arxiv|doi|acl|s2|openalex|pmid|pmcid|mag|dblp|s2corpus|wos|scopus|key):(.+)$", text, re.I)
    if prefixed:
        scheme = prefixed.group(1).lower()
        normalised = normalise_id(scheme, prefixed.group(2))
        if normalised:
            return scheme, normalised
    if _ACL_OLD.match(text) or _ACL_NEW.match(text):
        return "acl", text
    for scheme in ("doi", "arxiv", "acl", "s2", "openalex"):
        if scheme == "openalex" and not (text[:1] in "Ww" or "openalex.org" in lowered):
            continue
        if scheme == "doi" and "10." not in text:
            continue
        normalised = normalise_id(scheme, text)
        if normalised:
            return scheme, normalised
    if "pubmed" in lowered:
        normalised = normalise_id("pmid", text)
        if normalised:
            return "pmid", normalised
    return "key", text


def derived_ids(ids: dict[str, str]) -> dict[str, str]:
    """Ids implied by others: Anthology and arXiv ids hidden in DOIs."""
    extra: dict[str, str] = {}
    doi = ids.get("doi")
    if doi:
        if doi.startswith("10.18653/v1/") and "acl" not in ids:
            tail = doi.split("/", 2)[2]
            # DOIs are lower-cased; old-style Anthology ids start with an upper-case letter.
            acl = normalise_id("acl", tail.upper() if re.match(r"^[a-z]\d{2}-\d{4}$", tail) else tail)
            if acl:
                extra["acl"] = acl
        if doi.startswith("10.48550/arxiv.") and "arxiv" not in ids:
            arxiv = normalise_id("arxiv", doi.split("arxiv.", 1)[1])
            if arxiv:
                extra["arxiv"] = arxiv
    return extra


def ids_from_url(url: str | None) -> dict[str, str]:
    """Ids recognisable in a landing-page URL (arXiv, DOI, Anthology, OpenAlex, Semantic Scholar)."""
    if not url:
        return {}
    lowered = url.lower()
    for marker, scheme in (
        ("arxiv.org/", "arxiv"), ("doi.org/", "doi"), ("aclanthology.org/", "acl"), ("aclweb.org/anthology/", "acl"),
        ("openalex.org/", "openalex"), ("semanticscholar.org/paper/", "s2"), ("pubmed.ncbi.nlm.nih.gov/", "pmid"),
    ):
        if marker in lowered:
            value = normalise_id(scheme, url.strip())
            return {scheme: value} if value else {}
    return {}


def add_id(ids: dict[str, str], scheme: str, value: object) -> None:
    """Put the normalised ``value`` into ``ids`` unless the scheme is already set or the value is invalid."""
    if scheme in ids:
        return
    normalised = normalise_id(scheme, value)
    if normalised:
        ids[scheme] = normalised


#: Names external id tables use (S2 ``externalIds``, OpenAlex ``ids``, generic ``ids``) -> our scheme.
EXTERNAL_SCHEMES: dict[str, str] = {
    "doi": "doi", "arxiv": "arxiv", "arxiv_id": "arxiv", "acl": "acl", "anthology": "acl", "s2": "s2",
    "paperid": "s2", "openalex": "openalex", "pubmed": "pmid", "pmid": "pmid", "pubmedcentral": "pmcid",
    "pmcid": "pmcid", "mag": "mag", "dblp": "dblp", "corpusid": "s2corpus", "s2corpus": "s2corpus",
    "wos": "wos", "scopus": "scopus", "eid": "scopus", "key": "key",
}


def add_external_id(ids: dict[str, str], name: str, value: object) -> None:
    """Add an id given under an external table's name (``ArXiv``, ``PubMed``, ``CorpusId``...)."""
    scheme = EXTERNAL_SCHEMES.get(str(name).lower().replace("-", "").replace(" ", ""))
    if scheme is not None and not isinstance(value, (list, dict)):
        add_id(ids, scheme, value)


_NON_WORD = re.compile(r"[\W_]+")


def normalise_title(title: str) -> str:
    """Case-, accent-, punctuation- and spacing-insensitive form of a title (for matching only).

    >>> normalise_title("  Delving  Deep into Rectifiers: Surpassing Human-Level Performance ")
    'delving deep into rectifiers surpassing human level performance'
    """
    text = title
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.casefold()).strip()


def title_hash(title: str) -> str:
    """12 hex digits of the SHA-1 of the normalised title."""
    return hashlib.sha1(normalise_title(title).encode("utf-8")).hexdigest()[:12]


def _author_tokens(authors: Iterable[str]) -> frozenset[str]:
    tokens = set()
    for name in authors:
        for token in normalise_title(name).split():
            if len(token) > 1:
                tokens.add(token)
    return frozenset(tokens)


class _Forest:
    """Union-find over record indices; the smaller index is always the root, so roots are stable."""

    __slots__ = ("parent",)

    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        if rb < ra:
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


def _flatten(records: list[Record]) -> tuple[list[Record], list[tuple[int, int]], int]:
    """All records including nested references/citations, (citing, cited) index pairs, and
    how many linked papers were left out for having neither an id nor a title."""
    flat: list[Record] = []
    relations: list[tuple[int, int]] = []
    empty = 0
    for record in records:
        index = len(flat)
        flat.append(record)
        if not record.references and not record.cited_by:
            continue
        for ref in record.references:
            if ref.ids or ref.title:
                relations.append((index, len(flat)))
                flat.append(ref)
            else:
                empty += 1
        for citer in record.cited_by:
            if citer.ids or citer.title:
                relations.append((len(flat), index))
                flat.append(citer)
            else:
                empty += 1
    return flat, relations, empty


def _rank(record: Record, index: int) -> tuple:
    """Sort key: the record with more information first (then input order)."""
    return (record.stub, not record.abstract, not record.title, -record.filled(), -len(record.abstract), index)


def resolve_records(records: list[Record]) -> tuple[list[Paper], list[Citation], list[str], int]:
    """Merge ``records`` into papers and turn their references into citations.

    Parameters
    ----------
    records
        Records in input order, each with its nested ``references``/``cited_by``.

    Returns
    -------
    papers, citations, notes, merged
        Papers (input papers in input order, then stubs in order of first mention),
        deduplicated citations between paper ids, merge notes, and how many input
        records were merged into another.
    """
    flat, relations, empty = _flatten(records)
    forest = _Forest(len(flat))
    events: list[tuple[int, int, str]] = []

    def join(a: int, b: int, reason: str) -> None:
        if forest.union(a, b) and not flat[a].stub and not flat[b].stub:
            events.append((a, b, reason))

    # 1. Strong ids: the same (scheme, value) is the same paper -- unless the two sides carry
    #    different arXiv or Anthology ids, which name one paper each (a DOI shared by two
    #    Anthology papers is a data error, not a duplicate).
    first_by_id: dict[tuple[str, str], int] = {}
    pinned: dict[int, dict[str, str]] = {}
    blocked: list[str] = []
    for index, record in enumerate(flat):
        for scheme, value in record.ids.items():
            if scheme not in STRONG_SCHEMES:
                continue
            seen = first_by_id.setdefault((scheme, value), index)
            if seen == index:
                continue
            ra, rb = forest.find(seen), forest.find(index)
            if ra == rb:
                continue
            pa = pinned.get(ra) or {s: flat[ra].ids[s] for s in _PINNING if s in flat[ra].ids}
            pb = pinned.get(rb) or {s: flat[index].ids[s] for s in _PINNING if s in flat[index].ids}
            clash = [s for s in _PINNING if s in pa and s in pb and pa[s] != pb[s]]
            if clash:
                blocked.append(
                    f"not merged: {flat[index].path} record {flat[index].number} shares {scheme} {value} with "
                    f"{flat[seen].path} record {flat[seen].number} but has another {clash[0]} id"
                )
                continue
            join(seen, index, f"same {scheme} {value}")
            pinned[forest.find(index)] = {**pb, **pa}

    # 2. References by a file-local key resolve to the one input record with that key.
    by_key: dict[str, list[int]] = defaultdict(list)
    for index, record in enumerate(flat):
        if not record.stub and "key" in record.ids:
            by_key[record.ids["key"]].append(index)
    if by_key:
        for index, record in enumerate(flat):
            if record.stub and "key" in record.ids:
                candidates = by_key.get(record.ids["key"], [])
                local = [c for c in candidates if flat[c].path == record.path]
                chosen = local if len(local) == 1 else candidates
                if len(chosen) == 1:
                    join(chosen[0], index, "reference by key")

    # 3. Same normalised title, when nothing disagrees.
    by_title: dict[str, list[int]] = defaultdict(list)
    cluster_members: dict[int, list[int]] | None = None
    for index, record in enumerate(flat):
        if record.title:
            by_title[normalise_title(record.title)].append(index)
    for title_key, indices in by_title.items():
        if not title_key or len(indices) < 2:
            continue
        roots = sorted({forest.find(i) for i in indices})
        if len(roots) < 2:
            continue
        if cluster_members is None:
            cluster_members = defaultdict(list)
            for index in range(len(flat)):
                cluster_members[forest.find(index)].append(index)
        _merge_same_title(flat, roots, cluster_members, join)
        for root in roots[1:]:
            # Keep the member map current for later titles: fold merged clusters into their new root.
            new_root = forest.find(root)
            if new_root != root:
                cluster_members[new_root].extend(cluster_members.pop(root, []))

    # 4. Build one paper per cluster.
    clusters: dict[int, list[int]] = defaultdict(list)
    for index in range(len(flat)):
        clusters[forest.find(index)].append(index)

    def order(members: list[int]) -> tuple[bool, int]:
        # Input papers in the order of their first input record, then stubs in order of first mention.
        inputs = [i for i in members if not flat[i].stub]
        return (not inputs, inputs[0] if inputs else members[0])

    ordered = sorted(clusters.values(), key=order)
    papers: list[Paper] = []
    paper_of_root: dict[int, str] = {}
    used: set[str] = set()
    for members in ordered:
        ranked = members if len(members) == 1 else sorted(members, key=lambda i: _rank(flat[i], i))
        paper = _build_paper([flat[i] for i in ranked], used)
        used.add(paper.id)
        paper_of_root[forest.find(members[0])] = paper.id
        papers.append(paper)

    citations: list[Citation] = []
    seen_pairs: set[tuple[str, str]] = set()
    for citing, cited in relations:
        pair = (paper_of_root[forest.find(citing)], paper_of_root[forest.find(cited)])
        if pair[0] == pair[1] or pair in seen_pairs:
            continue
        seen_pairs.add(pair)
        citations.append(Citation(*pair))

    notes = blocked[:MAX_MERGE_NOTES]
    if empty:
        notes.append(f"{empty} references or citations with neither an id nor a title were left out")
    for a, b, reason in events[:MAX_MERGE_NOTES]:
        first, second = flat[a], flat[b]
        notes.append(
            f"merged {second.path} record {second.number} into {first.path} record {first.number} "
            f"as {paper_of_root[forest.find(a)]} ({reason})"
        )
    if len(events) > MAX_MERGE_NOTES:
        notes.append(f"... and {len(events) - MAX_MERGE_NOTES} more merges")
    inputs = sum(not r.stub for r in flat)
    merged = inputs - sum(not p.stub for p in papers)
    return papers, citations, notes, merged


def _merge_same_title(flat: list[Record], roots: list[int], members: dict[int, list[int]], join) -> None:
    """Merge clusters sharing a title, greedily in input order, when no id, author or year disagrees."""
    groups: list[dict] = []
    for root in roots:
        records = [flat[i] for i in members[root]]
        # Ids of the whole cluster count (a member without the title may carry the DOI).
        cluster_ids: dict[str, set[str]] = defaultdict(set)
        for record in records:
            for scheme, value in record.ids.items():
                if scheme in STRONG_SCHEMES:
                    cluster_ids[scheme].add(value)
        authors = _author_tokens(a for r in records for a in r.authors)
        years = {r.year for r in records if r.year}
        for group in groups:
            if any(s in group["ids"] and not group["ids"][s] & v for s, v in cluster_ids.items()):
                continue
            if authors and group["authors"] and not authors & group["authors"]:
                continue
            if years and group["years"] and not years & group["years"]:
                continue
            join(group["root"], root, "same title")
            for s, v in cluster_ids.items():
                group["ids"].setdefault(s, set()).update(v)
            group["authors"] |= authors
            group["years"] |= years
            break
        else:
            groups.append({"root": root, "ids": dict(cluster_ids), "authors": set(authors), "years": set(years)})


def _build_paper(ranked: list[Record], used: set[str]) -> Paper:
    """One paper from its records, best first: each field from the best record that has it."""

    def first(attr: str):
        for record in ranked:
            value = getattr(record, attr)
            if value:
                return value
        return getattr(ranked[0], attr)

    ids: dict[str, str] = {}
    for record in ranked:
        for scheme, value in record.ids.items():
            if scheme not in ids:
                ids[scheme] = value
            elif ids[scheme] != value and value not in ids.values():
                n = 2
                while f"{scheme}#{n}" in ids:
                    n += 1
                ids[f"{scheme}#{n}"] = value
    title, abstract = first("title"), first("abstract")
    paper_id = _paper_id(ids, title, abstract, used)
    best = ranked[0]
    return Paper(
        id=paper_id,
        title=title,
        abstract=abstract,
        year=first("year"),
        venue=first("venue"),
        authors=first("authors"),
        ids=dict(sorted(ids.items())),
        url=first("url"),
        source_type=best.source_type,
        source=best.path or None,
        stub=all(r.stub for r in ranked),
    )


def _paper_id(ids: dict[str, str], title: str, abstract: str, used: set[str]) -> str:
    for scheme in PRECEDENCE:
        # A strong id is taken by one paper only; a second holder (a shared DOI that was not
        # merged because the records disagree) falls through to its next id.
        if scheme in ids and f"{scheme}:{ids[scheme]}" not in used:
            return f"{scheme}:{ids[scheme]}"
    if title:
        base = f"title:{title_hash(title)}"
    elif "key" in ids:
        base = f"key:{ids['key']}"
    else:
        base = "text:" + hashlib.sha1(normalise_title(abstract).encode("utf-8")).hexdigest()[:12]
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate
