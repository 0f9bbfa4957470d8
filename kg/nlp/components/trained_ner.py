"""The trained statistical NER layer: kg's shipped model, run inside the rule pipeline.

The model (a lean CNN ``tok2vec`` + transition-based ``ner``, trained by
``training/train.sh`` on SciER, SciERC and TDMSci) lives in
``kg/nlp/resources/ner`` as a small spaCy pipeline of its own. This component
loads it once and runs its two pipes on the outer pipeline's docs, so the model
sees the outer tokenizer's tokens. It never touches ``doc.ents``: what the model
finds goes to ``doc.spans[spans_key]``, each span labelled METHOD, DATASET, TASK
or METRIC, and the group's ``attrs["scores"]`` holds one confidence per span (the
model's precision for that label on the dev gold, from ``kg_ner.json``). Merging
with the rule layers (rules win where they fire; MODEL vs METHOD from rules and
the gazetteer) is the job of a later component.

Registration lives in :mod:`kg.nlp.factories`, not here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from spacy.attrs import ENT_IOB, ENT_TYPE
from spacy.language import Language
from spacy.tokens import Doc, Span, SpanGroup
from spacy.util import load_model_from_path, minibatch

from kg.errors import ConfigError

__all__ = ["TrainedNER", "default_model_path"]

#: Confidence given to a label the model's ``kg_ner.json`` does not list.
FALLBACK_SCORE = 0.6


def default_model_path() -> Path:
    """The folder of the model shipped in the package (``kg/nlp/resources/ner``)."""
    return Path(__file__).resolve().parents[1] / "resources" / "ner"


class TrainedNER:
    """Run kg's trained NER model and store its entities in ``doc.spans[spans_key]``.

    Parameters
    ----------
    nlp
        The pipeline this component belongs to; the model's labels are added to its
        string store so span labels read back as text.
    name
        Component name.
    model_path
        Folder of a spaCy pipeline with ``tok2vec`` and ``ner`` (as written by
        ``spacy train``). Empty: the model shipped in the package.
    spans_key
        Span group the entities are written to.
    min_score
        Spans of a label whose confidence is below this are not written.
    labels
        Labels written (empty: all the model's). kg's default leaves METRIC to the
        gazetteer, which is more precise on it than the model.

    Notes
    -----
    Sets ``doc.spans[spans_key]`` (a ``SpanGroup`` with ``attrs["scores"]``, a list
    of floats parallel to the spans, and ``attrs["source"] == "ner"``). Leaves
    ``doc.ents`` and ``doc.tensor`` as they were.
    """

    def __init__(self, nlp: Language, name: str = "trained_ner", *, model_path: str = "",
                 spans_key: str = "ner", min_score: float = 0.0, labels: Iterable[str] = ()):
        path = Path(model_path) if model_path else default_model_path()
        if not (path / "config.cfg").is_file():
            raise ConfigError(
                f"{path}: no trained NER model here (config.cfg missing); point model_path at a folder "
                "written by training/train.sh, or set use_ner = false"
            )
        self.name = name
        self.model_path = path
        self.spans_key = spans_key
        self.min_score = min_score
        self._model = load_model_from_path(path, exclude=[])
        meta_file = path / "kg_ner.json"
        meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
        self.scores: dict[str, float] = {k: float(v) for k, v in meta.get("label_scores", {}).items()}
        self.labels: tuple[str, ...] = tuple(self._model.get_pipe("ner").labels)
        unknown = set(labels) - set(self.labels)
        if unknown:
            raise ConfigError(
                f"{path}: the NER model has no label {', '.join(sorted(unknown))}; "
                f"choose labels among {', '.join(self.labels)}"
            )
        self.keep = frozenset(labels or self.labels)
        for label in self.labels:
            nlp.vocab.strings.add(label)
        _share_vectors(self._model, nlp, path)

    def __call__(self, doc: Doc) -> Doc:
        """Annotate one doc."""
        self._annotate([doc])
        return doc

    def pipe(self, docs: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        """Annotate docs in batches (the model is much faster batched)."""
        for batch in minibatch(docs, size=batch_size):
            self._annotate(batch)
            yield from batch

    def _annotate(self, docs: list[Doc]) -> None:
        # The model's ner writes doc.ents and would keep entities already there as
        # constraints: hand it docs with no entity annotation, then restore the rules'.
        saved = [doc.to_array([ENT_IOB, ENT_TYPE]) for doc in docs]
        for doc in docs:
            doc.set_ents([], default="missing")
        for _, proc in self._model.pipeline:
            docs = list(proc.pipe(docs, batch_size=len(docs)))
        for doc, array in zip(docs, saved):
            spans, scores = [], []
            for ent in doc.ents:
                score = self.scores.get(ent.label_, FALLBACK_SCORE)
                if ent.label_ not in self.keep or score < self.min_score:
                    continue
                start, end = _trim(ent)
                if start < end:
                    spans.append(Span(doc, start, end, label=ent.label))
                    scores.append(score)
            doc.spans[self.spans_key] = SpanGroup(
                doc, name=self.spans_key, spans=spans, attrs={"scores": scores, "source": "ner"}
            )
            doc.from_array([ENT_IOB, ENT_TYPE], array)
            # The tok2vec output is large and nothing downstream reads it; dropping it
            # keeps docs cheap to send between processes.
            doc.tensor = doc.tensor[:0]

    # The model is package data, loaded from model_path at construction: serialising
    # the outer pipeline stores nothing of it.
    def to_disk(self, path, *, exclude=tuple()) -> None:  # noqa: D102
        return None

    def from_disk(self, path, *, exclude=tuple()) -> "TrainedNER":  # noqa: D102
        return self

    def to_bytes(self, *, exclude=tuple()) -> bytes:  # noqa: D102
        return b""

    def from_bytes(self, bytes_data: bytes, *, exclude=tuple()) -> "TrainedNER":  # noqa: D102
        return self


def _share_vectors(model: Language, nlp: Language, path: Path) -> None:
    """Give ``nlp``'s vocab the static vectors of ``model``, if it has any.

    spaCy's static-vectors layer reads the table of the *docs'* vocab, and the model
    runs on the outer pipeline's docs: without this it would see no vectors at all.
    """
    vectors = model.vocab.vectors
    if vectors.shape[0] == 0:
        return
    mine = nlp.vocab.vectors
    if mine.shape[0] and (mine.shape != vectors.shape or mine.name != vectors.name):
        raise ConfigError(
            f"{path}: the NER model's word vectors ({vectors.name}) differ from the pipeline's own "
            f"({mine.name}); use a pipeline without vectors or set use_ner = false"
        )
    nlp.vocab.vectors = vectors


def _trim(span: Span) -> tuple[int, int]:
    """Token bounds of ``span`` without stray punctuation at its edges ("reasoning --"),
    keeping a closing bracket whose opening one is inside ("language models (LMs)")."""
    start, end = span.start, span.end
    doc = span.doc
    while start < end and doc[start].is_punct and doc[start].text not in "([":
        start += 1
    while start < end and doc[end - 1].is_punct:
        token = doc[end - 1].text
        if token in ")]" and any(t.text in "([" for t in doc[start:end - 1]):
            break
        end -= 1
    return start, end
