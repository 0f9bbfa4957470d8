"""``kg eval``: score the extractor on annotated gold (``../shared/gold`` format).

Micro precision, recall and F1 over exact (start, end, label) spans, overall and
per label, after mapping both sides to the gold corpus's labels:

- ``scier``: Method <- MODEL, METHOD; Dataset <- DATASET; Task <- TASK.
- ``scierc``: Method <- MODEL, METHOD; Material <- DATASET; Task; Metric;
  OtherScientificTerm and Generic are ignored.
- ``tdmsci``: TASK, DATASET, METRIC.

Predicted labels a corpus has no column for are ignored; a prediction on exactly
the span of an ignored gold label is dropped, neither right nor wrong. Nested
family mentions (inside a size variant) are not scored.

Records that share a ``doc_id`` (SciER gives one record per sentence) are run as
  one text, joined by single spaces, so an abbreviation defined in one sentence
  is known in the next, as in a real abstract; offsets are mapped back per record.

Scoring is strict by default, which is SciER's convention. ``corpus_conventions=True``
(``kg eval --corpus-conventions``) additionally follows the span conventions of
SciERC and TDMSci where they differ from SciER's, for a figure comparable to systems
trained on those corpora. Where a long form is followed by its parenthesised short
form, SciER marks the two apart (743 times in its train split, 30 times as one span),
SciERC (140 to 2 in train) and TDMSci (105 to 4) as one span; for ``scierc`` the
conventions are only that (last item below). TDMSci publishes no written
guideline with the data; the conventions below are read off its annotations (the
counts are from the even-numbered lines of ``tdmsci/train.jsonl``, the half used
for development), and each applies to every name alike:

- A dataset name is marked together with the noun phrase it heads into: a
  following data noun ("dataset(s)", "data set(s)", "corpus", "corpora",
  "benchmark(s)", "treebank(s)", "data", "set(s)", "test/evaluation/development/
  training set(s)/data", "collection"), with up to four modifier words between
  them ("MPQA English corpus", "NIST 2003 MT evaluation set", "CoNLL'03 shared
  task data"): 80 gold DATASET spans end in such a noun, 5 stop right before one. Our mentions leave the noun out (the name alone is the entity, and
  SciER's gold excludes it: 45 of 47 Dataset spans there); for ``tdmsci`` a
  DATASET prediction is scored extended over such a phrase. The modifiers are
  words that are not function words; punctuation other than hyphens ends the phrase.
  A name inside another prediction's extended phrase is part of that one span
  ("WSJ corpus" in "Penn Treebank WSJ corpus") and is not scored on its own.
- (TDMSci and SciERC) A long form and its abbreviation are one span ("Chinese
  Treebank (CTB)", "Europarl (ep)", "probabilistic context-free grammar (PCFG)"),
  where we find two mentions of one entity or, for a lowercase short form the
  abbreviation detector does not take, the long form alone; the
  two, or the long form with a parenthesised short form that abbreviates it
  (Schwartz-Hearst), are scored as that one span.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

from kg.errors import ConfigError, InputError

__all__ = ["SCHEMES", "evaluate_file", "evaluate_records", "predict_records", "score_predictions", "format_scores"]

#: scheme -> (our label -> gold label, gold labels scored, gold labels ignored)
SCHEMES: dict[str, tuple[dict[str, str], tuple[str, ...], tuple[str, ...]]] = {
    "scier": ({"MODEL": "Method", "METHOD": "Method", "DATASET": "Dataset", "TASK": "Task"},
              ("Method", "Dataset", "Task"), ()),
    "scierc": ({"MODEL": "Method", "METHOD": "Method", "DATASET": "Material", "TASK": "Task", "METRIC": "Metric"},
               ("Method", "Material", "Task", "Metric"), ("OtherScientificTerm", "Generic")),
    "tdmsci": ({"DATASET": "DATASET", "TASK": "TASK", "METRIC": "METRIC"}, ("TASK", "DATASET", "METRIC"), ()),
}


#: Schemes whose gold spans hold "long form (SHORT)" as one span.
_JOIN_PARENTHESISED = {"scierc", "tdmsci"}
_OPEN_PAREN = re.compile(r"\s*\(")
_SHORT_IN_PAREN = re.compile(r"\s*\(([^()\s]{1,12})\)")

#: Function words, which end a noun phrase before its head.
_FUNCTION_WORDS = frozenset("""a an the and or nor but of in on at for to from with without by as into onto over
under after before while when where which that who whom whose this these those its their our his her my your
is are was were be been being has have had do does did not no than then so also both each all any some such
other using used via per we they it he she i you there here than can could may might will would should must
""".split())
_DATA_HEAD = (r"(?:data ?sets?|datasets?|corpus|corpora|benchmarks?|treebanks?|data|"
              r"(?:test|evaluation|development|dev|training|train) (?:sets?|data)|sets?|collection)")
_MODIFIER = r"[\w&'’](?:[\w&'’.\-/]*[\w&'’])?"

#: scheme -> (label, regex of the noun phrase its gold spans take in after a name)
_TRAILING_NOUNS = {
    "tdmsci": ("DATASET", re.compile(r"(?:\s+" + _MODIFIER + r"){0,4}?\s+" + _DATA_HEAD + r"\b", re.I)),
}


def _groups(records: list[dict]) -> list[list[int]]:
    """Indices of records run as one text: consecutive records with the same ``doc_id``."""
    groups: list[list[int]] = []
    last = object()
    for k, record in enumerate(records):
        doc_id = record.get("doc_id")
        if doc_id is not None and doc_id == last:
            groups[-1].append(k)
        else:
            groups.append([k])
        last = doc_id
    return groups


def _join_parenthesised(text: str, found: list[list]) -> list[list]:
    """Merge "long form" + "(SHORT)" predictions of one label into one span, and take
    a parenthesised short form that abbreviates a prediction ("Europarl (ep)") into it."""
    from kg.nlp.components.abbreviations import find_long_form

    found = sorted(found)
    out: list[list] = []
    for item in found:
        if (out and out[-1][2] == item[2] and _OPEN_PAREN.fullmatch(text[out[-1][1]:item[0]])
                and text[item[1]:item[1] + 1] == ")"):
            out[-1] = [out[-1][0], item[1] + 1, item[2]]
        else:
            out.append(item)
    for item in out:
        short = _SHORT_IN_PAREN.match(text, item[1])
        if short and find_long_form(short.group(1), text[item[0]:item[1]]) == 0:
            item[1] = short.end()
    return out


def _extend_noun_phrase(text: str, end: int, pattern: re.Pattern) -> int:
    """End of the data-noun phrase that starts at ``end`` (``end`` itself when there is none)."""
    match = pattern.match(text, end)
    if not match:
        return end
    words = re.findall(r"[^\s]+", text[end:match.end()])[:-1]
    if any(w.lower() in _FUNCTION_WORDS for w in words):
        return end
    return match.end()


def _read_gold(path: Path) -> list[dict]:
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise InputError(path, "gold file not found", "pass a JSONL file of {id, text, entities}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            record["text"], record["entities"]
        except (ValueError, KeyError, TypeError):
            raise InputError(path, "not a gold record", 'each line must be {"id", "text", "entities": [...]}',
                             record=f"line {number}") from None
        records.append(record)
    return records


def score_predictions(gold: list[set], predicted: list[set], ignored: list[set], labels: tuple[str, ...]) -> dict:
    """Micro P/R/F1 from per-record sets of (start, end, label).

    ``ignored`` holds, per record, the (start, end) spans of ignored gold labels;
    predictions exactly on them are dropped.
    """
    tp, fp, fn = Counter(), Counter(), Counter()
    for g, p, ign in zip(gold, predicted, ignored):
        p = {x for x in p if (x[0], x[1]) not in ign}
        for x in p & g:
            tp[x[2]] += 1
        for x in p - g:
            fp[x[2]] += 1
        for x in g - p:
            fn[x[2]] += 1

    def prf(t: int, f_p: int, f_n: int) -> dict[str, float]:
        precision = t / (t + f_p) if t + f_p else 0.0
        recall = t / (t + f_n) if t + f_n else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": precision, "recall": recall, "f1": f1, "tp": t, "fp": f_p, "fn": f_n}

    per_label = {label: prf(tp[label], fp[label], fn[label]) for label in labels}
    overall = prf(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    return {"overall": overall, "labels": per_label}


def predict_records(
    records: list[dict], scheme: str, *, nlp, min_score: float = 0.5, corpus_conventions: bool = False
) -> tuple[list[set], list[set], list[set]]:
    """Gold spans, predicted spans and ignored spans per record, as :func:`score_predictions`
    takes them: sets of (start, end, gold label), predictions mapped to the scheme's labels
    and, with ``corpus_conventions``, to its span conventions (see the module docstring)."""
    if scheme not in SCHEMES:
        raise ConfigError(f"unknown scheme {scheme!r}; use one of {', '.join(SCHEMES)}")
    mapping, labels, ignored_labels = SCHEMES[scheme]
    trailing = _TRAILING_NOUNS.get(scheme) if corpus_conventions else None
    gold = [{(e["start"], e["end"], e["label"]) for e in r["entities"] if e["label"] in labels} for r in records]
    ignored = [{(e["start"], e["end"]) for e in r["entities"] if e["label"] in ignored_labels} for r in records]
    predicted: list[set] = [set() for _ in records]
    groups = _groups(records)
    docs = nlp.pipe(" ".join(records[k]["text"] for k in group) for group in groups)
    for group, doc in zip(groups, docs):
        bounds, offset = [], 0
        for k in group:
            bounds.append((k, offset, offset + len(records[k]["text"])))
            offset += len(records[k]["text"]) + 1
        per_record: dict[int, list[list]] = {k: [] for k in group}
        for m in doc._.kg_mentions or []:
            if m["label"] not in mapping or m["score"] < min_score or m["nested"]:
                continue
            for k, lo, hi in bounds:
                if lo <= m["start"] and m["end"] <= hi:
                    per_record[k].append([m["start"] - lo, m["end"] - lo, m["label"]])
                    break
        for k, found in per_record.items():
            text = records[k]["text"]
            if corpus_conventions and scheme in _JOIN_PARENTHESISED:
                found = _join_parenthesised(text, found)
            spans = []
            for start, end, label in found:
                if trailing and label == trailing[0]:
                    end = _extend_noun_phrase(text, end, trailing[1])
                spans.append((start, end, label))
            for start, end, label in spans:
                if trailing and label == trailing[0] and any(
                        s <= start and end <= e and (s, e) != (start, end) and l == label for s, e, l in spans):
                    continue  # a name inside another's noun phrase ("WSJ" in "Penn Treebank WSJ corpus")
                predicted[k].add((start, end, mapping[label]))
    return gold, predicted, ignored


def evaluate_records(
    records: list[dict], scheme: str, *, nlp, min_score: float = 0.5, corpus_conventions: bool = False
) -> dict[str, Any]:
    """Score ``nlp`` on gold ``records`` under ``scheme`` (see :data:`SCHEMES`); exact
    spans unless ``corpus_conventions`` (see the module docstring)."""
    gold, predicted, ignored = predict_records(records, scheme, nlp=nlp, min_score=min_score,
                                               corpus_conventions=corpus_conventions)
    scores = score_predictions(gold, predicted, ignored, SCHEMES[scheme][1])
    scores.update({"scheme": scheme, "records": len(records), "corpus_conventions": corpus_conventions})
    return scores


def evaluate_file(
    gold: Path, scheme: str, *, settings, mode: str = "combined", corpus_conventions: bool = False
) -> dict[str, Any]:
    """``kg eval``: run the pipeline on every gold record and score it.

    Parameters
    ----------
    gold : Path
        JSONL of ``{id, text, entities: [{start, end, label}]}``.
    scheme : str
        ``scier``, ``scierc`` or ``tdmsci``.
    settings : Settings or ExtractSettings
        ``min_score`` is applied to predictions.
    mode : str
        ``rules`` (no trained NER), ``ner`` (trained NER only) or ``combined``.
    corpus_conventions : bool
        Score with the gold corpus's span conventions instead of exact spans.
    """
    from kg.nlp.pipeline import load_pipeline

    if mode not in ("rules", "ner", "combined"):
        raise ConfigError(f"unknown evaluation mode {mode!r}; use rules, ner or combined")
    extract_settings = getattr(settings, "extract", settings)
    nlp = load_pipeline(use_rules=mode != "ner", use_ner=mode != "rules")
    scores = evaluate_records(
        _read_gold(Path(gold)), scheme, nlp=nlp, min_score=extract_settings.min_score,
        corpus_conventions=corpus_conventions,
    )
    scores.update({"gold": str(gold), "mode": mode})
    return scores


def format_scores(scores: dict[str, Any]) -> str:
    """A plain-text table of the scores (overall first, then per label)."""
    spans = "corpus-conventions" if scores.get("corpus_conventions") else "exact"
    head = (f"{scores.get('gold', '')} scheme={scores['scheme']} mode={scores.get('mode', '')} "
            f"spans={spans} records={scores['records']}")
    lines = [head.strip(), f"{'label':<12}{'P':>8}{'R':>8}{'F1':>8}{'TP':>7}{'FP':>7}{'FN':>7}"]
    rows = [("overall", scores["overall"]), *scores["labels"].items()]
    for label, s in rows:
        lines.append(f"{label:<12}{s['precision']:>8.1%}{s['recall']:>8.1%}{s['f1']:>8.1%}{s['tp']:>7}{s['fp']:>7}{s['fn']:>7}")
    return "\n".join(lines)
