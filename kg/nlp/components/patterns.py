"""Pattern rules for names the gazetteer has never seen.

Each rule writes spans to ``doc.spans[span_key]`` with the guessed label as
``label_`` and ``"<rule>|<detail>"`` as ``kb_id_``; the resolver turns the rule
into a confidence (``scores`` in the config) and decides the entity. Rules:

``title_prefix``
    The doc's leading ``NAME:`` (a title such as "LOOP: ..."), the paper's own contribution.
``propose``
    "we propose / introduce / present NAME", with the label read from an apposition
    ("NAME, a benchmark ...").
``called``
    "called / dubbed / named NAME", label from the noun before ("a benchmark called NAME").
``noun_cue``
    "the NAME benchmark / dataset / corpus" (DATASET) and "the NAME model(s)" (MODEL).
``evaluate_on``
    Name lists after "evaluate(d) on", "experiments on", "benchmarks such as" (DATASET).
``size_variant`` / ``size_list``
    A known or name-shaped family followed by a size: "Llama-3.1-8B",
    "Qwen2.5-Math-Instruct-1.5B/7B/72B" (``detail`` is the family's text).
``shape`` / ``shape_camel``
    Other tokens shaped like model names: letters mixed with digits ("Phi-3",
    "Mistral-7B": MODEL) or CamelCase ("FastPose": METHOD); the resolver trusts a
    CamelCase name only when the doc repeats it.

Matching is done by spaCy Matchers and one regular expression over the text; the
Python code runs per match, never per token.
"""

from __future__ import annotations

import re

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from kg.nlp.text import SIZE_RE, looks_like_name
from kg.nlp.components.tokenizer import doc_text

__all__ = ["PatternRules"]

_HYPHENS = ("-", "–")
_SHAPE_RE = re.compile(
    r"(?<![\w\-.+@])(?=[\w.+\-]*(?:[A-Za-z]\d|\d[A-Za-z]|[a-z][A-Z]))[A-Za-z][\w.+]*(?:[\-–][\w.+]+)*(?<![.\-])"
)
_YEAR_RE = re.compile(r"(?:19|20)\d\d(?!\d)")
_SIZE_TEXT_RE = re.compile(r"(?<=[\-\s/])(?:\d+x)?\d+(?:\.\d+)?[BMKT](?![\w\-])")


