"""Where a source's text comes from: its origins, counted honestly (a republication or rewrite is not a new one).

An outlet that carries an agency's story, or rewrites it with additions, is not independent of the agency; two
outlets printing one ministry statement are one origin. Corroboration counts origins, never pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from incidents.model.dataset import Dataset

# Reliability letters from the best (A) to the one that cannot be judged (F): a chain is as good as its weakest link.
GRADE_ORDER = "ABCDEF"


def origins(dataset: Dataset, source_id: str) -> frozenset[str]:
    """The sources a source's text comes from at the end of its `republishes` / `rewrites` chains (itself if none).

    Cycles and unknown ids stop the walk, so the answer is always defined.
    """
    found: set[str] = set()
    seen: set[str] = set()
    stack = [source_id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        source = dataset.sources.get(current)
        parents = [*source.republishes, *source.rewrites] if source else []
        known = [p for p in parents if p in dataset.sources]
        if known:
            stack.extend(known)
        else:
            found.add(current)
    return frozenset(found)


def all_origins(dataset: Dataset) -> dict[str, frozenset[str]]:
    """`origins` of every source at once: a source's origins are the union of its known parents' (itself when it has
    none), so each source is worked out once instead of walking every chain again (4,000 sources sharing long chains
    took seconds). A source on a cycle is walked by `origins` itself, which stops at the cycle."""
    memo: dict[str, frozenset[str]] = {}
    sources = dataset.sources
    for root in sources:
        stack, path = [root], set()
        while stack:
            node = stack[-1]
            if node in memo:
                stack.pop()
                path.discard(node)
                continue
            path.add(node)
            source = sources[node]
            parents = [p for p in (*source.republishes, *source.rewrites) if p in sources]
            pending = [p for p in parents if p not in memo]
            if any(p in path for p in pending):  # a cycle runs through this source
                memo[node] = origins(dataset, node)
            elif pending:
                stack.extend(pending)
                continue
            else:
                memo[node] = frozenset().union(*(memo[p] for p in parents)) if parents else frozenset({node})
            stack.pop()
            path.discard(node)
    return memo


def origins_table(dataset: Dataset) -> dict[str, frozenset[str]]:
    """`all_origins`, worked out once per loaded dataset and kept with it; read through `source_origins`, or
    `origin_of` in a loop over many sources."""
    return dataset.derive("all-origins", lambda: all_origins(dataset))


def origin_of(table: dict[str, frozenset[str]], source_id: str) -> frozenset[str]:
    """A source's origins in `origins_table`'s table (a source it does not know is its own origin)."""
    return table.get(source_id) or frozenset({source_id})


def source_origins(dataset: Dataset, source_id: str) -> frozenset[str]:
    """`origins` of one source, read from `origins_table` (every statement resolved asks for its document's
    origins: walking the chains each time grew with the sources). The one lookup: loading's single-source warning
    and the pages' source lists both read it, so they cannot disagree."""
    return origin_of(origins_table(dataset), source_id)


def weakest_grade(grades: Sequence[str | None]) -> str | None:
    """The weakest reliability letter of a chain; None when any link is ungraded (then the chain cannot be graded)."""
    if not grades or any(grade is None for grade in grades):
        return None
    return max((grade for grade in grades if grade is not None), key=GRADE_ORDER.index)


@dataclass(frozen=True)
class OriginGroup:
    """One origin and the sources that carry it: as is (`republishes`) or with changes of their own (`rewrites`)."""

    origin: str
    carriers: tuple[str, ...]
    rewriters: tuple[str, ...]

    @property
    def size(self) -> int:
        return len(self.carriers) + len(self.rewriters)


def syndication(dataset: Dataset) -> list[OriginGroup]:
    """Every origin that other sources carry, with its carriers; the most carried first.

    A source is grouped under each origin its chains end at (a page citing two agencies appears under both), and it
    is a rewriter when it rewrites anything itself, a carrier otherwise. Sources nobody carries are not groups.
    """
    carried: dict[str, tuple[list[str], list[str]]] = {}
    for source in dataset.sources.values():
        roots = origins(dataset, source.id) - {source.id}
        for root in sorted(roots):
            carriers, rewriters = carried.setdefault(root, ([], []))
            (rewriters if source.rewrites else carriers).append(source.id)
    groups = [OriginGroup(root, tuple(sorted(c)), tuple(sorted(r))) for root, (c, r) in carried.items()]
    return sorted(groups, key=lambda g: (-g.size, g.origin))
