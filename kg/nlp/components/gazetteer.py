"""Gazetteer matching: known names and aliases from the JSONL files in
``kg/nlp/resources/gazetteer`` (format in that folder's README).

Each name and alias is matched in its hyphen/space and plural/singular spellings,
case-insensitively, except entries marked ``case_sensitive`` and (by default)
short all-capital acronyms, which match only as written so that ``MATH`` or
``ARC`` never fire on ordinary words. Matches go to ``doc.spans[span_key]`` with
the entity label as ``label_`` and the entity id as ``kb_id_``; overlaps keep the
longest match.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from kg.errors import ConfigError
from kg.nlp.text import compact_key, slug, surface_variants
from kg.types import LABELS

__all__ = ["GazetteerEntry", "Gazetteer", "GazetteerMatcher", "DEFAULT_GAZETTEER_DIR", "load_gazetteer"]

DEFAULT_GAZETTEER_DIR = Path(__file__).resolve().parents[1] / "resources" / "gazetteer"


@dataclass
class GazetteerEntry:
    """One canonical entity of the gazetteer."""

    id: str
    name: str
    label: str
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    broad: bool = False
    case_sensitive: bool = False

    def record(self) -> dict:
        """Plain-dict form carried on docs (``doc._.kg_entities``)."""
        return {"id": self.id, "name": self.name, "label": self.label, "aliases": list(self.aliases),
                "parent": self.parent, "broad": self.broad, "source": "gazetteer"}


@dataclass
class Gazetteer:
    """Entries by id plus a compact-key look-up (``compact_key`` of every surface form)."""

    entries: dict[str, GazetteerEntry]
    lookup: dict[str, str]
    lookup_exact: dict[str, str]

    def find(self, text: str) -> GazetteerEntry | None:
        """The entry whose name or alias is ``text`` up to case, hyphens, spaces and a plural s."""
        key = compact_key(text)
        hit = self.lookup_exact.get(text) or self.lookup.get(key)
        if hit is None and key.endswith("s"):
            hit = self.lookup.get(key[:-1])
        return self.entries.get(hit) if hit else None


def _is_acronym(text: str, max_len: int) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(text) <= max_len and text.isalpha()


def _is_mixed_word(text: str) -> bool:
    """One alphabetic word with capitals inside ("ReFinED", "AppWorld"): lowercased it may
    be an ordinary word ("refined"), so it is matched as written (or in capitals)."""
    return text.isalpha() and any(c.isupper() for c in text[1:]) and any(c.islower() for c in text)


def _exact(surface: str, entry: "GazetteerEntry", acronym_max_len: int) -> bool:
    return entry.case_sensitive or _is_acronym(surface, acronym_max_len)


def load_gazetteer(path: Path | str | None = None, *, acronym_max_len: int = 5) -> Gazetteer:
    """Read every ``*.jsonl`` file under ``path`` (the packaged folder when None).

    Raises
    ------
    ConfigError
        A line that is not a JSON object with a ``name`` and a known ``label``.
    """
    folder = Path(path) if path else DEFAULT_GAZETTEER_DIR
    entries: dict[str, GazetteerEntry] = {}
    lookup: dict[str, str] = {}
    lookup_exact: dict[str, str] = {}
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else [folder]
    pending_parents: list[tuple[GazetteerEntry, str]] = []
    for file in files:
        for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                name, label = raw["name"].strip(), raw["label"].strip().upper()
            except (ValueError, KeyError, AttributeError, TypeError):
                raise ConfigError(f"{file}, line {number}: not a gazetteer entry; write "
                                  '{"name": ..., "label": ...} (see the folder README)') from None
            if label not in LABELS or not name:
                raise ConfigError(f"{file}, line {number}: label {label!r} is not one of {', '.join(LABELS)}; fix the entry")
            entry_id = slug(name)
            if entry_id in entries:  # a repeated name adds aliases to the first entry
                entry = entries[entry_id]
                entry.aliases.extend(a for a in raw.get("aliases") or [] if a not in entry.aliases)
            else:
                entry = GazetteerEntry(
                    id=entry_id, name=name, label=label,
                    aliases=[a.strip() for a in raw.get("aliases") or [] if a and a.strip() and a.strip() != name],
                    broad=bool(raw.get("broad", False)), case_sensitive=bool(raw.get("case_sensitive", False)),
                )
                entries[entry_id] = entry
                if raw.get("parent"):
                    pending_parents.append((entry, raw["parent"]))
            for surface in [name, *entry.aliases]:
                if _exact(surface, entry, acronym_max_len):
                    lookup_exact.setdefault(surface, entry_id)
                else:
                    lookup.setdefault(compact_key(surface), entry_id)
    for entry, parent in pending_parents:
        parent_id = slug(parent)
        entry.parent = parent_id if parent_id in entries and parent_id != entry.id else None
    return Gazetteer(entries, lookup, lookup_exact)


class GazetteerMatcher:
    """spaCy component: marks gazetteer names in ``doc.spans[span_key]``.

    Parameters
    ----------
    nlp : Language
        The pipeline (its tokenizer spells every variant).
    name : str
        Component name.
    path : str or None
        Folder of gazetteer JSONL files; None means the packaged one.
    span_key : str
        Span group written.
    plurals : bool
        Also match the plural / singular of each name.
    acronym_max_len : int
        All-capital alphabetic names up to this length match case-sensitively.
    """

    def __init__(self, nlp: Language, name: str, *, path: str | None, span_key: str,
                 plurals: bool, acronym_max_len: int):
        self.name = name
        self.span_key = span_key
        self.gazetteer = load_gazetteer(path, acronym_max_len=acronym_max_len)
        self.matcher_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.matcher_exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.no_lowercase: set[str] = set()
        lower_terms: dict[str, set[str]] = {}
        exact_terms: dict[str, set[str]] = {}
        for entry in self.gazetteer.entries.values():
            for surface in [entry.name, *entry.aliases]:
                exact = _exact(surface, entry, acronym_max_len)
                target = exact_terms if exact else lower_terms
                forms = surface_variants(surface, plurals=plurals)
                if not exact and _is_mixed_word(surface):
                    # "ReFinED" matches "Refined", "REFINED", but never the word "refined".
                    self.no_lowercase.update(f.lower() for f in forms)
                target.setdefault(entry.id, set()).update(forms if exact else {f.lower() for f in forms})
        for terms, matcher in ((lower_terms, self.matcher_lower), (exact_terms, self.matcher_exact)):
            for entry_id, forms in terms.items():
                matcher.add(entry_id, list(nlp.tokenizer.pipe(sorted(forms))))

    def __call__(self, doc: Doc) -> Doc:
        if doc._.kg_lang not in ("", "en"):
            doc.spans[self.span_key] = []
            return doc
        spans = []
        entries = self.gazetteer.entries
        vocab_strings = doc.vocab.strings
        # Exact (case-sensitive) matches first so that, on a tie, they win the filter below.
        for matcher in (self.matcher_exact, self.matcher_lower):
            for match_id, start, end in matcher(doc):
                entry = entries[vocab_strings[match_id]]
                if self.no_lowercase and matcher is self.matcher_lower and end - start == 1:
                    text = doc[start].text
                    if text.islower() and text in self.no_lowercase:
                        continue
                spans.append(Span(doc, start, end, label=entry.label, kb_id=entry.id))
        doc.spans[self.span_key] = filter_spans(spans)
        return doc
