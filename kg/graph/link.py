"""Papers that share entities, and entities that share papers, with sparse matrices.

Both graphs start from one binary paper x entity incidence matrix ``X``. The
shares-entities weight of two papers is ``X W X^T`` with ``W`` the diagonal of
entity IDFs, computed a block of rows at a time so memory stays bounded however
many papers there are; only each paper's ``top_k`` neighbours survive a block.
Hub entities (in too large a share of papers, or marked ``broad`` by the
extractor) are left out of the product, so they can never create an edge.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

import networkx as nx
import numpy as np
import scipy.sparse as sp

from kg.settings import GraphSettings
from kg.types import Entity, Mention

__all__ = [
    "EntityIndex", "paper_entity_sets", "entity_index", "text_vectors", "shares_graph", "cooccurrence_graph", "idf_of",
]

#: Upper bound on candidate pairs materialised per block of the sparse product (memory bound).
_BLOCK_PAIRS = 4_000_000
#: Pairs whose text similarity is computed at once (memory bound of the re-ranking).
_TEXT_PAIRS = 50_000
# Runs of two or more letters or digits: hyphenated compounds split into their parts ("cross-lingual"
# meets "lingual"), which found more cited papers on scisumm than whole compounds (recall@10 0.249 -> 0.260).
_WORD = re.compile(r"[^\W_]{2,}")


@dataclass(slots=True)
class EntityIndex:
    """The paper x entity incidence matrix and the statistics derived from it.

    Attributes
    ----------
    papers : list of str
        Row order: paper ids with at least one entity.
    entities : list of str
        Column order: entity ids.
    matrix : scipy.sparse.csr_matrix
        ``matrix[i, j] == 1`` when paper ``i`` names entity ``j`` (or a size variant of it).
    df : numpy.ndarray
        Papers naming each entity.
    idf : numpy.ndarray
        ``ln((1 + N) / (1 + df)) + 1`` with ``N`` = ``n_documents``.
    hub : numpy.ndarray of bool
        Entities that never link papers on their own.
    n_documents : int
        Papers the frequencies are counted against.
    """

    papers: list[str]
    entities: list[str]
    matrix: sp.csr_matrix
    df: np.ndarray
    idf: np.ndarray
    hub: np.ndarray
    n_documents: int

    def column(self) -> dict[str, int]:
        """Map entity id -> column number."""
        return {e: i for i, e in enumerate(self.entities)}


def paper_entity_sets(
    mentions: Mapping[str, Sequence[Mention]], entities: Mapping[str, Entity]
) -> dict[str, set[str]]:
    """Entity ids each paper names, each size variant also counting as its family.

    A paper naming ``Qwen2.5-Math-Instruct-7B`` also names the family
    ``Qwen2.5-Math-Instruct``, so two papers using different sizes share it.
    """
    sets: dict[str, set[str]] = {}
    for paper_id, paper_mentions in mentions.items():
        names: set[str] = set()
        for mention in paper_mentions:
            names.add(mention.entity_id)
            parent = entities.get(mention.entity_id)
            parent_id = parent.parent if parent is not None else None
            if parent_id and parent_id in entities:
                names.add(parent_id)
        if names:
            sets[paper_id] = names
    return sets


def entity_index(
    entity_sets: Mapping[str, Iterable[str]],
    entities: Mapping[str, Entity],
    *,
    n_documents: int,
    settings: GraphSettings,
) -> EntityIndex:
    """Build the incidence matrix, document frequencies, IDFs and the hub mask.

    Parameters
    ----------
    entity_sets : mapping
        Paper id -> entity ids it names (see :func:`paper_entity_sets`).
    entities : mapping
        Entity id -> :class:`~kg.types.Entity` (for ``broad``).
    n_documents : int
        Papers in the corpus that could name entities; at least the rows here.
    settings : GraphSettings
        ``hub_share`` and ``hub_min_papers`` decide the hubs.
    """
    papers = sorted(entity_sets)
    columns: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for row, paper_id in enumerate(papers):
        for entity_id in sorted(entity_sets[paper_id]):
            rows.append(row)
            cols.append(columns.setdefault(entity_id, len(columns)))
    names = list(columns)
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=(len(papers), len(names)), dtype=np.float32)
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    df = np.asarray((matrix > 0).sum(axis=0)).ravel().astype(np.int64)
    n = max(n_documents, len(papers), 1)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    hub_floor = max(settings.hub_share * n, float(settings.hub_min_papers))
    broad = np.array([bool(entities.get(e) and entities[e].broad) for e in names], dtype=bool)
    hub = (df > hub_floor) | broad
    return EntityIndex(papers, names, matrix, df, idf, hub, n)


def text_vectors(texts: Sequence[str], *, max_share: float = 0.5) -> sp.csr_matrix:
    """Unit-length TF-IDF rows of ``texts`` (title + abstract), for re-ranking candidate links.

    Words are lower-cased runs of two or more letters or digits; words found in
    more than ``max_share`` of the texts (function words) are left out; term
    frequency is sublinear (``1 + ln tf``) and IDF smoothed as for entities. A
    word of a single text matches nothing but stays in that text's length, so a
    text full of words no other text uses is not as close to others as one made
    of common words. A text with no kept word is an all-zero row.
    """
    # Term ids per text, counted with numpy: a Counter per text would hold ~100 dict entries each
    # (gigabytes for 50,000 abstracts).
    vocabulary: dict[str, int] = {}
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    tfs: list[np.ndarray] = []
    for number, text in enumerate(texts):
        ids = [vocabulary.setdefault(w, len(vocabulary)) for w in _WORD.findall(text.lower())]
        if ids:
            terms, counts = np.unique(np.asarray(ids, dtype=np.int64), return_counts=True)
            rows.append(np.full(len(terms), number, dtype=np.int64))
            cols.append(terms)
            tfs.append(counts)
    n = len(texts)
    if not rows:
        return sp.csr_matrix((n, 0), dtype=np.float64)
    tf = np.concatenate(tfs).astype(np.float64)
    matrix = sp.csr_matrix(
        (1.0 + np.log(tf), (np.concatenate(rows), np.concatenate(cols))), shape=(n, len(vocabulary))
    )
    df = np.bincount(np.concatenate(cols), minlength=len(vocabulary))
    keep = np.flatnonzero(df <= max_share * n)
    idf = np.log((1.0 + n) / (1.0 + df[keep])) + 1.0
    matrix = sp.csr_matrix(matrix[:, keep] @ sp.diags(idf))
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


def _pair_cosines(text: sp.csr_matrix, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Dot products of rows ``left[i]`` and ``right[i]`` of unit-length ``text``, in bounded chunks."""
    out = np.empty(len(left))
    for start in range(0, len(left), _TEXT_PAIRS):
        stop = start + _TEXT_PAIRS
        out[start:stop] = np.asarray(text[left[start:stop]].multiply(text[right[start:stop]]).sum(axis=1)).ravel()
    return out


