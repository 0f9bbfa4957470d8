"""networkx graphs built from papers, their entities and their citations."""
