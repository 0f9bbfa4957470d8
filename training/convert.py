"""Convert the shared gold corpora to spaCy ``DocBin`` files with kg's labels.

The three corpora are each annotated for only some of kg's labels: SciER has no
metrics, SciERC's ``Material`` mixes datasets with generic resources ("English",
"videos"), and TDMSci has no methods. Trained on a plain union, the model learns
that "accuracy" in a SciER sentence is *not* a metric and that "LSTM" in a TDMSci
sentence is *not* a method. With ``--mask`` (the default) such tokens are marked
*missing* instead of *outside*: wherever a corpus lacks a label, occurrences of
that label's names (collected from the training splits of the corpora that do
annotate it) become missing, so the model is neither rewarded nor punished there.
``--no-mask`` writes the plain union, for comparison.

Usage::

    python training/convert.py --gold ../shared/gold --out training/corpus [--no-mask]

Writes ``train.spacy`` and ``dev.spacy`` (SciER dev + SciERC dev + a held-out
slice of TDMSci train) plus ``dev-<corpus>.spacy`` per corpus, the held-out
TDMSci slice as ``tdmsci-dev.jsonl`` (gold format, for ``kg eval``), and
``data.json`` with the SHA-256 of every input file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin, Span

#: Gold label -> kg label, per corpus. ``None`` = the span's tokens become missing;
#: a label absent from the map (SciERC Generic) is treated as outside.
LABEL_MAP: dict[str, dict[str, str | None]] = {
    "scier": {"Method": "METHOD", "Dataset": "DATASET", "Task": "TASK"},
    "scierc": {"Method": "METHOD", "Task": "TASK", "Metric": "METRIC",
               "Material": None, "OtherScientificTerm": None},
    "tdmsci": {"TASK": "TASK", "DATASET": "DATASET", "METRIC": "METRIC"},
}
#: kg labels each corpus does not annotate (its outside tokens may hide them).
MISSING_LABELS: dict[str, tuple[str, ...]] = {
    "scier": ("METRIC",),
    "scierc": ("DATASET",),
    "tdmsci": ("METHOD",),
}
#: Every TDMSCI_DEV_EVERY-th TDMSci sentence is held out for dev (TDMSci has no dev split).
TDMSCI_DEV_EVERY = 7


def sha256(path: Path) -> str:
    """SHA-256 hex digest of a file, read in blocks (corpora and vectors run to hundreds of MB)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_jsonl(path: Path) -> list[dict]:
    """Records of a gold JSONL file."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_gold(gold: Path) -> dict[str, list[dict]]:
    """The gold splits, keyed ``corpus/split``; TDMSci train is split into train and dev."""
    splits = {
        "scier/train": read_jsonl(gold / "scier/train.jsonl"),
        "scier/dev": read_jsonl(gold / "scier/dev.jsonl"),
        "scierc/train": read_jsonl(gold / "scierc/train.jsonl"),
        "scierc/dev": read_jsonl(gold / "scierc/dev.jsonl"),
    }
    tdmsci = read_jsonl(gold / "tdmsci/train.jsonl")
    splits["tdmsci/train"] = [r for i, r in enumerate(tdmsci) if i % TDMSCI_DEV_EVERY]
    splits["tdmsci/dev"] = [r for i, r in enumerate(tdmsci) if not i % TDMSCI_DEV_EVERY]
    return splits


def build_lexicons(splits: dict[str, list[dict]], *, min_len: int = 3) -> dict[str, set[str]]:
    """Lower-cased names of each kg label, from the training splits that annotate it.

    Names that some corpus also annotates as another kg label are left out, so a
    mask never hides a real negative of a label the corpus does annotate.
    """
    names: dict[str, Counter] = {}
    for key, records in splits.items():
        corpus, split = key.split("/")
        if split != "train":
            continue
        for record in records:
            for ent in record["entities"]:
                label = LABEL_MAP[corpus].get(ent["label"])
                if label:
                    names.setdefault(label, Counter())[ent["text"].lower()] += 1
    lexicons = {}
    for label, counter in names.items():
        others = set().union(*(set(c) for lab, c in names.items() if lab != label))
        lexicons[label] = {n for n in counter if len(n) >= min_len and n not in others}
    return lexicons


def _lexicon_regex(names: set[str]) -> re.Pattern:
    alternatives = sorted((re.escape(n) for n in names), key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alternatives) + r")(?![\w-])", re.IGNORECASE)


def make_doc(nlp, record: dict, corpus: str, *, masks: dict[str, re.Pattern] | None) -> tuple[Doc, Counter]:
    """A Doc whose ``ents`` hold the record's mapped gold spans, with missing tokens.

    Returns the doc and counts of what happened to the spans (kept, masked, misaligned).
    """
    text = record["text"]
    doc = nlp.make_doc(text)
    stats: Counter = Counter()
    ents: list[Span] = []
    missing: list[Span] = []
    covered = [False] * len(doc)
    for ent in sorted(record["entities"], key=lambda e: (e["start"], -e["end"])):
        label = LABEL_MAP[corpus].get(ent["label"], "")
        span = doc.char_span(ent["start"], ent["end"], label=label or "")
        if label == "":
            stats["outside"] += 1
            continue
        if span is None:
            # Token boundaries do not match the gold span: mark the tokens it touches missing.
            loose = doc.char_span(ent["start"], ent["end"], alignment_mode="expand")
            if loose is not None:
                missing.append(loose)
            stats["misaligned"] += 1
            continue
        if label is None:
            missing.append(span)
            stats["masked-label"] += 1
            continue
        if any(covered[span.start:span.end]):
            stats["nested"] += 1
            continue
        for i in range(span.start, span.end):
            covered[i] = True
        ents.append(span)
        stats["kept"] += 1
    if masks:
        for label in MISSING_LABELS[corpus]:
            for match in masks[label].finditer(text):
                span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
                if span is not None and not any(covered[span.start:span.end]):
                    missing.append(span)
                    stats["masked-lexicon"] += 1
    # Missing spans may overlap each other; spaCy wants them disjoint.
    free = [i for i in range(len(doc)) if not covered[i]]
    miss_tokens = sorted({i for span in missing for i in range(span.start, span.end)} & set(free))
    missing_spans = [doc[i:i + 1] for i in miss_tokens]
    doc.set_ents(ents, missing=missing_spans, default="outside")
    return doc, stats


def blank_pipeline(tokenizer: str = "kg"):
    """A blank English pipeline with kg's scientific tokenizer (``"kg"``) or spaCy's (``"spacy"``)."""
    nlp = spacy.blank("en")
    if tokenizer == "kg":
        from kg.nlp.components.tokenizer import make_scientific_tokenizer

        nlp.tokenizer = make_scientific_tokenizer(nlp)
    return nlp


def convert(gold: Path, out: Path, *, mask: bool = True, oversample: dict[str, int] | None = None,
            tokenizer: str = "kg") -> dict:
    """Write the DocBin files under ``out`` and return the data record (hashes, counts).

    ``oversample`` repeats a corpus's training docs (``{"scierc": 4}``), so the small
    SciERC is not drowned by SciER's style.
    """
    oversample = oversample or {}
    nlp = blank_pipeline(tokenizer)
    splits = load_gold(gold)
    masks = None
    if mask:
        masks = {label: _lexicon_regex(names) for label, names in build_lexicons(splits).items()}
    out.mkdir(parents=True, exist_ok=True)
    bins: dict[str, DocBin] = {"train": DocBin(), "dev": DocBin()}
    record = {"mask": mask, "oversample": oversample, "tokenizer": tokenizer,
              "tdmsci_dev_every": TDMSCI_DEV_EVERY, "inputs": {}, "counts": {}}
    for key, records in splits.items():
        corpus, split = key.split("/")
        per = DocBin()
        total: Counter = Counter()
        for rec in records:
            # Dev is masked too, so spaCy's model selection ignores (as kg eval does) a
            # prediction of a label the corpus has no column for.
            doc, stats = make_doc(nlp, rec, corpus, masks=masks)
            for _ in range(oversample.get(corpus, 1) if split == "train" else 1):
                bins[split].add(doc)
            per.add(doc)
            total.update(stats)
        if split == "dev":
            per.to_disk(out / f"dev-{corpus}.spacy")
        record["counts"][key] = {"docs": len(records), **total}
    for name, docbin in bins.items():
        docbin.to_disk(out / f"{name}.spacy")
    # The held-out TDMSci sentences as gold JSONL, for `kg eval ... --scheme tdmsci`.
    with (out / "tdmsci-dev.jsonl").open("w", encoding="utf-8") as handle:
        for rec in splits["tdmsci/dev"]:
            handle.write(json.dumps(rec, ensure_ascii=False) + "\n")
    for path in sorted(gold.glob("*/*.jsonl")):
        record["inputs"][str(path.relative_to(gold))] = sha256(path)
    (out / "data.json").write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--gold", type=Path, default=Path("../shared/gold"))
    parser.add_argument("--out", type=Path, default=Path("training/corpus"))
    parser.add_argument("--no-mask", dest="mask", action="store_false", help="plain union, no missing-label masking")
    parser.add_argument("--oversample", action="append", default=[], metavar="CORPUS=N",
                        help="repeat a corpus's training docs N times (e.g. scierc=4)")
    parser.add_argument("--tokenizer", choices=["kg", "spacy"], default="kg")
    args = parser.parse_args()
    oversample = {k: int(v) for k, v in (item.split("=") for item in args.oversample)}
    record = convert(args.gold, args.out, mask=args.mask, oversample=oversample, tokenizer=args.tokenizer)
    print(json.dumps(record["counts"], indent=1))


if __name__ == "__main__":
    main()