def _row_top(
    indptr: np.ndarray, indices: np.ndarray, data: np.ndarray, row: int, self_col: int, *, top_k: int, min_weight: float
) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = indptr[row], indptr[row + 1]
    cols, weights = indices[lo:hi], data[lo:hi]
    keep = (cols != self_col) & (weights >= min_weight)
    cols, weights = cols[keep], weights[keep]
    if len(cols) > top_k:
        # Heaviest first, ties broken by the lower paper index, so results never depend on sort stability.
        order = np.lexsort((cols, -weights))[:top_k]
        cols, weights = cols[order], weights[order]
    return cols, weights


def shares_graph(
    index: EntityIndex,
    *,
    settings: GraphSettings,
    text: sp.csr_matrix | None = None,
    block_pairs: int = _BLOCK_PAIRS,
) -> nx.Graph:
    """The undirected shares-entities graph of the papers in ``index``.

    Edge ``weight`` is the sum of the IDFs of the non-hub entities both papers
    name; ``shared`` lists those entities, most distinctive first. An edge is
    kept when its weight reaches ``settings.min_weight`` and it is among the
    ``settings.top_k`` heaviest edges of at least one of its two papers.

    Parameters
    ----------
    index : EntityIndex
        From :func:`entity_index`.
    settings : GraphSettings
        ``top_k``, ``min_weight``, ``text_weight`` and ``text_candidates``.
    text : scipy.sparse.csr_matrix, optional
        Unit-length text vectors of the papers, rows in ``index.papers`` order
        (:func:`text_vectors`). With ``settings.text_weight > 0``, each paper's
        ``text_candidates`` heaviest entity neighbours are re-ranked by
        ``(1 - text_weight) * weight / best weight + text_weight * text cosine``
        before the top-k cut: text similarity chooses among papers that already
        share a distinctive entity, so every kept link is still explained by
        entities, and the edge ``weight`` stays the entity weight.
    block_pairs : int
        Bound on candidate pairs held in memory at once.

    Returns
    -------
    networkx.Graph
        Every paper of ``index`` is a node, linked or not.
    """
    graph = nx.Graph()
    graph.add_nodes_from(index.papers)
    if not index.papers or not index.entities:
        return graph
    # Hubs and entities of a single paper can never create an edge: drop their columns.
    useful = (~index.hub) & (index.df >= 2)
    cols = np.flatnonzero(useful)
    x = index.matrix[:, cols].tocsr()
    idf = index.idf[cols].astype(np.float64)
    df = index.df[cols]
    xw = x.multiply(idf[np.newaxis, :]).tocsr().astype(np.float64)
    xt = x.T.tocsr().astype(np.float64)
    # Each row's candidate pairs are at most the summed frequencies of its entities.
    row_pairs = np.asarray(x.multiply(df[np.newaxis, :]).sum(axis=1)).ravel()
    best: dict[tuple[int, int], float] = {}
    similarity: dict[tuple[int, int], float] = {}
    rerank = text is not None and settings.text_weight > 0
    pool = max(settings.text_candidates, settings.top_k) if rerank else settings.top_k
    n_rows = x.shape[0]
    start = 0
    while start < n_rows:
        stop, pairs = start, 0.0
        while stop < n_rows and (stop == start or pairs + row_pairs[stop] <= block_pairs):
            pairs += row_pairs[stop]
            stop += 1
        block = (xw[start:stop] @ xt).tocsr()
        block.sum_duplicates()
        chosen = [
            _row_top(block.indptr, block.indices, block.data, offset, start + offset,
                     top_k=pool, min_weight=settings.min_weight)
            for offset in range(stop - start)
        ]
        if rerank:
            left = np.concatenate([np.full(len(c[0]), start + i) for i, c in enumerate(chosen)] or [np.empty(0)])
            right = np.concatenate([c[0] for c in chosen] or [np.empty(0)])
            cosines = _pair_cosines(text, left.astype(np.int64), right.astype(np.int64))
        offset_in_pairs = 0
        for offset, (nbrs, weights) in enumerate(chosen):
            row = start + offset
            if rerank and len(nbrs):
                cos = cosines[offset_in_pairs:offset_in_pairs + len(nbrs)]
                offset_in_pairs += len(nbrs)
                score = (1 - settings.text_weight) * weights / weights.max() + settings.text_weight * cos
                order = np.lexsort((nbrs, -score))[: settings.top_k]
                nbrs, weights = nbrs[order], weights[order]
                for nbr, c in zip(nbrs.tolist(), cos[order].tolist()):
                    similarity[(min(row, nbr), max(row, nbr))] = c
            for nbr, weight in zip(nbrs.tolist(), weights.tolist()):
                best[(min(row, nbr), max(row, nbr))] = weight
        start = stop
    if not best:
        return graph
    pairs = sorted(best)
    left = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    right = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    # Shared non-hub entities of every edge at once: the elementwise product of the two papers' rows.
    both = x[left].multiply(x[right]).tocsr()
    both.eliminate_zeros()
    # Most distinctive first: order the columns by (-idf, entity id) once, then sort each row by that rank.
    names = [index.entities[c] for c in cols]
    order = sorted(range(len(cols)), key=lambda c: (-idf[c], names[c]))
    rank = np.empty(len(cols), dtype=np.int64)
    rank[order] = np.arange(len(cols))
    edge_of = np.repeat(np.arange(len(pairs)), np.diff(both.indptr))
    sorted_cols = both.indices[np.lexsort((rank[both.indices], edge_of))]
    for number, (a, b) in enumerate(pairs):
        lo, hi = both.indptr[number], both.indptr[number + 1]
        shared = [names[c] for c in sorted_cols[lo:hi].tolist()]
        attributes = {"weight": round(float(best[(a, b)]), 4), "shared": shared}
        if rerank:
            attributes["text_similarity"] = round(float(similarity.get((a, b), 0.0)), 4)
        graph.add_edge(index.papers[a], index.papers[b], **attributes)
    return graph


