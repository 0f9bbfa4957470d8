"""Build the extraction pipeline from ``default.cfg`` (or a config of your own)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from kg.errors import ConfigError

__all__ = ["DEFAULT_CONFIG", "load_pipeline", "load_config"]

DEFAULT_CONFIG = Path(__file__).resolve().parent / "default.cfg"


def load_config(path: Path | str | None = None, *, overrides: dict[str, Any] | None = None):
    """The spaCy config at ``path`` (``default.cfg`` when None) with dotted ``overrides``."""
    from spacy.util import load_config as spacy_load_config

    path = Path(path) if path else DEFAULT_CONFIG
    if not path.is_file():
        raise ConfigError(f"{path}: pipeline config not found; pass an existing spaCy .cfg file")
    return spacy_load_config(path, overrides=overrides or {}, interpolate=False)


def load_pipeline(config: Path | str | None = None, *, use_rules: bool = True, use_ner: bool = True,
                  overrides: dict[str, Any] | None = None):
    """A ``spacy.blank("en")``-based pipeline built from ``config``.

    Parameters
    ----------
    config : path, optional
        spaCy config file; ``kg/nlp/default.cfg`` when None.
    use_rules, use_ner : bool
        Which mention sources the resolver merges (the trained NER, when the config
        has one, writes ``doc.spans["ner"]``; without it ``use_ner`` has no effect).
    overrides : dict, optional
        Dotted config overrides, e.g. ``{"components.kg_gazetteer.path": "my/gazetteer"}``.

    Returns
    -------
    spacy.language.Language
    """
    key = (str(config) if config else None, use_rules, use_ner, tuple(sorted((overrides or {}).items())))
    return _load(key)


@lru_cache(maxsize=4)
def _load(key):
    config, use_rules, use_ner, overrides = key
    import spacy

    import kg.nlp.factories  # noqa: F401  (registrations, also reachable through entry points)

    values = dict(overrides)
    values["components.kg_resolver.use_rules"] = use_rules
    values["components.kg_resolver.use_ner"] = use_ner
    cfg = load_config(config, overrides=values)
    pipes = cfg["nlp"]["pipeline"]
    if not use_ner and "ner" in pipes:
        cfg["nlp"]["pipeline"] = [p for p in pipes if p != "ner"]
        cfg["components"].pop("ner", None)
    return spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
