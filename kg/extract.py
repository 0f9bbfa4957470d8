"""Papers -> mentions: run the spaCy pipeline over titles and abstracts.

Each paper becomes one doc, ``title + "\\n\\n" + abstract``, so abbreviations
defined in the abstract resolve in the title too and the blank line ends the
title's sentence. Mention offsets are mapped back into each field's own text,
exactly as the reader delivered it.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from kg.settings import ExtractSettings
from kg.types import Entity, Extraction, Mention, Paper

__all__ = ["extract_corpus", "extract_docs", "write_mentions_jsonl", "extract_to_jsonl", "mention_record"]

#: Between title and abstract in the doc; the sentencizer ends a sentence on it.
SEPARATOR = "\n\n"


def _compose(paper: Paper, guard) -> tuple[str, int, list[str]]:
    """(doc text, title length in it (-1 when no title), fields left out as not English)."""
    title, abstract = paper.title or "", paper.abstract or ""
    skipped = []
    if title.strip() and not guard.is_english(title):
        skipped.append("title")
        title = ""
    if abstract.strip() and not guard.is_english(abstract):
        skipped.append("abstract")
        abstract = ""
    if title.strip() and abstract.strip():
        return title + SEPARATOR + abstract, len(title), skipped
    if title.strip():
        return title, len(title), skipped
    return abstract, -1, skipped


def _to_mentions(paper_id: str, mentions: list[dict], title_len: int, *, min_score: float,
                 include_nested: bool = True) -> Iterator[Mention]:
    offset = title_len + len(SEPARATOR)
    for m in mentions:
        if m["score"] < min_score or (m["nested"] and not include_nested):
            continue
        start, end = m["start"], m["end"]
        s_start, s_end = m["sentence"]
        if title_len >= 0 and end <= title_len:
            field, shift, limit = "title", 0, title_len
        elif title_len >= 0 and start < offset:
            continue  # cannot happen with the separator, but never emit a span across fields
        else:
            field, shift = "abstract", offset if title_len >= 0 else 0
            limit = None
        s_start, s_end = max(s_start - shift, 0), s_end - shift
        if limit is not None:
            s_end = min(s_end, limit)
        yield Mention(
            paper_id=paper_id, text=m["text"], label=m["label"], start=start - shift, end=end - shift,
            field=field, sentence=(s_start, s_end), entity_id=m["entity_id"], canonical=m["canonical"],
            source=m["source"], score=round(m["score"], 3), introduced=m["introduced"],
        )


def extract_docs(papers: Sequence[Paper], *, settings: ExtractSettings, progress: bool = False, nlp=None):
    """Yield ``(paper, mentions, entity records, skipped fields)`` for each non-stub paper.

    The lower-level form of :func:`extract_corpus`, for callers that stream.
    """
    from kg.nlp.pipeline import load_pipeline
    from kg.progress import track

    nlp = nlp or load_pipeline(use_ner=settings.use_ner)
    guard = nlp.get_pipe("kg_language")
    work: list[tuple[Paper, int, list[str]]] = []
    texts: list[str] = []
    for paper in papers:
        if paper.stub:
            continue
        text, title_len, skipped = _compose(paper, guard)
        if not text.strip():
            yield paper, [], {}, skipped
            continue
        work.append((paper, title_len, skipped))
        texts.append(text)
    results = _run(nlp, texts, settings=settings)
    for k, (found, entities) in enumerate(track(results, description="Extracting", total=len(texts), enabled=progress)):
        paper, title_len, skipped = work[k]
        mentions = list(_to_mentions(paper.id, found, title_len, min_score=settings.min_score))
        yield paper, mentions, entities, skipped


def _doc_result(doc) -> tuple[list[dict], dict]:
    return doc._.kg_mentions or [], doc._.kg_entities or {}


def _run(nlp, texts: list[str], *, settings: ExtractSettings) -> Iterator[tuple[list[dict], dict]]:
    """(mention dicts, entity records) per text, in order.

    With ``n_process > 1`` the texts go to a pool of worker processes in chunks and
    only the plain mention records come back: shipping whole serialised docs back,
    as ``nlp.pipe(n_process=...)`` does, costs more than the extraction itself.
    """
    disable = _skipped_components(nlp)
    if settings.n_process <= 1 or len(texts) < 2 * settings.batch_size:
        for doc in nlp.pipe(texts, batch_size=settings.batch_size, disable=disable):
            yield _doc_result(doc)
        return
    import multiprocessing

    global _WORKER_NLP
    _WORKER_NLP = (nlp, disable, settings.batch_size)  # inherited by forked workers
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    chunks = [texts[i:i + settings.batch_size] for i in range(0, len(texts), settings.batch_size)]
    with context.Pool(
        settings.n_process, initializer=_init_worker, initargs=(settings.use_ner, settings.batch_size)
    ) as pool:
        for chunk_results in pool.imap(_work_chunk, chunks):
            yield from chunk_results


_WORKER_NLP = None


def _skipped_components(nlp) -> list[str]:
    # Fields were checked for English one by one; the doc-level guard would only repeat it.
    return [name for name in ("kg_language",) if name in nlp.pipe_names]


def _init_worker(use_ner: bool, batch_size: int) -> None:
    global _WORKER_NLP
    if _WORKER_NLP is None:  # spawned, not forked: load the pipeline here
        from kg.nlp.pipeline import load_pipeline

        nlp = load_pipeline(use_ner=use_ner)
        _WORKER_NLP = (nlp, _skipped_components(nlp), batch_size)


def _work_chunk(texts: list[str]) -> list[tuple[list[dict], dict]]:
    nlp, disable, batch_size = _WORKER_NLP
    return [_doc_result(doc) for doc in nlp.pipe(texts, batch_size=batch_size, disable=disable)]


def extract_corpus(papers: list[Paper], *, settings: ExtractSettings, progress: bool = False) -> Extraction:
    """Extract mentions from every paper's title and abstract.

    Parameters
    ----------
    papers : list of Paper
        Stub papers (no text) are skipped.
    settings : ExtractSettings
        ``n_process``, ``batch_size``, ``min_score``, ``use_ner``.
    progress : bool
        Show a progress bar on stderr (only when it is a terminal).

    Returns
    -------
    Extraction
        ``mentions`` per paper id (title first, then abstract, by position),
        ``entities`` with every entity id used (and the families of size variants),
        ``not_english`` with papers whose title or abstract was left out.
    """
    mentions: dict[str, list[Mention]] = {}
    records: dict[str, dict] = {}
    label_votes: dict[str, Counter] = {}
    not_english: list[str] = []
    for paper, found, entities, skipped in extract_docs(papers, settings=settings, progress=progress):
        if skipped:
            not_english.append(paper.id)
        mentions[paper.id] = found
        for entity_id, record in entities.items():
            known = records.setdefault(entity_id, record)
            for alias in record.get("aliases") or ():
                if alias not in known["aliases"] and alias != known["name"]:
                    known["aliases"] = [*known["aliases"], alias]
        for m in found:
            if records[m.entity_id]["source"] != "gazetteer":
                label_votes.setdefault(m.entity_id, Counter())[m.label] += 1
    # A name found by rules in several papers may be typed differently in each; the
    # majority label wins and every mention follows it, so an entity has one type.
    for entity_id, votes in label_votes.items():
        records[entity_id]["label"] = votes.most_common(1)[0][0]
    used = {m.entity_id for ms in mentions.values() for m in ms}
    needed = set(used)
    for entity_id in list(used):
        parent = records[entity_id].get("parent")
        while parent and parent in records and parent not in needed:
            needed.add(parent)
            parent = records[parent].get("parent")
    entities = {}
    for entity_id in sorted(needed):
        r = records[entity_id]
        parent = r.get("parent") if r.get("parent") in needed else None
        entities[entity_id] = Entity(id=entity_id, name=r["name"], label=r["label"], aliases=tuple(r["aliases"]),
                                     parent=parent, broad=bool(r.get("broad")), source=r["source"])
    for paper_id, found in mentions.items():
        mentions[paper_id] = [
            m if m.label == entities[m.entity_id].label else _relabel(m, entities[m.entity_id].label) for m in found
        ]
    return Extraction(mentions=mentions, entities=entities, not_english=not_english)


def _relabel(mention: Mention, label: str) -> Mention:
    from dataclasses import replace

    return replace(mention, label=label)


def mention_record(mention: Mention) -> dict:
    """The ``kg extract`` JSON form of one mention."""
    return {
        "text": mention.text, "label": mention.label, "start": mention.start, "end": mention.end,
        "field": mention.field, "sentence": list(mention.sentence), "entity_id": mention.entity_id,
        "canonical": mention.canonical, "source": mention.source, "score": mention.score,
    }


def _paper_lines(papers: Iterable[Paper], extraction: Extraction) -> Iterator[str]:
    for paper in papers:
        if paper.stub:
            continue
        record = {"id": paper.id, "title": paper.title,
                  "entities": [mention_record(m) for m in extraction.mentions.get(paper.id, [])]}
        yield json.dumps(record, ensure_ascii=False) + "\n"


def write_mentions_jsonl(papers: Sequence[Paper], extraction: Extraction, path: Path | str) -> None:
    """Write one JSON object per (non-stub) paper, in input order, atomically."""
    from kg.io.write import atomic_open

    with atomic_open(path) as handle:
        handle.writelines(_paper_lines(papers, extraction))


def extract_to_jsonl(inputs: list[Path], output: str, *, settings, input_format: str | None = None) -> None:
    """``kg extract``: read ``inputs``, extract, write JSONL to ``output`` (``-`` = stdout).

    ``settings`` is the full :class:`kg.settings.Settings` (its ``extract`` section is used)
    or an :class:`ExtractSettings`.
    """
    from kg.io.read import read_inputs

    extract_settings = getattr(settings, "extract", settings)
    corpus = read_inputs(list(inputs), input_format=input_format, progress=output != "-")
    papers = [p for p in corpus.papers if not p.stub]
    extraction = extract_corpus(papers, settings=extract_settings, progress=output != "-")
    if output == "-":
        sys.stdout.writelines(_paper_lines(papers, extraction))
        sys.stdout.flush()
    else:
        write_mentions_jsonl(papers, extraction, output)
    if extraction.not_english:
        print(f"kg: {len(extraction.not_english)} papers not in English were left unextracted: "
              f"{', '.join(extraction.not_english[:10])}", file=sys.stderr)