def cooccurrence_graph(index: EntityIndex, *, settings: GraphSettings) -> nx.Graph:
    """Entities named together by at least ``settings.min_cooccurrence`` papers.

    Edge ``papers`` counts the papers naming both; ``weight`` is that count
    divided by the geometric mean of the two entities' paper counts (cosine of
    their paper sets), so a hub named everywhere does not dominate every
    entity's neighbours. Each entity keeps its ``settings.cooccurrence_top_k``
    strongest edges (an edge survives when either end keeps it).
    """
    graph = nx.Graph()
    graph.add_nodes_from(index.entities)
    if not index.entities:
        return graph
    x = index.matrix
    counts = (x.T @ x).tocsr()
    counts.sum_duplicates()
    df = index.df.astype(np.float64)
    best: dict[tuple[int, int], tuple[float, int]] = {}
    k = settings.cooccurrence_top_k
    for row in range(counts.shape[0]):
        lo, hi = counts.indptr[row], counts.indptr[row + 1]
        cols, n = counts.indices[lo:hi], counts.data[lo:hi]
        keep = (cols != row) & (n >= settings.min_cooccurrence)
        cols, n = cols[keep], n[keep]
        if not len(cols):
            continue
        weights = n / np.sqrt(df[row] * df[cols])
        if len(cols) > k:
            order = np.lexsort((cols, -weights))[:k]
            cols, n, weights = cols[order], n[order], weights[order]
        for col, count, weight in zip(cols.tolist(), n.tolist(), weights.tolist()):
            best[(min(row, col), max(row, col))] = (weight, int(count))
    for (a, b), (weight, count) in sorted(best.items()):
        graph.add_edge(index.entities[a], index.entities[b], weight=round(float(weight), 4), papers=count)
    return graph


def idf_of(index: EntityIndex) -> dict[str, float]:
    """Entity id -> IDF, for labelling communities and ranking."""
    return {e: float(v) for e, v in zip(index.entities, index.idf)}
