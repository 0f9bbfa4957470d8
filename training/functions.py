"""Registered functions that ``spacy train`` needs to build kg's NER pipeline.

Training only (``spacy train ... --code training/functions.py``): the package's
own registrations live in ``kg/nlp/factories.py``. The shipped model's config
names spaCy's stock tokenizer instead (``training/package.py`` rewrites it),
because in kg the model runs on docs the outer pipeline has already tokenized.
"""

from __future__ import annotations

from spacy.util import registry


@registry.tokenizers("kg_training.scientific_tokenizer.v1")
def create_scientific_tokenizer():
    """kg's tokenizer, so the model trains on the tokens it will see in kg."""
    from kg.nlp.components.tokenizer import make_scientific_tokenizer

    def create(nlp):
        return make_scientific_tokenizer(nlp)

    return create


@registry.vectors("kg_training.disk_vectors.v1")
def create_disk_vectors(path: str):
    """The vectors table saved at ``path`` (a ``vocab`` folder), for ``spacy pretrain``'s
    vector objective, which reads the vocab's vectors without ``[initialize]``."""
    from spacy.vectors import Vectors

    def create(vocab):
        return Vectors(strings=vocab.strings).from_disk(path)

    return create
