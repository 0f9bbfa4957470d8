"""kg: turn research papers into a citation graph and a knowledge graph.

Importing :mod:`kg` is cheap: spaCy and the graph libraries load only when a
function that needs them is called.
"""

__version__ = "0.1.0"
__all__ = ["__version__"]