class PatternRules:
    """spaCy component: the rules above. Every word list comes from the config.

    Parameters
    ----------
    span_key : str
        Span group written.
    gazetteer_key : str
        Span group of gazetteer matches (read, to find families of size variants).
    propose_verbs, called_words, determiners, adjectives : list of str
        Trigger words of the ``propose`` and ``called`` rules and the words allowed between.
    dataset_nouns, model_nouns, method_nouns : list of str
        Cue nouns that type a name (in an apposition, before "called", after the name).
    eval_words, list_openers : list of str
        "evaluate", "experiments", ... followed (within ``eval_gap`` tokens) by "on", "such as", ...
    eval_gap : int
        Tokens allowed between an eval word and the list opener.
    title_prefix_max_tokens : int
        Longest ``NAME:`` title prefix, in tokens.
    title_stopwords : list of str
        Title prefixes that are not names ("Survey", "Position").
    compound_stop_suffixes : list of str
        Trailing hyphen pieces cut from a name ("BERT-based" -> "BERT").
    shape_stoplist : list of str
        Name-shaped strings that are not models (hardware, diseases, dimensions).
    method_heads : list of str
        Head nouns of descriptive method phrases: "sparse convolution", "Transformer
        distillation", "temporal attention" (``modifier_head``, METHOD).
    task_heads : list of str
        Head nouns of task phrases: "pose tracking", "human detection" (``task_phrase``, TASK).
    event_words : list of str
        Name pieces of evaluation campaigns and venues ("SemEval", "Eval", "Task"):
        shapes holding one are not models.
    task_context_words : list of str
        Words a task phrase must follow: a task is what a method is "for", "on", "of".
    modifier_stopwords : list of str
        Evaluative or vague words that never make a method phrase ("simple distillation").
    not_dataset_words : list of str
        Capitalised words that follow "experiments on" without being datasets
        (languages, "Twitter", "Wikipedia" alone).
    """

    def __init__(self, nlp: Language, name: str, *, span_key: str, gazetteer_key: str,
                 propose_verbs: list[str], called_words: list[str], determiners: list[str],
                 adjectives: list[str], dataset_nouns: list[str], model_nouns: list[str],
                 method_nouns: list[str], eval_words: list[str], list_openers: list[str], eval_gap: int,
                 title_prefix_max_tokens: int, title_stopwords: list[str],
                 compound_stop_suffixes: list[str], shape_stoplist: list[str], not_dataset_words: list[str],
                 method_heads: list[str] = (), modifier_stopwords: list[str] = (), task_heads: list[str] = (),
                 task_context_words: list[str] = (), event_words: list[str] = ()):
        self.name = name
        self.span_key = span_key
        self.gazetteer_key = gazetteer_key
        self.determiners = {w.lower() for w in determiners}
        self.dataset_nouns = {w.lower() for w in dataset_nouns}
        self.model_nouns = {w.lower() for w in model_nouns}
        self.method_nouns = {w.lower() for w in method_nouns}
        self.title_prefix_max_tokens = title_prefix_max_tokens
        self.title_stopwords = {w.lower() for w in title_stopwords}
        self.stop_suffixes = {w.lower() for w in compound_stop_suffixes}
        self.shape_stoplist = {w.lower() for w in shape_stoplist}
        self.not_dataset = {w.lower() for w in not_dataset_words}
        self.method_heads = {w.lower() for w in method_heads}
        self.modifier_stopwords = {w.lower() for w in modifier_stopwords}
        self.task_heads = {w.lower() for w in task_heads}
        self.task_contexts = {w.lower() for w in task_context_words}
        self.event_words = {w.lower() for w in event_words}
        self.stop_words = STOP_WORDS
        self.list_openers = {w.lower() for w in list_openers}
        self.propose_verbs = {w.lower() for w in propose_verbs}
        self.called_words = {w.lower() for w in called_words}
        self.adjectives = {w.lower() for w in adjectives}
        self.eval_words = {w.lower() for w in eval_words}
        self.eval_gap = eval_gap
        # Single-token triggers keep the Matcher cheap; the context is read per match.
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for rule, words in (("propose", self.propose_verbs), ("called", self.called_words),
                            ("noun_cue", self.dataset_nouns | self.model_nouns), ("evaluate_on", self.eval_words),
                            ("modifier_head", self.method_heads), ("task_phrase", self.task_heads)):
            self.matcher.add(rule, [nlp.make_doc(w) for w in sorted(words) if len(nlp.make_doc(w)) == 1])

    # -- helpers -------------------------------------------------------------------------

    def _compound(self, doc: Doc, i: int) -> tuple[int, int]:
        """Token range of the hyphen-joined, space-free name around token ``i``."""
        start, end = i, i + 1
        while (end + 1 < len(doc) and not doc[end - 1].whitespace_ and doc[end].text in _HYPHENS
               and not doc[end].whitespace_ and doc[end + 1].text[:1].isalnum()):
            end += 2
        while (start - 2 >= 0 and doc[start - 1].text in _HYPHENS and not doc[start - 1].whitespace_
               and not doc[start - 2].whitespace_ and doc[start - 2].text[:1].isalnum()):
            start -= 2
        # "BERT-based" -> "BERT": cut trailing descriptive pieces.
        while end - start >= 3 and doc[end - 1].lower_ in self.stop_suffixes:
            end -= 2
        return start, end

    def _title_run(self, doc: Doc, i: int, max_tokens: int = 8) -> tuple[int, int]:
        """The name starting at token ``i``: capitalised or name-shaped words and hyphen
        pieces ("Interval Continual Learning", "Interpolation-based LoRA")."""
        end = i + 1
        while end < len(doc) and end - i < max_tokens:
            token, prev = doc[end], doc[end - 1]
            if token.text in _HYPHENS and not prev.whitespace_ and not token.whitespace_:
                end += 1  # "Interpolation-based": pieces joined by a hyphen stay in
                continue
            if prev.text in _HYPHENS and not prev.whitespace_ and token.text[:1].isalnum():
                end += 1
                continue
            if token.is_title or looks_like_name(token.text) or (token.is_upper and len(token) > 1):
                end += 1
                continue
            break
        while end > i + 1 and doc[end - 1].text in _HYPHENS:
            end -= 1
        start, _ = self._compound(doc, i)
        return start, end

    @staticmethod
    def _apposition(doc: Doc, i: int, width: int = 12):
        """Tokens of an apposition after a name ("NAME (ABBR), a benchmark for ..."), else none."""
        if i < len(doc) and doc[i].text == "(":
            close = next((j for j in range(i, min(len(doc), i + 10)) if doc[j].text == ")"), None)
            i = close + 1 if close is not None else i
        if i < len(doc) and doc[i].text in (",", ":", "—", "–"):
            return doc[i + 1:i + 1 + width]
        return doc[i:i]

    def _cue_label(self, tokens, default: str | None) -> str | None:
        """The label of the first cue noun among ``tokens``, within their first sentence."""
        for k, token in enumerate(tokens):
            if k and (token.is_sent_start or token.text in (".", ";")):
                break
            word = token.lower_
            if word in self.dataset_nouns:
                return "DATASET"
            if word in self.method_nouns:
                return "METHOD"
            if word in self.model_nouns:
                return "MODEL"
        return default

    def _name_ok(self, text: str, *, strong: bool) -> bool:
        """Shape test; ``strong`` context also accepts capitalised words and acronyms."""
        if text.lower() in self.determiners or text.lower() in self.title_stopwords:
            return False
        if any(c in text for c in "_{}\\$^<>=|") or text.endswith(("-", "–")):
            return False  # LaTeX and code fragments ("G_{stack}"), broken hyphenation ("SE-")
        if looks_like_name(text):
            return True
        return strong and text[:1].isupper() and len(text) >= 2 and not text.isdigit()

    @staticmethod
    def _coined(doc: Doc, text: str) -> bool:
        """A capitalised word the doc also writes in lowercase ("Entities" / "entities") is an
        ordinary word, not a coined name."""
        if looks_like_name(text) or not text[:1].isupper() or text.isupper():
            return True
        lower = text.lower()
        return not re.search(r"(?<![\w-])" + re.escape(lower) + r"(?![\w-])", doc_text(doc))

    # -- rules ---------------------------------------------------------------------------

    def _title_prefix(self, doc: Doc, out: list[Span]) -> None:
        limit = min(len(doc), self.title_prefix_max_tokens + 1)
        colon = next((i for i in range(1, limit) if doc[i].text == ":"), None)
        if colon is None or any(t.is_space for t in doc[:colon]):
            return
        start, end = self._compound(doc, 0)
        # "Qwen2.5-Math Technical Report: ..." names the model before "Technical Report".
        report = [t.lower_ for t in doc[end:colon]] in (["technical", "report"], ["report"])
        if end != colon and not report:
            return
        text = doc[start:end].text
        if not self._name_ok(text, strong=True) or not self._coined(doc, text):
            return
        label = "MODEL" if report else self._cue_label(doc[colon + 1:colon + 16], "METHOD")
        out.append(Span(doc, start, end, label=label, kb_id="title_prefix"))

    def _add_name_list(self, doc: Doc, i: int, label: str, rule: str, out: list[Span], *, strong: bool) -> int:
        """Names from token ``i`` on, separated by commas / "and" / "or"; returns how many."""
        found = 0
        while i < len(doc):
            while i < len(doc) and doc[i].lower_ in self.determiners:
                i += 1
            if i >= len(doc) or doc[i].is_punct or doc[i].is_space:
                break
            start, end = self._compound(doc, i)
            text = doc[start:end].text
            pieces = {p.lower() for p in re.split(r"[-–]", text)}
            pieces |= {p.rstrip("0123456789") for p in pieces}  # "Task4", "Table2"
            if pieces & self.not_dataset or not self._name_ok(text, strong=strong):
                break
            if end < len(doc) and doc[end].is_title and not looks_like_name(text):
                break  # "the Superficial Alignment Hypothesis": a phrase, not a list of names
            if end < len(doc) and doc[end].lower_ in ("'s", "’s"):
                break  # "Ott's Chicago-hotel dataset": a person's name
            out.append(Span(doc, start, end, label=label, kb_id=rule))
            found += 1
            i = end
            if i < len(doc) and doc[i].lower_ in self.dataset_nouns | self.model_nouns:
                i += 1  # "the AppWorld benchmark, ..."
            if i < len(doc) and doc[i].text == "(":  # skip "(Hendrycks et al., 2021)" and the like
                close = next((j for j in range(i, min(len(doc), i + 12)) if doc[j].text == ")"), None)
                if close is None:
                    break
                i = close + 1
            if i < len(doc) and doc[i].text == ",":
                i += 1
            if i < len(doc) and doc[i].lower_ in ("and", "or"):
                i += 1
            elif found and i < len(doc) and doc[i - 1].text != ",":
                break
        return found

    @staticmethod
    def _name_token(token) -> bool:
        return not (token.is_lower or token.is_punct or token.is_space or token.like_num)

    def _match_rules(self, doc: Doc, out: list[Span]) -> None:
        strings = doc.vocab.strings
        n = len(doc)
        for match_id, start, end in self.matcher(doc):
            rule = strings[match_id]
            if rule == "propose":
                i = end
                if i < n and doc[i].lower_ in self.determiners:
                    i += 1
                while i < n and doc[i].lower_ in self.adjectives:
                    i += 1
                if i >= n or not self._name_token(doc[i]):
                    continue
                n_start, n_end = self._title_run(doc, i)
                text = doc[n_start:n_end].text
                if not self._name_ok(text, strong=True) or not self._coined(doc, text):
                    continue
                after = doc[n_end:n_end + 1]
                if after and after[0].text not in (",", "(", ":", "—", "–", "-", ".", "which", "that", "to", "for", "and"):
                    continue  # "we propose Bayesian inference ..." is a phrase, not a name
                label = self._cue_label(self._apposition(doc, n_end), "METHOD")
                out.append(Span(doc, n_start, n_end, label=label, kb_id="propose"))
                if after and after[0].lower_ == "and":
                    self._add_name_list(doc, n_end + 1, label, "propose", out, strong=False)
            elif rule == "called":
                if not doc[start].is_lower:
                    continue  # "Named Entity Recognizers" in a title is no "named X"
                i = end
                if i < n and doc[i].text in ('"', "“", "'", "‘"):
                    i += 1
                if i >= n or not self._name_token(doc[i]):
                    continue
                n_start, n_end = self._title_run(doc, i)
                text = doc[n_start:n_end].text
                if not self._name_ok(text, strong=True):
                    continue
                label = self._cue_label(doc[max(0, start - 6):start], None) or self._cue_label(doc[n_end:n_end + 8], "METHOD")
                out.append(Span(doc, n_start, n_end, label=label, kb_id="called"))
            elif rule == "noun_cue":
                if start == 0 or not self._name_token(doc[start - 1]):
                    continue
                n_start, n_end = self._compound(doc, start - 1)
                if n_end != start:
                    continue
                text = doc[n_start:n_end].text
                noun = doc[start].lower_
                if not doc[start].is_lower:
                    continue  # "... Learning Environments" in a title-cased title
                if text.isupper() and len(text) < 3:
                    continue  # "CL benchmarks": an abbreviation of a field, not a name
                if noun in self.dataset_nouns:
                    strong = n_start > 0 and doc[n_start - 1].lower_ == "the"
                    pieces = {p.lower() for p in re.split(r"[-–]", text)}
                    if (self._name_ok(text, strong=strong) and text.lower() not in self.shape_stoplist
                            and not pieces & self.not_dataset):
                        out.append(Span(doc, n_start, n_end, label="DATASET", kb_id="noun_cue"))
                elif looks_like_name(text) and text.lower() not in self.shape_stoplist:
                    out.append(Span(doc, n_start, n_end, label="MODEL", kb_id="noun_cue"))
            elif rule == "modifier_head":
                self._modifier_head(doc, start, out)
            elif rule == "task_phrase":
                self._modifier_head(doc, start, out, label="TASK", rule="task_phrase", heads=self.task_heads)
            elif rule == "evaluate_on":
                for i in range(end, min(n, end + self.eval_gap + 1)):
                    token = doc[i]
                    if token.is_punct or token.is_space:
                        break
                    if token.lower_ == "such" and i + 1 < n and doc[i + 1].lower_ == "as":
                        self._add_name_list(doc, i + 2, "DATASET", "evaluate_on", out, strong=True)
                        break
                    if token.lower_ in self.list_openers:
                        self._add_name_list(doc, i + 1, "DATASET", "evaluate_on", out, strong=True)
                        break

    def _modifier_head(self, doc: Doc, head: int, out: list[Span], *, label: str = "METHOD",
                       rule: str = "modifier_head", heads: set[str] | None = None) -> None:
        """"sparse convolution", "Transformer distillation": a content word (or a known
        name) right before a method head noun names a method."""
        if head == 0 or not doc[head].is_lower:
            return
        m_start, m_end = self._compound(doc, head - 1)
        if m_end != head:
            return
        if doc[head - 1].text in _HYPHENS:  # "self-attention" is the head itself
            return
        modifier = doc[m_start:m_end]
        known = label == "METHOD" and self.gazetteer_key in doc.spans and any(
            s.start == m_start and s.end == m_end for s in doc.spans[self.gazetteer_key])
        if label == "TASK" and (m_start == 0 or doc[m_start - 1].lower_ not in self.task_contexts):
            return  # "for pose tracking", "on human detection"; not "to perform classification"
        word = modifier.text.lower()
        if not known:
            if not modifier.text.replace("-", "").isalpha() or not modifier.text.islower():
                return
            if (word in self.stop_words or word in self.determiners or word in self.modifier_stopwords
                    or word.endswith(("ing", "ed", "s"))):
                return
            if word in (heads if heads is not None else self.method_heads) or len(word) < 3:
                return
        out.append(Span(doc, m_start, head + 1, label=label, kb_id=rule))

    def _sizes(self, doc: Doc, text: str, out: list[Span]) -> None:
        if not _SIZE_TEXT_RE.search(text):
            return
        gazetteer_spans = list(doc.spans[self.gazetteer_key]) if self.gazetteer_key in doc.spans else []
        families = {s.end: s for s in gazetteer_spans if s.label_ == "MODEL"}
        for span in out:
            if span.label_ == "MODEL":
                families.setdefault(span.end, span)
        used_end = -1
        for match in _SIZE_TEXT_RE.finditer(text):
            size = doc.char_span(match.start(), match.end())
            if size is None or size.start <= used_end:
                continue
            i = size.start
            joined = i >= 1 and doc[i - 1].text in _HYPHENS and not doc[i - 1].whitespace_
            fam_end = i - 1 if joined else i
            family = families.get(fam_end)
            if family is None:
                # The gazetteer may know the variant itself ("Qwen2.5-Math-Instruct-1.5B").
                whole = next((s for s in gazetteer_spans if s.end == i + 1 and s.start < fam_end), None)
                if whole is not None:
                    family = doc[whole.start:fam_end]
            if family is None and joined:
                f_start, _ = self._compound(doc, fam_end - 1)
                if looks_like_name(doc[f_start:fam_end].text):
                    family = doc[f_start:fam_end]
            if family is None:
                continue
            fam_text = family.text
            out.append(Span(doc, family.start, i + 1, label="MODEL", kb_id=f"size_variant|{fam_text}"))
            j = i + 1
            while j + 1 < len(doc) and doc[j].text in ("/", ",", "and") and SIZE_RE.match(doc[j + 1].text):
                out.append(Span(doc, j + 1, j + 2, label="MODEL", kb_id=f"size_list|{fam_text}"))
                j += 2
                if j < len(doc) and doc[j].text == "," and j + 1 < len(doc) and doc[j + 1].lower_ == "and":
                    j += 1
            used_end = j - 1

    def _shapes(self, doc: Doc, text: str, out: list[Span]) -> None:
        known = bytearray(len(doc))  # tokens inside a gazetteer match
        if self.gazetteer_key in doc.spans:
            for s in doc.spans[self.gazetteer_key]:
                known[s.start:s.end] = b"\x01" * (s.end - s.start)
        for match in _SHAPE_RE.finditer(text):
            piece = match.group()
            if piece.lower() in self.shape_stoplist or len(piece) < 3:
                continue
            span = doc.char_span(match.start(), match.end())
            if span is None:
                continue
            start, end = self._compound(doc, span.start)
            if start != span.start or end != span.end:
                span = doc[start:end]
                if not looks_like_name(span.text):
                    continue
            if any(known[span.start:span.end]):
                continue  # "F1-macro": the known name inside decides (the compound rule may extend it)
            pieces = {p.lower() for p in re.split(r"[-–]", span.text)}
            pieces |= {p.rstrip("0123456789") for p in pieces}  # "DSTC11", "Task4"
            if _YEAR_RE.search(span.text) or pieces & self.event_words or pieces & self.shape_stoplist:
                continue  # "SemEval-2022", "CCL23-Eval", "WAT2022": events, not models
            # Letters with digits look like model names; CamelCase alone (AppWorld, fsCOCO)
            # could be anything, so it stays below the default threshold unless typed elsewhere.
            if any(c.isdigit() for c in span.text):
                out.append(Span(doc, span.start, span.end, label="MODEL", kb_id="shape"))
            else:  # coined CamelCase names are more often methods and frameworks than models
                out.append(Span(doc, span.start, span.end, label="METHOD", kb_id="shape_camel"))

    def _compounds(self, doc: Doc, out: list[Span]) -> None:
        """A known name inside a longer hyphenated name ("BERT-PKD", "CNN-LSTM") is that longer name."""
        if self.gazetteer_key not in doc.spans:
            return
        for span in doc.spans[self.gazetteer_key]:
            start, end = self._compound(doc, span.start)
            if end < span.end:
                start, end = self._compound(doc, span.end - 1)
            if (start, end) == (span.start, span.end) or start > span.start or end < span.end:
                continue
            text = doc[start:end].text
            if text.lower() in self.shape_stoplist or not any(c.isupper() for c in text.replace(span.text, "")):
                continue  # "BERT-large" stays a variant spelling for the gazetteer; "CNN-LSTM" is new
            out.append(Span(doc, start, end, label=span.label_, kb_id="compound"))

    def __call__(self, doc: Doc) -> Doc:
        out: list[Span] = []
        if doc._.kg_lang in ("", "en") and len(doc):
            self._title_prefix(doc, out)
            self._match_rules(doc, out)
            text = doc_text(doc)
            self._compounds(doc, out)
            self._shapes(doc, text, out)
            self._sizes(doc, text, out)
        doc.spans[self.span_key] = out
        return doc
