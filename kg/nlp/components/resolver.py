"""Typing and normalisation: merge the span groups of the rule components (and of a
trained NER, when the pipeline has one) into one list of typed mentions with a
canonical entity each.

Order of trust: the rule groups (gazetteer, abbreviations, patterns) are merged
first, longest span first, so a size variant ("Llama-3.1-8B") beats the family it
contains; the NER group fills the gaps the rules leave, except that spans of the
labels in ``ner_first_labels`` are placed before the rule spans they overlap (the
trained model's boundaries proved better there on SciER dev). Whatever the source, a
mention whose text is a gazetteer name takes the gazetteer's entity and label,
so MODEL vs METHOD typing stays with the rules.

Output (strings and numbers only, so docs survive ``n_process``):

- ``doc._.kg_mentions``: dicts ``{start, end, text, label, entity_id, canonical,
  source, score, introduced, nested, sentence}`` (character offsets into
  ``doc.text``), sorted by position; ``nested`` marks a family mention inside a
  size variant ("Qwen2.5-Math-Instruct" in "Qwen2.5-Math-Instruct-7B");
- ``doc._.kg_entities``: entity id -> ``{id, name, label, aliases, parent, broad, source}``;
- ``doc.spans[output_key]``: the same mentions as spans (label, ``kb_id_`` = entity id).
"""

from __future__ import annotations

import re
from collections import Counter

from spacy.language import Language
from spacy.tokens import Doc, Span

from kg.nlp.components.tokenizer import doc_text
from kg.nlp.text import compact_key, looks_like_name, slug

__all__ = ["MentionResolver"]

_HYPHENS = ("-", "–")
#: Characters of formulas and markup ("D{=}2048", "$k$"), never inside a name the model may coin.
_FORMULA_CHARS = re.compile(r"[{}=\\$^<>]")
#: A version written after a dataset name: "5.0", "III", "v2" (not "97.3", "2003").
_VERSION_RE = re.compile(r"(?:\d\.\d|v\d+(?:\.\d+)?|II|III|IV)")


