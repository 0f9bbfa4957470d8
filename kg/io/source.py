"""Getting text out of an input file: gzip, byte-order marks, invalid UTF-8.

Every reader receives a :class:`Source`; line-oriented readers iterate
:meth:`Source.lines` (an undecodable line comes back as ``None`` so the reader can
skip that record), whole-document readers use :meth:`Source.text` (undecodable
bytes are replaced and counted in ``bad_bytes``).
"""

from __future__ import annotations

import codecs
import gzip
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from kg.errors import InputError

__all__ = ["Source", "open_source"]

_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(slots=True)
class Source:
    """The decompressed bytes of one input file."""

    path: Path
    data: bytes
    compressed: bool = False
    _text: str | None = field(default=None, repr=False)
    bad_bytes: int = 0

    @property
    def name(self) -> str:
        """The file name without a ``.gz`` suffix (what the extension sniffing looks at)."""
        name = self.path.name
        return name[:-3] if self.compressed and name.lower().endswith(".gz") else name

    def _encoding(self) -> str:
        if self.data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        return "utf-8-sig"

    def text(self) -> str:
        """The whole file as text; invalid UTF-8 is replaced by U+FFFD and counted."""
        if self._text is None:
            encoding = self._encoding()
            try:
                self._text = self.data.decode(encoding)
            except UnicodeDecodeError:
                self._text = self.data.decode(encoding, errors="replace")
                # Count the replacements that decoding introduced (not those already in the file).
                self.bad_bytes = max(1, self._text.count("\ufffd") - self.data.count("\ufffd".encode()))
        return self._text

    def head(self, size: int = 8192) -> str:
        """The start of the file as text, for format sniffing (decoding errors replaced)."""
        encoding = self._encoding()
        chunk = self.data[:size]
        if encoding == "utf-16":
            return chunk.decode("utf-16", errors="replace")
        return chunk.decode("utf-8-sig", errors="replace")

    def lines(self) -> Iterator[tuple[int, str | None]]:
        """``(line number, text)`` for every line; ``text`` is None when the line is not valid UTF-8.

        Line terminators are removed; nothing else in the line is touched.
        """
        if self._encoding() == "utf-16":
            for number, line in enumerate(self.text().splitlines(), 1):
                yield number, line
            return
        data = self.data
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        for number, raw in enumerate(data.split(b"\n"), 1):
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            try:
                yield number, raw.decode("utf-8")
            except UnicodeDecodeError:
                yield number, None


def open_source(path: Path) -> Source:
    """Read ``path`` (decompressing gzip, detected by its magic bytes) into a :class:`Source`.

    Raises
    ------
    InputError
        The file is missing, unreadable, empty, or a damaged gzip stream.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file", "check the path") from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file", "pass the folder itself or a file inside it") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc})", "check the file's permissions") from None
    compressed = data.startswith(_GZIP_MAGIC)
    if compressed:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise InputError(
                path, f"is a damaged or truncated gzip file ({exc})", "download or compress the file again"
            ) from None
    if not data.strip():
        raise InputError(path, "is empty", "export the papers again, or leave this file out")
    return Source(path=path, data=data, compressed=compressed)
