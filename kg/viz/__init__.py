"""Interactive HTML pages of the graphs (:func:`kg.viz.html.write_pages`)."""
