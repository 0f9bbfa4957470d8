"""Pipeline component classes, one per module. Registration lives in :mod:`kg.nlp.factories`."""

__all__: list[str] = []
