"""kg: turn research papers into a citation graph and a knowledge graph.

Importing :mod:`kg` is cheap: spaCy and the graph libraries load only when a
function that needs them is called.
"""

__version__ = "0.1.0"
__all__ = ["__version__", "lookup"]


def lookup(name, out="outputs", **kw):
    """Look up an entity by name, alias or abbreviation in the build folder ``out``.

    A thin, lazily importing wrapper of :func:`kg.lookups.lookup_entity` (see it
    for the keyword options and the result); :func:`kg.lookups.lookup_paper`
    looks up papers.
    """
    from kg.lookups import lookup_entity

    return lookup_entity(name, out, **kw)
