"""Readers for every supported input format, paper identity and merging, atomic writes.

``read.read_inputs`` is the entry point (files/folders -> :class:`kg.types.Corpus`);
``detect`` picks a reader per file; one module per format (``listing``,
``jsonrecords`` with ``arxiv``/``semanticscholar``/``openalex``/``csljson`` object
mappers, ``bibtex``, ``ris`` (RIS and Web of Science), ``csvexport``);
``identity`` gives papers their ids and merges duplicates; ``write`` writes outputs
atomically. Nothing is imported here, so ``import kg.io`` stays cheap.
"""
