"""The plain-text paper listing (the bundled sample's format).

A few page header lines, then for each paper a title line, a blank line, an
abstract paragraph and a blank line. Header lines ("new", "Subscribe", "Get
trending papers in your email inbox!", "byAK and the research community") and
bare dates ("Mar 17") are ignored wherever they appear. The paragraph after a
title is its abstract, unless it is a short line followed by a long paragraph
(then the title has no abstract and that line is the next title); prose where a
title is expected (several lines, very long, or a long sentence ending in a full
stop) is a further paragraph of the previous abstract. Title and abstract keep the
file's text (only the outer whitespace of each is removed); an undecodable line
is repaired (U+FFFD) and counted.
"""

from __future__ import annotations

import re
from typing import Iterator

from kg.io.records import Record, Skip
from kg.io.source import Source

__all__ = ["read_listing", "is_header_line"]

_HEADERS = {
    "new", "subscribe", "get trending papers in your email inbox!", "byak and the research community",
    "trending papers", "trending", "papers", "sign in", "login", "log in",
}
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE = re.compile(rf"^(?:{_MONTH}\s+\d{{1,2}}(?:,?\s+\d{{4}})?|\d{{1,2}}\s+{_MONTH}(?:\s+\d{{4}})?|\d{{4}}-\d{{2}}-\d{{2}})$", re.I)
#: A title longer than this is implausible: such a paragraph is an abstract.
MAX_TITLE = 300


def is_header_line(line: str) -> bool:
    """True for a listing page's header line or a bare date."""
    text = line.strip()
    return text.lower() in _HEADERS or bool(_DATE.match(text))


def _is_long(lines: list[str]) -> bool:
    """A paragraph that cannot be a title: several lines, or longer than any title."""
    return len(lines) > 1 or len(lines[0]) > MAX_TITLE


def _is_sentence(lines: list[str]) -> bool:
    """A longish line ending in a full stop: prose, not a title (titles may end in '?' or '!')."""
    text = lines[-1].rstrip()
    return len(text) > 120 and text.endswith(".")


def read_listing(source: Source) -> Iterator[Record | Skip]:
    """Records of a plain-text listing, numbered by their title's line."""
    path = str(source.path)
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    repaired: list[int] = []
    for number, line in source.lines():
        if line is None:
            repaired.append(number)
            line = _repair(source, number)
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    for number in repaired:
        yield Skip(number, "line is not valid UTF-8; undecodable bytes replaced by U+FFFD", kept=True)

    blocks = [(n, lines) for n, lines in blocks if not (len(lines) == 1 and is_header_line(lines[0]))]
    pending: Record | None = None
    i = 0
    while i < len(blocks):
        number, lines = blocks[i]
        if _is_long(lines) or _is_sentence(lines):
            # Prose where a title was expected: a further paragraph of the last abstract,
            # or an abstract without a title (kept as a record without a title).
            abstract = "\n".join(line.strip() for line in lines)
            if pending is not None and pending.abstract:
                pending.abstract += "\n\n" + abstract
            else:
                if pending is not None:
                    yield pending
                pending = Record(abstract=abstract, source_type="listing", path=path, number=number)
            i += 1
            continue
        if pending is not None:
            yield pending
        pending = Record(title=" ".join(line.strip() for line in lines), source_type="listing", path=path, number=number)
        i += 1
        if i < len(blocks):
            lines = blocks[i][1]
            after = blocks[i + 1][1] if i + 1 < len(blocks) else None
            # A short line followed by a long paragraph is the next title: this paper has no abstract.
            next_is_title = not _is_long(lines) and not lines[-1].rstrip().endswith(".") and after is not None and _is_long(after)
            if not next_is_title:
                pending.abstract = "\n".join(line.strip() for line in lines)
                i += 1
    if pending is not None:
        yield pending


def _repair(source: Source, number: int) -> str:
    raw = source.data.split(b"\n")[number - 1].rstrip(b"\r")
    return raw.decode("utf-8", errors="replace")
