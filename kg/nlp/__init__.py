"""The extraction layer: a spaCy pipeline (tokenizer rules, abbreviations, gazetteer,
pattern rules, typing and normalisation) that turns titles and abstracts into mentions.

Importing this package does not import spaCy; :func:`kg.nlp.pipeline.load_pipeline`
does. Everything downstream of :mod:`kg.extract` sees plain :class:`kg.types.Mention`
and :class:`kg.types.Entity` records.
"""

__all__: list[str] = []
