"""The one place that decides which group results may be shown.

Groups are the subtrees of a department tree: a department's group is everyone whose
department (snapshotted when the round opened) lies in its subtree. Each node also has its
*own* members, those directly in it, which form no group of their own but can be worked out
as a parent minus its children. An observer is assumed to know every group's respondent
count (counts are always shown) and every shown group's totals.

Rules:

1. *Below threshold*: a group with fewer respondents than the threshold is hidden.
2. *Complementary*: the shown groups' totals let an observer compute, by subtraction, the
   totals of exactly the unions of their *residuals* — the residual of a shown group being
   its members who are in no shown group further down. (Shown subtrees form a laminar
   family, so their indicator vectors span the same space as the disjoint residuals'.) Every
   residual must therefore hold no respondent or at least `threshold` of them. A shown group
   with a smaller residual gets its smallest shown sub-group with a non-empty residual hidden
   too (the "next-smallest sibling"), which merges the two residuals; when there is no such
   sub-group the group itself is hidden, merging its residual into the one above.
3. Finally, a group hidden by rule 2 is shown again when that keeps every residual safe, so
   that nothing is hidden that could be derived anyway, or need not be.

With every residual empty or at least `threshold`, any union of respondents whose totals can
be derived from shown results has no one or at least `threshold` people in it, and no hidden
group can be derived. `tests/pulse_surveys/test_anonymity_property.py` checks this with
linear algebra on random trees.
"""

from collections.abc import Hashable, Mapping
from dataclasses import dataclass

BELOW_THRESHOLD = "below_threshold"
COMPLEMENTARY = "complementary"


@dataclass(frozen=True)
class Decision:
    suppressed: bool
    reason: str = ""  # "", BELOW_THRESHOLD or COMPLEMENTARY


def _tree_order(parents: Mapping[Hashable, Hashable | None]) -> tuple[dict, list]:
    """Children per node and the nodes in post-order (children before parents)."""
    children: dict = {node: [] for node in parents}
    roots = []
    for node, parent in parents.items():
        if parent is None or parent not in parents:
            roots.append(node)
        else:
            children[parent].append(node)
    post_order: list = []
    stack = [(root, False) for root in sorted(roots, key=repr)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            post_order.append(node)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in sorted(children[node], key=repr))
    return children, post_order


def _uncovered(own: Mapping, children: Mapping, post_order: list, shown: set) -> dict:
    """For every node: respondents in its subtree that are in no shown group strictly below it."""
    uncovered: dict = {}
    for node in post_order:
        uncovered[node] = own.get(node, 0) + sum(uncovered[c] for c in children[node] if c not in shown)
    return uncovered


def _unsafe(node, uncovered: Mapping, threshold: int) -> bool:
    return 0 < uncovered[node] < threshold


def _shown_below(node, children: Mapping, shown: set) -> list:
    """The highest shown groups strictly below `node` (its residual's boundary)."""
    found, stack = [], list(children[node])
    while stack:
        current = stack.pop()
        if current in shown:
            found.append(current)
        else:
            stack.extend(children[current])
    return found


def _first_unsafe(post_order, shown, uncovered, threshold):
    return next((n for n in post_order if n in shown and _unsafe(n, uncovered, threshold)), None)


def decide(
    parents: Mapping[Hashable, Hashable | None], own: Mapping[Hashable, int], threshold: int
) -> dict[Hashable, Decision]:
    """Which groups to hide. `parents` maps every node to its parent (None for a root);
    `own` gives each node's own respondents (missing: none)."""
    children, post_order = _tree_order(parents)
    size: dict = {}
    for node in post_order:
        size[node] = own.get(node, 0) + sum(size[c] for c in children[node])

    shown = {node for node in parents if size[node] >= threshold}
    complementary: set = set()
    while True:
        uncovered = _uncovered(own, children, post_order, shown)
        node = _first_unsafe(post_order, shown, uncovered, threshold)
        if node is None:
            break
        candidates = [c for c in _shown_below(node, children, shown) if uncovered[c] > 0]
        hide = min(candidates, key=lambda c: (size[c], repr(c))) if candidates else node
        shown.discard(hide)
        complementary.add(hide)

    # Show again what hiding does not protect (largest first: the most useful results).
    changed = True
    while changed:
        changed = False
        for node in sorted(complementary, key=lambda n: (-size[n], repr(n))):
            trial = shown | {node}
            uncovered = _uncovered(own, children, post_order, trial)
            if _first_unsafe(post_order, trial, uncovered, threshold) is None:
                shown, changed = trial, True
                complementary.discard(node)

    return {
        node: Decision(False)
        if node in shown
        else Decision(True, COMPLEMENTARY if node in complementary else BELOW_THRESHOLD)
        for node in parents
    }
