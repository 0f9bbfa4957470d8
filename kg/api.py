"""The Python API: extraction without the command line.

Importing this module is cheap; spaCy loads on the first call.

Examples
--------
>>> from kg.types import Paper
>>> from kg.api import extract
>>> records = list(extract([Paper(id="p1", title="LOOP: RL for agents", abstract="We evaluate on AppWorld.")]))
>>> sorted({(r["text"], r["label"]) for r in records})  # doctest: +SKIP
[('AppWorld', 'DATASET'), ('LOOP', 'METHOD')]
"""

from __future__ import annotations

from typing import Iterable, Iterator

from kg.settings import ExtractSettings
from kg.types import Paper

__all__ = ["extract"]


def extract(papers: Iterable[Paper], *, settings: ExtractSettings | None = None) -> Iterator[dict]:
    """Yield one mention record per mention found in ``papers``.

    Each record is the ``kg extract`` entity object plus ``paper_id`` and ``introduced``:
    ``{paper_id, text, label, start, end, field, sentence, entity_id, canonical,
    source, score, introduced}``.

    Parameters
    ----------
    papers : iterable of Paper
        Papers with a title and/or abstract; stubs are skipped.
    settings : ExtractSettings, optional
        Defaults when None.
    """
    from kg.extract import extract_docs, mention_record

    papers = list(papers)
    for _, mentions, _, _ in extract_docs(papers, settings=settings or ExtractSettings()):
        for mention in mentions:
            yield {"paper_id": mention.paper_id, **mention_record(mention), "introduced": mention.introduced}
