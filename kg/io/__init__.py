"""Readers for every supported input format, paper identity and merging, atomic writes."""