class MentionResolver:
    """spaCy component: typed, normalised mentions from the span groups.

    Parameters
    ----------
    gazetteer_component : str
        Name of the gazetteer component (its entries type and normalise every source).
    gazetteer_key, abbreviation_key, pattern_key, ner_key : str
        Span groups read; a missing group is skipped (``ner_key`` is filled by a
        trained NER component when the pipeline has one).
    output_key : str
        Span group written.
    use_rules, use_ner : bool
        Which sources take part (``kg eval --rules-only`` / ``--ner-only``).
    scores : dict
        Confidence per source / rule (``gazetteer``, ``abbreviation``, ``ner``,
        ``title_prefix``, ``propose``, ...).
    introducing_rules : list of str
        Rules whose name is the paper's own contribution (``Mention.introduced``).
    head_labels : dict
        Label -> head words that type an unseen abbreviation's long form.
    generic_words : list of str
        Words that are never entities on their own ("model", "our approach").
    generic_modifiers : list of str
        Words stripped before the generic test ("our", "proposed", "novel").
    propagate : bool
        Mark later occurrences of a newly found name in the same doc.
    ner_first_labels : list of str
        NER labels whose spans win over overlapping rule spans (an exact rule match
        keeps its provenance).
    propagate_min_score : float
        Only names found with at least this confidence are propagated.
    long_form_similarity : float
        A long form this similar (rapidfuzz ratio, 0-100) to a known entity's name is
        that entity; a less similar one is the paper's own definition of the acronym.
    scheme_words, scheme_suffixes, scheme_modifiers : list of str
        A dataset name followed by one of ``scheme_words`` ("tags", "tagset",
        "tokenization", "style", "conventions", "format"), possibly through
        ``scheme_modifiers`` ("POS", "super-sense"), or joined by a hyphen to one of
        ``scheme_suffixes`` ("-like", "-tagged", "-annotated"), names the resource's
        annotation scheme or style, not its data ("CTB tags", "PTB-style tokenization",
        "Penn Treebank POS tags", "WordNet-tagged corpus"); so does "non-NAME". Such a
        mention is dropped (its tokens stay claimed, so no other source retypes them).
    language_words : list of str
        Language adjectives ("Chinese", "Czech"): "Chinese PropBank" is a resource of
        its own, the language variant of PropBank (parent), when the gazetteer does
        not know the whole name.
    non_entities : list of str
        Names that are never entities of ours (crowdsourcing platforms such as
        Mechanical Turk): a candidate or long form containing one is dropped.
    """

    def __init__(self, nlp: Language, name: str, *, gazetteer_component: str, gazetteer_key: str,
                 abbreviation_key: str, pattern_key: str, ner_key: str, output_key: str,
                 use_rules: bool, use_ner: bool, scores: dict[str, float], introducing_rules: list[str],
                 head_labels: dict[str, list[str]], generic_words: list[str], generic_modifiers: list[str],
                 propagate: bool, ner_first_labels: list[str] = (), propagate_min_score: float = 0.5,
                 long_form_similarity: float = 80.0, scheme_words: list[str] = (),
                 scheme_suffixes: list[str] = (), scheme_modifiers: list[str] = (), language_words: list[str] = (),
                 non_entities: list[str] = ()):
        self.name = name
        self.nlp = nlp
        self.gazetteer_component = gazetteer_component
        self.gazetteer_key, self.abbreviation_key = gazetteer_key, abbreviation_key
        self.pattern_key, self.ner_key, self.output_key = pattern_key, ner_key, output_key
        self.use_rules, self.use_ner = use_rules, use_ner
        self.scores = dict(scores)
        self.introducing = set(introducing_rules)
        self.head_label = {w.lower(): label for label, words in head_labels.items() for w in words}
        self.generic = {w.lower() for w in generic_words}
        self.modifiers = {w.lower() for w in generic_modifiers}
        self.propagate = propagate
        self.propagate_min_score = propagate_min_score
        self.long_form_similarity = long_form_similarity
        self.ner_first = set(ner_first_labels)
        self.scheme_words = {w.lower() for w in scheme_words}
        self.scheme_suffixes = {w.lower() for w in scheme_suffixes}
        self.scheme_modifiers = {w.lower() for w in scheme_modifiers}
        self.languages = set(language_words)
        self.non_entities = [compact_key(w) for w in non_entities if compact_key(w)]
        self._gazetteer = None

    @property
    def gazetteer(self):
        """The gazetteer of the pipeline's gazetteer component (looked up lazily)."""
        if self._gazetteer is None:
            self._gazetteer = self.nlp.get_pipe(self.gazetteer_component).gazetteer
        return self._gazetteer

    # -- helpers -------------------------------------------------------------------------

    def _is_generic(self, text: str) -> bool:
        words = [w for w in re.split(r"[\s\-]+", text.lower()) if w]
        while words and words[0] in self.modifiers:
            words = words[1:]
        return not words or " ".join(words) in self.generic or all(w in self.generic or w in self.modifiers for w in words)

    def _new_entity(self, name: str, label: str, source: str, *, aliases=(), parent=None) -> dict:
        name = " ".join(name.split())
        entity_id = slug(name)
        if entity_id in self.gazetteer.entries:
            # Same slug as a known entity that did not accept this spelling ("Math" is not the
            # case-sensitive dataset MATH): keep the two apart.
            entity_id += "-2"
        return {"id": entity_id, "name": name, "label": label, "aliases": list(aliases),
                "parent": parent, "broad": False, "source": source}

    def _known(self, text: str) -> dict | None:
        entry = self.gazetteer.find(text)
        return entry.record() if entry else None

    def _same_name(self, long: str, entity: dict) -> bool:
        """Whether ``long`` spells the entity's name or an alias (up to small differences)."""
        from rapidfuzz import fuzz

        long = long.lower()
        return any(fuzz.ratio(long, name.lower()) >= self.long_form_similarity
                   for name in (entity["name"], *entity["aliases"]))

    def _head_label(self, text: str) -> str | None:
        words = re.split(r"[\s\-]+", text.lower())
        return self.head_label.get(words[-1]) if words else None

    def _non_entity(self, text: str) -> bool:
        key = compact_key(text)
        return any(k in key for k in self.non_entities)

    def _scheme_use(self, doc: Doc, start: int, end: int) -> bool:
        """Whether the name at ``doc[start:end]`` stands for its annotation scheme or
        style ("CTB tags", "PTB-style", "Penn Treebank POS tags", "non-PTB")."""
        if (start >= 2 and doc[start - 1].text in _HYPHENS and doc[start - 2].lower_ == "non"
                and not doc[start - 2].whitespace_ and not doc[start - 1].whitespace_):
            return True
        j, n = end, len(doc)
        if (j + 1 < n and doc[j].text in _HYPHENS and not doc[j - 1].whitespace_ and not doc[j].whitespace_
                and doc[j + 1].lower_ in self.scheme_suffixes):
            return True  # "PTB-like", "WordNet-tagged"; never "datasets like X"
        if j < n and doc[j].lower_ in ("'s", "’s"):
            j += 1
        for _ in range(4):
            if j >= n:
                return False
            token = doc[j]
            if (token.text in _HYPHENS and not doc[j - 1].whitespace_) or token.lower_ in self.scheme_modifiers:
                j += 1
            else:
                break
        return j < n and doc[j].lower_ in self.scheme_words

    def _language_variant(self, doc: Doc, cand: tuple, entities: dict) -> tuple:
        """"Chinese PropBank": a language adjective before a dataset name the gazetteer
        does not know as a whole makes a language variant, linked to the name's entity."""
        start, end, label, entity = cand[:4]
        if start == 0 or doc[start - 1].text not in self.languages:
            return cand
        if start >= 2 and doc[start - 2].text in ("/", *_HYPHENS) and not doc[start - 2].whitespace_:
            return cand  # "Spanish/English OPUS": a language pair, left alone
        if entity["name"].split()[0] in self.languages:
            return cand
        language = doc[start - 1].text
        names = [f"{language} {doc[start:end].text}", f"{language} {entity['name']}"]
        return self._variant(cand, start - 1, end, names, names[-1], entities)

    def _version_variant(self, doc: Doc, cand: tuple, entities: dict) -> tuple:
        """"Penn Chinese Treebank (CTB) 5.0", "Chinese Treebank 8.0": a version after a
        dataset name (and its abbreviation) names that version, linked to the name's entity."""
        start, end, label, entity = cand[:4]
        j, n, short = end, len(doc), None
        if j + 2 < n and doc[j].text == "(" and doc[j + 2].text == ")":
            short, j = doc[j + 1].text, j + 3
        if j >= n or not _VERSION_RE.fullmatch(doc[j].text) or (j + 1 < n and doc[j + 1].text in ("%", "x", "×")):
            return cand
        version = doc[j].text
        names = [f"{doc[start:end].text} {version}", f"{entity['name']} {version}"]
        if short:
            names += [f"{short} {version}", f"{short}{version}"]
        return self._variant(cand, start, j + 1, names, names[1], entities)

    def _variant(self, cand: tuple, start: int, end: int, names: list[str], new_name: str, entities: dict) -> tuple:
        """``cand`` widened to ``start:end`` and resolved to the first entity ``names`` know,
        or else to a new entity ``new_name``, a variant of ``cand``'s entity; ``cand`` as
        it is when the known entity has another label."""
        label, entity = cand[2], cand[3]
        variant = next((v for v in map(self._known, names) if v is not None), None)
        if variant is None:
            variant = self._new_entity(new_name, label, cand[4], parent=entity["id"])
            entities.setdefault(entity["id"], entity)
        elif variant["label"] != label:
            return cand
        return (start, end, label, variant) + cand[4:]

    def _dataset_context(self, doc: Doc, cands: list[tuple], entities: dict, *, variants: bool) -> list[tuple]:
        """Read the words around DATASET candidates: scheme uses are blanked (label None,
        so they still claim their tokens), language and version variants extend the span."""
        out = []
        for cand in cands:
            if cand[2] == "DATASET" and not cand[7]:
                if self._scheme_use(doc, cand[0], cand[1]):
                    cand = cand[:2] + (None,) + cand[3:]
                elif variants and cand[4] in ("gazetteer", "abbreviation", "pattern"):
                    cand = self._version_variant(doc, self._language_variant(doc, cand, entities), entities)
            if cand[2] is not None and self.non_entities and self._non_entity(doc[cand[0]:cand[1]].text):
                cand = cand[:2] + (None,) + cand[3:]
            out.append(cand)
        return out

    # -- candidates ----------------------------------------------------------------------

    def _rule_candidates(self, doc: Doc, entities: dict) -> list[tuple]:
        """(start_tok, end_tok, label, entity, source, score, introduced, nested) for the rule groups."""
        out = []
        spans = doc.spans
        gazetteer = self.gazetteer
        if self.gazetteer_key in spans:
            score = self.scores["gazetteer"]
            for span in spans[self.gazetteer_key]:
                entry = gazetteer.entries[span.kb_id_]
                out.append((span.start, span.end, entry.label, entry.record(), "gazetteer", score, False, False))
        if self.abbreviation_key in spans:
            pairs: dict[str, tuple[dict | None, float]] = {}
            group = spans[self.abbreviation_key]
            # Labels that context rules (not bare shapes) gave to a text in this doc.
            pattern_labels = {s.text: s.label_ for s in spans[self.pattern_key]
                              if not s.kb_id_.startswith("shape")} if self.pattern_key in spans else {}
            for span in group:
                if span.label_ != "long":
                    continue
                short, long = span.kb_id_, span.text
                entity, score = self._known(long), self.scores["abbreviation"]
                if self.non_entities and self._non_entity(long):
                    # "Amazon Mechanical Turk (AMT)": the platform and its acronym are no entity.
                    entity = {"id": "", "name": long, "label": None, "aliases": [short]}
                    pairs[long] = (entity, score)
                    out.append((span.start, span.end, None, entity, "abbreviation", score, False, False))
                    continue
                if entity is None:
                    entity = self._known(short)
                    if entity is not None and not self._same_name(long, entity):
                        # The paper defines its own acronym ("MOdel Surgery (MOS)"): the local
                        # definition beats a different known entity with that short form.
                        entity, score = None, self.scores.get("abbreviation_local", 0.97)
                        label = self._head_label(long) or pattern_labels.get(long) or pattern_labels.get(short)
                        if label is not None:
                            entity = self._new_entity(long, label, "abbreviation", aliases=[short])
                        else:
                            # Untyped, the definition still keeps the other entity off this
                            # acronym: its uses are claimed by a blank that is never output.
                            entity = {"id": "", "name": long, "label": None, "aliases": [short]}
                    elif entity is None:
                        label = self._head_label(long) or pattern_labels.get(long) or pattern_labels.get(short)
                        entity = self._new_entity(long, label, "abbreviation", aliases=[short]) if label else None
                if entity is not None and short not in entity["aliases"] and short != entity["name"]:
                    entity = dict(entity, aliases=[*entity["aliases"], short])
                pairs[long] = (entity, score)
                if entity is not None and entity["label"] is not None:
                    out.append((span.start, span.end, entity["label"], entity, "abbreviation",
                                min(score, self.scores["abbreviation"]), False, False))
            for span in group:
                entity, score = pairs.get(span.kb_id_, (None, 0.0))
                if span.label_ == "short" and entity is not None:
                    out.append((span.start, span.end, entity["label"], entity, "abbreviation", score, False, False))
        if self.pattern_key in spans:
            camel = Counter(s.text for s in spans[self.pattern_key] if s.kb_id_ == "shape_camel")
            for span in spans[self.pattern_key]:
                rule, _, detail = span.kb_id_.partition("|")
                if rule == "shape_camel" and camel[span.text] > 1:
                    rule = "shape_camel_repeated"  # a coined name the paper keeps using
                score = self.scores.get(rule, 0.5)
                introduced = rule in self.introducing
                if rule in ("size_variant", "size_list"):
                    family = self._known(detail) or self._new_entity(detail, "MODEL", "pattern")
                    entities.setdefault(family["id"], family)
                    size = span.text.rsplit("-", 1)[-1] if rule == "size_variant" else span.text
                    name = f"{family['name']}-{size}"
                    entity = self._known(name) or self._new_entity(name, "MODEL", "pattern", parent=family["id"])
                    out.append((span.start, span.end, "MODEL", entity, "pattern", score, introduced, False))
                    if rule == "size_variant":
                        fam_end = span.end - 2 if doc[span.end - 2].text in ("-", "–") else span.end - 1
                        out.append((span.start, fam_end, family["label"], family, "pattern", score, introduced, True))
                    continue
                entity = self._known(span.text)
                if entity is None:
                    entity = self._new_entity(span.text, span.label_, "pattern")
                out.append((span.start, span.end, entity["label"], entity, "pattern", score, introduced, False))
        return out

    def _ner_candidates(self, doc: Doc) -> list[tuple]:
        if self.ner_key not in doc.spans:
            return []
        group = doc.spans[self.ner_key]
        scores = group.attrs.get("scores") if hasattr(group, "attrs") else None
        out = []
        for k, span in enumerate(group):
            score = float(scores[k]) if scores is not None and k < len(scores) else self.scores["ner"]
            entity = self._known(span.text)
            if entity is None:
                if _FORMULA_CHARS.search(span.text):
                    continue
                label = span.label_
                if label in ("MODEL", "METHOD"):
                    # Rules type MODEL vs METHOD: coined names are models, descriptive phrases methods.
                    label = "MODEL" if looks_like_name(span.text) and any(c.isdigit() for c in span.text) else (
                        "METHOD" if span.text.islower() else label)
                entity = self._new_entity(span.text, label, "ner")
            out.append((span.start, span.end, entity["label"], entity, "ner", score, False, False))
        return out

    # -- main ----------------------------------------------------------------------------

    def __call__(self, doc: Doc) -> Doc:
        mentions: list[dict] = []
        entities: dict[str, dict] = {}
        if doc._.kg_lang not in ("", "en"):
            doc._.kg_mentions, doc._.kg_entities = mentions, entities
            doc.spans[self.output_key] = []
            return doc
        rule = self._rule_candidates(doc, entities) if self.use_rules else []
        ner = self._ner_candidates(doc) if self.use_ner else []
        rule = self._dataset_context(doc, rule, entities, variants=True)
        ner = self._dataset_context(doc, ner, entities, variants=False)
        taken = bytearray(len(doc))
        chosen = []
        if self.ner_first:
            # The trained model's spans of these labels beat the rule spans they overlap
            # (on SciER dev such a rule span is right 13-22% of the time, the model's
            # 60-72%); a rule span the model agrees with exactly keeps its provenance and
            # typing, with the higher of the two confidences.
            # (the most confident rule candidate on a span, as in the rule pass below)
            exact = {(c[0], c[1]): c for c in sorted(rule, key=lambda c: c[5]) if not c[7] and c[2] is not None}
            first = [(r[:5] + (max(r[5], c[5]),) + r[6:]) if (r := exact.get((c[0], c[1]))) else c
                     for c in ner if c[2] in self.ner_first]
            ner = [c for c in ner if c[2] not in self.ner_first]
            for cand in sorted(first, key=lambda c: (c[0] - c[1], -c[5], c[0])):
                if any(taken[cand[0]:cand[1]]) or self._is_generic(doc[cand[0]:cand[1]].text):
                    continue
                taken[cand[0]:cand[1]] = b"\x01" * (cand[1] - cand[0])
                chosen.append(cand)
        nested = [c for c in rule if c[7]]
        # Longest first; on equal length the more confident source wins.
        for cand in sorted((c for c in rule if not c[7]), key=lambda c: (c[0] - c[1], -c[5], c[0])):
            if any(taken[cand[0]:cand[1]]) or self._is_generic(doc[cand[0]:cand[1]].text):
                continue
            taken[cand[0]:cand[1]] = b"\x01" * (cand[1] - cand[0])
            chosen.append(cand)
        kept_spans = {(c[0], c[1]) for c in chosen}
        introduced_at = {(c[0], c[1]) for c in rule if c[6]}
        for cand in sorted(ner, key=lambda c: (c[0] - c[1], -c[5], c[0])):
            if any(taken[cand[0]:cand[1]]) or self._is_generic(doc[cand[0]:cand[1]].text):
                continue
            taken[cand[0]:cand[1]] = b"\x01" * (cand[1] - cand[0])
            chosen.append(cand)
        # A family inside a chosen size variant is kept as a nested mention.
        for cand in nested:
            if any(c[0] == cand[0] and c[1] > cand[1] for c in chosen if (c[0], c[1]) in kept_spans):
                chosen.append(cand)
        if self.propagate:
            chosen.extend(self._propagate(doc, chosen, taken))
        spans = []
        has_sents = doc.has_annotation("SENT_START")  # scans the doc: once, not per mention
        for start, end, label, entity, source, score, introduced, is_nested in sorted(chosen, key=lambda c: (c[0], -c[1])):
            if label is None:
                continue  # a blank claimed by an untyped acronym definition
            span = doc[start:end]
            entities.setdefault(entity["id"], entity)
            sent = span.sent if has_sents else doc[:]
            mentions.append({
                "start": span.start_char, "end": span.end_char, "text": span.text, "label": label,
                "entity_id": entity["id"], "canonical": entity["name"], "source": source, "score": float(score),
                "introduced": bool(introduced or (start, end) in introduced_at), "nested": is_nested,
                "sentence": [sent.start_char, sent.end_char],
            })
            spans.append(Span(doc, start, end, label=label, kb_id=entity["id"]))
        doc._.kg_mentions = mentions
        doc._.kg_entities = entities
        doc.spans[self.output_key] = spans
        return doc

    def _propagate(self, doc: Doc, chosen: list[tuple], taken: bytearray) -> list[tuple]:
        """Later plain occurrences of names found by context rules in this doc."""
        found = {}
        for cand in chosen:
            if (cand[4] in ("pattern", "abbreviation") and not cand[7] and cand[2] is not None
                    and cand[5] >= self.propagate_min_score):
                text = doc[cand[0]:cand[1]].text
                if looks_like_name(text) or text.isupper():
                    found.setdefault(text, cand)
        extra = []
        if not found:
            return extra
        text_of_doc = doc_text(doc)
        for text, cand in found.items():
            for match in re.finditer(r"(?<![\w\-])" + re.escape(text) + r"(?![\w\-])", text_of_doc):
                span = doc.char_span(match.start(), match.end())
                if span is None or any(taken[span.start:span.end]):
                    continue
                taken[span.start:span.end] = b"\x01" * (span.end - span.start)
                extra.append((span.start, span.end, cand[2], cand[3], cand[4], cand[5], False, False))
        return extra
