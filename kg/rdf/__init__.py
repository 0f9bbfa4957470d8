"""RDF: ontology terms, exports, the embedded SPARQL store, named queries and the endpoint."""
