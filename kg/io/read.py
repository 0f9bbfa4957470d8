"""Reading the inputs: files and folders in, one merged :class:`~kg.types.Corpus` out.

A file that cannot be read at all (missing, empty, binary, damaged gzip, a
truncated JSON document, no recognisable format, nothing usable in it) raises
:class:`~kg.errors.InputError` with a one-line message naming the file, the line
or record, and what to do. A bad record in a good file is skipped and counted
in the :class:`~kg.types.ReadReport`; a record without a title or an abstract is
kept and counted.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Callable, Iterable

from kg.errors import InputError
from kg.io.detect import EXTENSIONS, canonical_format, is_candidate, looks_binary, sniff_source
from kg.io.identity import resolve_records
from kg.io.records import Record, Skip
from kg.io.source import Source, open_source
from kg.progress import stage, track
from kg.types import Corpus, ReadReport, SkippedRecord

__all__ = ["SAMPLE_PATH", "read_inputs", "read_file", "expand_inputs"]

#: The bundled sample listing (about 90 trending ML papers), read when no input is given.
SAMPLE_PATH: Path = Path(__file__).resolve().parent.parent / "data" / "trending-papers.txt"


@functools.cache
def _readers() -> dict[str, Callable[[Source], Iterable[Record | Skip]]]:
    from kg.io import arxiv, bibtex, csvexport, jsonrecords, listing, ris

    def json_reader(dialect: str | None) -> Callable[[Source], Iterable[Record | Skip]]:
        return lambda source: jsonrecords.read_json(source, dialect=dialect)

    return {
        "listing": listing.read_listing,
        "records": json_reader("records"),
        "arxiv": json_reader("arxiv"),
        "s2": json_reader("s2"),
        "openalex": json_reader("openalex"),
        "csl-json": json_reader("csl-json"),
        "arxiv-atom": arxiv.read_atom,
        "bibtex": bibtex.read_bibtex,
        "ris": ris.read_ris,
        "wos": ris.read_wos,
        "csv": csvexport.read_csv,
        # Detected JSON files map each object by its own dialect (a mixed file reads too).
        "json-auto": json_reader(None),
    }


_JSON_DIALECTS = {"records", "arxiv", "s2", "openalex", "csl-json"}


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def expand_inputs(paths: Iterable[Path]) -> list[Path]:
    """Files to read: each file as given, each folder's readable files (recursively, sorted, hidden ones left out).

    Raises
    ------
    InputError
        A path does not exist, or a folder holds no file of a known type.
    """
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and not _hidden(p, path) and is_candidate(p)
            )
            if not found:
                known = ", ".join(sorted(EXTENSIONS))
                raise InputError(path, "folder holds no input files", f"add files ending in {known} (or .gz)")
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            raise InputError(path, "no such file or folder", "check the path")
    return files


def read_file(path: Path, *, input_format: str | None = None) -> tuple[str, list[Record], list[SkippedRecord]]:
    """Read one file: its format, its records, and its skipped (or repaired) records.

    Raises
    ------
    InputError
        The file cannot be read or parsed at all.
    """
    source = open_source(Path(path))
    if looks_binary(source):
        raise InputError(path, "is not a text file (binary data)", "pass a paper export (see `kg formats`)")
    if input_format:
        fmt = canonical_format(input_format)
        reader_name = fmt
    else:
        fmt = sniff_source(source)
        if fmt is None:
            raise InputError(path, "cannot tell which input format this is", "pass --format NAME (see `kg formats`)")
        reader_name = "json-auto" if fmt in _JSON_DIALECTS else fmt
    reader = _readers()[reader_name]
    records: list[Record] = []
    problems: list[SkippedRecord] = []
    where = str(path)
    try:
        for item in reader(source):
            if isinstance(item, Skip):
                problems.append(SkippedRecord(where, item.number, item.reason, item.kept))
                continue
            verdict = _check(item)
            if verdict is not None:
                reason, kept = verdict
                problems.append(SkippedRecord(where, item.number, reason, kept))
                if not kept:
                    continue
            records.append(item)
    except InputError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        # Parsers signal malformed input with assorted exceptions; none may reach the user as a traceback.
        raise InputError(
            path, f"could not be read as {fmt} ({type(exc).__name__}: {exc})",
            "check the file, or pass --format NAME if it is another format",
        ) from None
    if source.bad_bytes:
        problems.insert(0, SkippedRecord(
            where, 0, f"{source.bad_bytes} undecodable bytes (not UTF-8) replaced by U+FFFD", True,
        ))
    if not records:
        first = next((p for p in problems if not p.kept), None)
        detail = f"; record {first.record}: {first.reason}" if first else ""
        raise InputError(
            path, f"no paper could be read as {fmt}{detail}",
            "check that the file is a paper export, or pass --format NAME (see `kg formats`)",
        )
    return fmt, records, problems


def _check(record: Record) -> tuple[str, bool] | None:
    """Why a record is skipped (kept=False) or flagged (kept=True), or None when it is complete."""
    if not record.title and not record.abstract:
        if record.ids:
            return "no title or abstract; kept because it has an id", True
        return "no title, abstract or id", False
    if not record.title:
        return "no title; kept because it has an abstract", True
    if not record.abstract:
        return "no abstract; kept (it can still be cited and looked up)", True
    return None


def read_inputs(paths: list[Path], *, input_format: str | None = None, progress: bool = False) -> Corpus:
    """Read every input file, merge duplicate papers, and resolve citations.

    Parameters
    ----------
    paths
        Files or folders (folders are searched recursively; hidden files are left out).
    input_format
        A reader name or alias from :data:`kg.io.detect.FORMATS` to force; detected per file when None.
    progress
        Show a progress bar on stderr (only when it is a terminal).

    Returns
    -------
    Corpus
        Papers (input papers in input order, then cited-only stubs), citations between
        paper ids, and the read report.

    Raises
    ------
    InputError
        A path is missing or a file cannot be read at all; the message names the file,
        the line or record, and the fix.

    Examples
    --------
    >>> corpus = read_inputs([SAMPLE_PATH])
    >>> len(corpus.papers) > 80
    True
    """
    if input_format:
        canonical_format(input_format)  # fail on an unknown name before reading anything
    files = expand_inputs(paths)
    report = ReadReport(files=[str(f) for f in files])
    records: list[Record] = []
    for path in track(files, description="Reading", total=len(files), enabled=progress and len(files) > 1):
        with stage(f"Reading {path.name}", enabled=progress and len(files) == 1):
            _fmt, file_records, problems = read_file(path, input_format=input_format)
        records.extend(file_records)
        report.skipped.extend(problems)
    report.records = len(records)
    with stage("Merging papers and citations", enabled=progress):
        papers, citations, notes, merged = resolve_records(records)
    report.papers = sum(not p.stub for p in papers)
    report.stubs = len(papers) - report.papers
    report.citations = len(citations)
    report.merged = merged
    report.notes.extend(notes)
    return Corpus(papers=papers, citations=citations, report=report)

