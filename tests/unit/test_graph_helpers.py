"""Hand-made corpora for the graph tests (no reader, no extractor needed); holds no tests itself."""

from __future__ import annotations

from kg.types import Citation, Corpus, Entity, Extraction, Mention, Paper, ReadReport


def mention(paper_id: str, entity_id: str, *, label: str = "DATASET", field: str = "abstract", start: int = 0,
            introduced: bool = False, score: float = 0.9, text: str | None = None) -> Mention:
    text = text or entity_id
    return Mention(
        paper_id=paper_id, text=text, label=label, start=start, end=start + len(text), field=field,
        sentence=(0, start + len(text) + 1), entity_id=entity_id, canonical=text, source="gazetteer",
        score=score, introduced=introduced,
    )


def make(papers: dict[str, list[str]], *, years: dict[str, int] | None = None,
         introduced: dict[str, list[str]] | None = None, broad: set[str] = frozenset(),
         parents: dict[str, str] | None = None, citations: list[tuple[str, str]] = (),
         stubs: list[str] = ()) -> tuple[Corpus, Extraction]:
    """``papers`` maps paper id -> entity ids named in its abstract; ``introduced`` maps paper id ->
    entity ids its title introduces."""
    years = years or {}
    introduced = introduced or {}
    parents = parents or {}
    paper_list = [Paper(id=p, title=f"Paper {p}", abstract="...", year=years.get(p)) for p in papers]
    paper_list += [Paper(id=s, title=f"Stub {s}", stub=True) for s in stubs]
    mentions: dict[str, list[Mention]] = {}
    names: set[str] = set(parents.values())
    for p, ents in papers.items():
        row = [mention(p, e, field="title", introduced=True) for e in introduced.get(p, [])]
        row += [mention(p, e, start=10 * i) for i, e in enumerate(ents)]
        mentions[p] = row
        names.update(ents)
        names.update(introduced.get(p, []))
    entities = {
        e: Entity(id=e, name=e, label="DATASET", parent=parents.get(e), broad=e in broad) for e in sorted(names)
    }
    corpus = Corpus(paper_list, [Citation(a, b) for a, b in citations], ReadReport(papers=len(papers)))
    return corpus, Extraction(mentions, entities)
