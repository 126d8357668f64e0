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

4. *Across rounds*: an observer also keeps the results of other rounds that ask the same
   questions, and knows who belonged to each department in each round. If a group gains or
   loses one member between two rounds and the others answer alike, the difference of the
   two results is that person's answers. So every *atom* shown in a round — each shown
   group and each shown group's residual, as sets of the people invited — must differ from
   every atom shown in another round by no one, by at least `threshold` people, or only by
   people who answered in neither of the two rounds (their answers are in neither result). A group
   whose own set fails is hidden; a group whose residual fails gets its smallest shown
   sub-group hidden (as in rule 2), or is hidden itself when it has none. Rules 2 and 3 then
   run again on what remains.

5. *Combinations of two rounds*: rule 4 compares one atom with one atom; an observer can also
   add and subtract several of both rounds' totals (one round's group minus two groups of the
   other). Under the same assumptions every such combination is a sum of residual totals of
   the two rounds with coefficients; a person's answers cancel out of it when they are counted
   the same in both rounds (their two residuals get the same coefficient), and are held in it
   otherwise. Draw a graph with a vertex per residual holding answers in either round, an
   outside vertex (coefficient 0) for a person's round in which their answers are in no shown
   total or were not asked, and an edge per person who answered in either round, between their
   two vertices: the people a combination holds are exactly the edges it cuts. So every cut of
   that graph must weigh nothing or at least `threshold` people. Vertices joined by `threshold`
   or more edge-disjoint paths are contracted first (no small cut separates them), the rest is
   checked with Stoer–Wagner's minimum cut (networkx); while a small cut exists, the smallest
   shown group of this round whose residual and the residual above it lie on opposite sides of
   the cut is hidden, which joins the two. Rule 5 covers rule 4, which stays as the quicker first pass
   with a finer remedy.

With every residual empty or at least `threshold`, any union of respondents whose totals can
be derived from shown results has no one or at least `threshold` people in it, and no hidden
group can be derived. `tests/pulse_surveys/test_anonymity_property.py` checks this with
linear algebra on random trees; `test_anonymity_across_rounds.py` checks rules 4 and 5 by
brute force over every combination of two random rounds' results.

*Protection instead of hiding* (`decide`, `noise_sources`, and `pulse_surveys.noise`): a
group that rules 1–3 show but rules 4–5 would not show exactly is shown *protected*: its figures
carry random noise, drawn once when the round is materialised and stored, and are shown with
their 95% margin ("63 ± 9, protected"). Leaving it out of the exact figures is enough for rules
4 and 5 (fewer exact groups only merge residuals), and the other rounds are compared with this
round's exact figures only.

The threat model, in plain words. Someone who knows who belonged to which department in every
round, sees every figure shown, and assumes that everyone else answered exactly as before, tries
to work out one colleague's answers by combining two rounds. The guarantee: whatever two
rounds they combine, the figures change the odds between any two possible answers of that
colleague by at most a factor of exp(ε) (3 by default: `PRIMA_ANONYMITY_EPSILON` = ln 3, never
above ln 9). Each round spends ε/2, so two rounds together spend ε.

Where the noise goes. The noise is drawn per *residual*, not per group: each protected group
whose residual holds answers draws noise on that residual's totals, and a protected group shows
its true totals plus the noise of its own residual and of the protected residuals below it (an
exactly shown group below it adds its totals as they are). Residuals do not overlap, so each
person's answers are in exactly one draw per round, which therefore gets the round's whole ε/2;
a department's figure is then only what its units' noisy figures add up to, plus its own
residual's noise, and costs no budget of its own. (Noise per group would have to share ε/2
along each person's chain of nested groups, so that a unit of 25 inside a protected directorate
got half of it or less.) Inside a residual's draw the overall score gets three parts, eNPS one
and the drivers together one; a figure whose margin would be wider than ±25 points is dropped
and leaves its part to the others. A group shows a figure only when every residual it holds
drew noise for it and the summed noise's 95% margin (computed exactly, by convolution) is at
most ±25 points; a group whose overall score would be wider is hidden (reason "too_noisy"),
smallest first, which merges its residual into the one above. A group of n respondents that
draws alone gets a margin of about 550 / n points at ε = ln 3, so one of fewer than about 22
cannot be shown within ±25 points.
`tests/pulse_surveys/test_anonymity_noise.py` checks by brute force that every combination of
two rounds' shown totals holding 1 to threshold − 1 people carries noise enough for that bound.

What this leaves open:

- People are placed by the round they were *invited* to, not by the answers they gave: who
  answered is not shown to anyone (participation is shown as counts), and a rule over the
  respondents hid 66 of the 133 results otherwise shown on the demo organisation, since who
  answers changes by a few people every month. Someone who knows that exactly one colleague
  skipped one round and answered the next can still compare the two.
- Rules 4 and 5 look at two rounds at a time, and the guarantee is per pair of rounds: someone
  who combines k rounds in which a colleague was protected may move the odds by up to
  exp(k × ε/2).
- A person who moved between two sibling groups is in the noise of both (the group left and
  the group joined), each within the bound above.
- Exact figures of groups that changed by no one or by the threshold or more stay exact: they
  are protected by the crowd (rules 1–5), not by noise.
"""

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Collection, Hashable, Iterable, Mapping, Set
from dataclasses import dataclass, field

import networkx
import numpy as np
import scipy.sparse
import scipy.sparse.csgraph

BELOW_THRESHOLD = "below_threshold"
COMPLEMENTARY = "complementary"
ACROSS_ROUNDS = "across_rounds"


@dataclass(frozen=True)
class Decision:
    suppressed: bool
    reason: str = ""  # "", BELOW_THRESHOLD, COMPLEMENTARY or ACROSS_ROUNDS
    # Shown with protective noise: rules 1–3 allow it, rules 4–5 would hide its exact figures.
    protected: bool = False


@dataclass
class ShownRound:
    """What an observer holds of another round: its tree, the groups it showed, and who was
    invited in each node (the node the person was in when that round opened)."""

    parents: Mapping[Hashable, Hashable | None]
    shown: Collection[Hashable]
    members: Mapping[Hashable, Collection[Hashable]]
    answered: frozenset = frozenset()
    _node_of: dict | None = field(init=False, repr=False, default=None)
    _children: dict = field(init=False, repr=False)
    _post_order: list = field(init=False, repr=False)
    _sets: dict = field(init=False, repr=False, default_factory=dict)
    _sizes: dict | None = field(init=False, repr=False, default=None)
    _atoms_at: dict = field(init=False, repr=False, default_factory=dict)
    _view: "_RoundView | None" = field(init=False, repr=False, default=None)
    _dense: "_Dense | bool | None" = field(init=False, repr=False, default=False)  # False: not worked out yet

    def __post_init__(self):
        self.shown = frozenset(self.shown)
        self._children, self._post_order = _tree_order(self.parents)

    def view(self) -> "_RoundView":
        """Where each person's answers of this round lie, for rule 5 (built once)."""
        if self._view is None:
            dense = self.dense()
            node_of = self._node_map() if dense is None else None
            self._view = _RoundView(self.parents, self.shown, node_of, self.answered, dense)
        return self._view

    def dense(self) -> "_Dense | None":
        """This round's people as arrays (built once), or None when they are not integer ids."""
        if self._dense is False:
            self._dense = _Dense.of(self.members, self.answered)
        return self._dense

    def _node_map(self) -> dict:
        """Person -> the node they were invited in (built once, when the arrays cannot serve)."""
        if self._node_of is None:
            self._node_of = {person: node for node, people in self.members.items() for person in people}
        return self._node_of

    def _node_at(self, person):
        dense = self.dense()
        if dense is not None and type(person) is int:
            return dense.nodes[dense.node_code[person]] if 0 <= person < dense.node_code.size else None
        return self._node_map().get(person)

    def atoms_holding(self, person) -> list[tuple]:
        """The shown groups holding `person`, and the residual holding them, as (key for `atom`:
        (node, whether the residual), how many people the atom holds) — worked out once per node."""
        node = self._node_at(person)
        if node not in self._atoms_at:
            self._atoms_at[node] = [(key, self._atom_size(key)) for key in self._atom_keys(node)]
        return self._atoms_at[node]

    def _atom_keys(self, node) -> list[tuple]:
        keys, lowest = [], None
        while node is not None and node in self.parents:
            if node in self.shown:
                keys.append((node, False))
                lowest = node if lowest is None else lowest
            node = self.parents[node]
        if lowest is not None:
            keys.append((lowest, True))
        return keys

    def _atom_size(self, key: tuple) -> int:
        """How many people the atom holds, without listing them (most atoms compared are far
        larger or smaller than the one they are compared with, and need no more)."""
        if self._sizes is None:
            # Counted as listed: when that is more than the people invited, someone is listed
            # twice (in two nodes, or twice in one), and the atoms' sets are counted instead.
            own = {node: len(people) for node, people in self.members.items()}
            dense = self.dense()
            people = len(self._node_map()) if dense is None else dense.invited
            if sum(own.values()) != people:
                self._sizes = {}
            else:
                self._sizes = {}
                for node in self._post_order:  # children first
                    below = [(self._sizes[c, False], self._sizes[c, True]) for c in self._children[node]]
                    self._sizes[node, False] = own.get(node, 0) + sum(whole for whole, _ in below)
                    self._sizes[node, True] = own.get(node, 0) + sum(
                        part for c, (_, part) in zip(self._children[node], below, strict=True) if c not in self.shown
                    )
        if key not in self._sizes:
            return len(self.atom(key))
        return self._sizes[key]

    def atom(self, key: tuple) -> frozenset:
        """The people of a shown group (node, False) or of its residual (node, True): those in
        its subtree and in no shown group below it."""
        if key not in self._sets:
            node, residual = key
            people, stack = set(self.members.get(node, ())), list(self._children[node])
            while stack:
                current = stack.pop()
                if residual and current in self.shown:
                    continue
                people.update(self.members.get(current, ()))
                stack.extend(self._children[current])
            self._sets[key] = frozenset(people)
        return self._sets[key]


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


def _uncovered(own: Mapping, parents: Mapping, post_order: list, shown: set) -> dict:
    """For every node: respondents in its subtree that are in no shown group strictly below it."""
    uncovered = {node: own.get(node, 0) for node in post_order}
    for node in post_order:  # children first: each passes what it holds up unless it is shown
        parent = parents.get(node)
        if parent is not None and node not in shown and parent in uncovered:
            uncovered[parent] += uncovered[node]
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


def _differs_safely(atom: frozenset, answered: Collection, earlier: Iterable[ShownRound], threshold: int) -> bool:
    """Whether `atom` differs from every atom shown in `earlier` by no one, by `threshold` or
    more people, or only by people who answered neither time."""
    if not atom:
        return True
    # An atom differing from `atom` by fewer than `threshold` people holds at least one of any
    # `threshold` of its members, so only the atoms holding those need comparing. (One disjoint
    # from `atom` cannot single anyone out: both hold no respondent or `threshold` of them.)
    sample, size = [person for person, _ in zip(atom, range(threshold), strict=False)], len(atom)
    for shown_round in earlier:
        compared: set[tuple] = set()
        for person in sample:
            for key, other_size in shown_round.atoms_holding(person):
                if abs(other_size - size) >= threshold or key in compared:
                    continue
                compared.add(key)
                other = shown_round.atom(key)
                if 0 < len(atom ^ other) < threshold and (
                    not answered.isdisjoint(atom - other) or not shown_round.answered.isdisjoint(other - atom)
                ):
                    return False
    return True


_OUTSIDE = ("outside",)  # where a person's answers of a round are in no shown total


def _code_of_outside(then: list) -> int:
    """_OUTSIDE's code in a pairing's graph: its place among the earlier round's vertices, or
    the place after them when that round has none outside."""
    return then.index(_OUTSIDE) if _OUTSIDE in then else len(then)


_UNKNOWN, _CLEAN, _CUT = 0, 1, 2  # what rule 5's search knows of a graph component


def _owners(parents: Mapping, shown: Collection, post_order: list | None = None) -> dict:
    """Tree node -> the shown group whose residual holds it (None: no shown group does)."""
    owner: dict = {}
    for node in reversed(post_order if post_order is not None else _tree_order(parents)[1]):  # parents first
        parent = parents.get(node)
        owner[node] = node if node in shown else owner.get(parent) if parent is not None else None
    return owner


class _Dense:
    """A round's people as arrays, when they are non-negative integer ids (as employees' are):
    `nodes` lists the round's nodes in the order of their repr, None (not invited) among them;
    `node_code[person]` is the place in `nodes` of the node the person was invited in; `answered`
    holds the ids of those who answered, sorted; `invited` counts the people invited. Rule 5 then
    pairs two rounds' people in numpy."""

    LIMIT = 50_000_000  # ids at or above this are kept as Python objects: the arrays would be too large

    def __init__(self, nodes: list, node_code: np.ndarray, answered: np.ndarray, invited: int):
        self.nodes, self.node_code, self.answered, self.invited = nodes, node_code, answered, invited
        self.none_code = nodes.index(None)

    @classmethod
    def of(cls, members: Mapping, answered: Collection) -> "_Dense | None":
        invited = _as_ids(list(itertools.chain.from_iterable(members.values())))
        answered_ids = _as_ids(answered)
        if invited is None or answered_ids is None:
            return None
        nodes = sorted({None, *members}, key=repr)
        code_of = {node: code for code, node in enumerate(nodes)}
        size = 1 + max(int(invited.max()) if invited.size else 0, int(answered_ids.max()) if answered_ids.size else 0)
        node_code = np.full(size, code_of[None], dtype=np.int64)
        # in the mapping's order, so that someone listed in two nodes is in the last, as in `ShownRound._node_map`
        node_code[invited] = np.repeat(
            [code_of[node] for node in members], [len(people) for people in members.values()]
        )
        return cls(nodes, node_code, _sorted_unique(answered_ids), _sorted_unique(invited).size)

    def codes(self, people: np.ndarray) -> np.ndarray:
        """The node code of each person (None's for ids beyond this round's)."""
        if people.size and people[-1] < self.node_code.size:  # sorted: all within
            return self.node_code[people]
        found = np.full(people.size, self.none_code, dtype=np.int64)
        within = people < self.node_code.size
        found[within] = self.node_code[people[within]]
        return found


def _sorted_unique(ids: np.ndarray) -> np.ndarray:
    """`ids` sorted, each once (as np.unique, which is slower on integers without its other outputs)."""
    ids = np.sort(ids)
    return ids[np.concatenate([[True], ids[1:] != ids[:-1]])] if ids.size else ids


def _as_ids(people: Collection) -> np.ndarray | None:
    """`people` as an integer array, or None when they are not all non-negative integers."""
    ids = np.asarray(people if isinstance(people, list | tuple) else list(people))
    if ids.size == 0:
        return np.zeros(0, dtype=np.int64)
    if ids.ndim != 1 or ids.dtype.kind not in "iu" or ids.min() < 0 or ids.max() >= _Dense.LIMIT:
        return None
    return ids.astype(np.int64, copy=False)


class _RoundView:
    """Rule 5's vertex for each person of a round whose results are fixed: the shown group whose
    residual holds their answers, or `_OUTSIDE` when none does or that residual holds no answer
    (its total is then known to be nothing, whatever it is combined with)."""

    def __init__(self, parents, shown, node_of, answered, dense: _Dense | None = None):
        self.node_of, owner = node_of, _owners(parents, shown)
        respondents: dict = defaultdict(int)
        if dense is not None:
            per_node = np.bincount(dense.codes(dense.answered), minlength=len(dense.nodes))
            for code in np.flatnonzero(per_node).tolist():
                held_by = owner.get(dense.nodes[code])
                if held_by is not None:
                    respondents[held_by] += int(per_node[code])
        else:
            for person in answered:
                held_by = owner.get(node_of.get(person))
                if held_by is not None:
                    respondents[held_by] += 1
        self.vertex_of_node = {node: ("then", o) if respondents.get(o) else _OUTSIDE for node, o in owner.items()}


class _Pairing:
    """Who answered in this round or in one earlier round, counted per (the tree node they were
    invited in this round — None if not invited —, their vertex in the earlier round): the
    edges of rule 5's graph for any choice of this round's shown groups, summed per pair.
    `graph` numbers the vertices in the order of their reprs, so that the rules decide alike
    however people are named and in whatever order the pairs were counted."""

    def __init__(self, node_of_now: Mapping, answered_now: frozenset, then: "ShownRound", now: _Dense | None = None):
        view, then_dense = then.view(), then.dense()
        if now is not None and then_dense is not None:
            vertices = sorted({_OUTSIDE, *view.vertex_of_node.values()}, key=repr)
            place = {vertex: code for code, vertex in enumerate(vertices)}
            vertex_code = np.array([place[view.vertex_of_node.get(node, _OUTSIDE)] for node in then_dense.nodes])
            people = _sorted_unique(np.concatenate([now.answered, then_dense.answered]))
            pairs = now.codes(people) * len(vertices) + vertex_code[then_dense.codes(people)]
            # (sorted and counted: a count per possible pair would be this round's nodes × the
            # earlier round's vertices long, 100 million at 500,000 people)
            present, counts = np.unique(pairs, return_counts=True)
            node_codes, vertex_codes = _sorted_unique(present // len(vertices)), _sorted_unique(present % len(vertices))
            self._pair_arrays = (
                [now.nodes[code] for code in node_codes.tolist()],
                [vertices[code] for code in vertex_codes.tolist()],
                np.searchsorted(node_codes, present // len(vertices)),
                np.searchsorted(vertex_codes, present % len(vertices)),
                counts.astype(np.int64),
            )
            return
        people = list(answered_now | then.answered)
        then_nodes = map(then._node_map().get, people)
        then_vertices = map(view.vertex_of_node.get, then_nodes, itertools.repeat(_OUTSIDE))
        counted = Counter(zip(map(node_of_now.get, people), then_vertices, strict=True))
        self.pairs = dict(sorted(counted.items(), key=lambda item: (repr(item[0][0]), repr(item[0][1]))))

    def _arrays(self) -> tuple:
        """The pairs as arrays: this round's nodes and the earlier round's vertices (each listed
        once), each pair's places in them, and its count."""
        if not hasattr(self, "_pair_arrays"):
            nodes = {node: None for node, _ in self.pairs}
            then = {vertex: None for _, vertex in self.pairs}
            node_place = {node: place for place, node in enumerate(nodes)}
            then_place = {vertex: place for place, vertex in enumerate(then)}
            count = len(self.pairs)
            self._pair_arrays = (
                list(nodes),
                list(then),
                np.fromiter((node_place[node] for node, _ in self.pairs), dtype=np.int64, count=count),
                np.fromiter((then_place[vertex] for _, vertex in self.pairs), dtype=np.int64, count=count),
                np.fromiter(self.pairs.values(), dtype=np.int64, count=count),
            )
        return self._pair_arrays

    def graph(self, now: "_NowVertices") -> tuple[np.ndarray, np.ndarray, np.ndarray, list]:
        """The graph's edges for this round's vertices as they stand, parallel pairs added up:
        (one end, the other end, people) as arrays, with the vertices numbered in the order of
        their reprs, and the vertices in that order."""
        nodes, then, node_index, then_index, counts = self._arrays()
        outside = _code_of_outside(then)
        if getattr(self, "_slots_of", None) is not now:  # each pair's node's place in `now`, once
            missing = len(now.nodes)  # a node outside the tree: its code there is _OUTSIDE's
            slots = np.fromiter((now.slot.get(node, missing) for node in nodes), dtype=np.int64, count=len(nodes))
            self._slots_of, self._pair_slots = now, slots[node_index]
            # codes: the earlier round's vertices first, then _OUTSIDE (unless it is among them),
            # then each owner here (1 + its place); each code's place in the order of reprs
            every = [*then, _OUTSIDE, *(("now", node) for node in now.nodes)]
            order = sorted(range(len(every)), key=lambda code: repr(every[code]))
            self._rank = np.empty(len(every), dtype=np.int64)
            self._rank[order] = np.arange(len(every))
            self._by_rank = [every[code] for code in order]
            self._rank_of = {vertex: rank for rank, vertex in enumerate(self._by_rank)}
            # _OUTSIDE is listed twice when the earlier round has it too: the graph uses that one
            self._rank_of[_OUTSIDE] = int(self._rank[outside])
        here_now = now.code[self._pair_slots]
        here = np.where(here_now == 0, outside, len(then) + here_now)
        apart = here != then_index
        width = len(then) + len(now.nodes) + 1
        keys, where = np.unique(here[apart] * width + then_index[apart], return_inverse=True)
        sums = np.bincount(where, weights=counts[apart], minlength=keys.size).astype(np.int64)
        a, b = self._rank[keys // width], self._rank[keys % width]
        present = _sorted_unique(np.concatenate([a, b]))
        self._present = present  # the vertices' ranks, for `small_cut`
        vertices = [self._by_rank[rank] for rank in present.tolist()]
        return np.searchsorted(present, a), np.searchsorted(present, b), sums, vertices

    def small_cut(self, now: "_NowVertices", threshold: int) -> tuple[set, set] | None:
        """`_small_cut` of `graph(now)`, searching only the connected components not searched
        since they changed. A component none of whose vertices has gained or lost a tree node since
        it was searched (`now.changes`) has all its edges still, unchanged, and no other edge
        reaches it: it has the cut it had, or none. Contraction never crosses components and names
        what it contracts by its first vertex, so a component searched on its own, its vertices in
        the same order, has the cut it has in the whole graph's search; of the components with a
        cut, the one whose first vertex comes first is the one that search finds."""
        if getattr(self, "_searched_in", None) == (now, threshold):
            changed = now.changes[self._changes_seen :]
            if not changed:
                return self._first_cut()
            into = self._merges(changed, now)
            if into is not None and _OUTSIDE not in into.values():
                # each vertex that lost nodes lost them all to one other vertex of this round's
                self._changes_seen = len(now.changes)
                then = self._arrays()[1]
                # in the order they happened: a vertex may take nodes and hand them on
                self._contracted.merge(
                    [
                        (self._rank[len(then) + 1 + now.slot[b[1]]], self._rank[len(then) + 1 + now.slot[a[1]]])
                        for b, a in zip(changed[0::2], changed[1::2], strict=True)
                    ]
                )
                return self._first_cut()
        ends, other_ends, people, vertices = self.graph(now)
        if getattr(self, "_searched_in", None) != (now, threshold):  # ranks are stable while `now` is
            self._searched_in, self._changes_seen = (now, threshold), len(now.changes)
            self._state = np.zeros(len(self._by_rank), dtype=np.int8)  # per rank: _UNKNOWN, _CLEAN or _CUT
            self._component = np.full(len(self._by_rank), -1)
            self._cuts: dict = {}  # a component with a cut, by its first vertex's rank -> (its ranks, the side's)
            self._label = np.arange(len(self._by_rank))  # each vertex's contracted vertex when last searched
        changed = now.changes[self._changes_seen :]
        self._changes_seen = len(now.changes)
        if changed:  # every component that held a changed vertex when last seen is searched again
            then = self._arrays()[1]
            outside = _code_of_outside(then)
            codes = [outside if vertex == _OUTSIDE else len(then) + 1 + now.slot[vertex[1]] for vertex in changed]
            ranks_changed = self._rank[codes]
            touched = self._component[ranks_changed]
            hit = np.zeros(self._component.max() + 2, dtype=bool)  # the last: not in the graph (-1)
            hit[touched[touched >= 0]] = True
            searched_again = hit[self._component]
            self._state[searched_again] = _UNKNOWN
            self._carry_contraction(changed, ranks_changed[0::2], ranks_changed[1::2], now, searched_again)

        present, count = self._present, len(vertices)
        graph = scipy.sparse.coo_array((np.ones(ends.size), (ends, other_ends)), shape=(count, count))
        parts, component = scipy.sparse.csgraph.connected_components(graph, directed=False)
        self._component[:] = -1
        self._component[present] = component
        self._state[self._component < 0] = _UNKNOWN  # only what is in the graph is known
        # each contracted vertex is named by the first of its vertices still in the graph
        first_of = np.full(len(self._by_rank), len(self._by_rank))
        np.minimum.at(first_of, self._label[present], present)
        self._label[present] = first_of[self._label[present]]
        absent = self._component < 0
        self._label[absent] = np.flatnonzero(absent)
        self._cuts = {  # (the components are numbered afresh)
            first: (int(self._component[first]), side)
            for first, (_number, side) in self._cuts.items()
            if self._state[first] == _CUT
        }
        unknown = self._state[present] == _UNKNOWN
        searched = (np.bincount(component, weights=unknown, minlength=parts) > 0)[component]
        keep = np.flatnonzero(searched)  # the vertices of the components to search
        if keep.size:
            inside = searched[ends]
            ranks = present[keep]
            known = np.searchsorted(ranks, self._label[ranks])  # what contracted before, as places in `keep`
            if not np.array_equal(ranks[np.minimum(known, ranks.size - 1)], self._label[ranks]):
                known = None  # (cannot happen: a contracted vertex's vertices are in one component)
            contracted = _contract(
                np.searchsorted(keep, ends[inside]),
                np.searchsorted(keep, other_ends[inside]),
                people[inside],
                keep.size,
                threshold,
                known,
            )
            self._label[ranks] = ranks[contracted[0]]
            for within, side in _cuts_of_contracted(*contracted, keep.size, threshold):
                self._state[ranks[within]] = _CLEAN if side is None else _CUT
                if side is not None:
                    self._cuts[int(ranks[within[0]])] = (int(self._component[ranks[within[0]]]), ranks[side])
        self._contracted = _Contracted(self, present[ends], present[other_ends], people, threshold)
        return self._first_cut()

    def _first_cut(self) -> tuple[set, set] | None:
        """Of the components with a cut, the one whose first vertex comes first: (its vertices,
        the side's)."""
        if not self._cuts:
            return None
        component, side = self._cuts[min(self._cuts)]
        return _Vertices(self, component), {self._by_rank[rank] for rank in side.tolist()}

    @staticmethod
    def _merges(changed: list, now: "_NowVertices") -> dict | None:
        """{vertex: the vertex it went to} when each vertex of `changed` that lost nodes lost them
        all, to one other vertex (_OUTSIDE, which is the other round's vertex too, stays when it
        loses this round's nodes: never such a vertex); otherwise None."""
        into: dict = {}
        for before, after in zip(changed[0::2], changed[1::2], strict=True):
            if before == _OUTSIDE or now.held[before] or into.setdefault(before, after) != after:
                return None
        return into

    def _carry_contraction(self, changed: list, before_ranks, after_ranks, now: "_NowVertices", searched_again) -> None:
        """Keeps what the components searched again had contracted when the changes only merged
        vertices: each vertex that lost nodes lost them all, to one other vertex. Merging two
        vertices never lowers the number of edge-disjoint paths between any others, so what was
        contracted still is, and contracting goes on from there to the same end. Otherwise those
        components are contracted from the start."""
        if self._merges(changed, now) is None:
            self._label[searched_again] = np.flatnonzero(searched_again)
            return
        into = dict(zip(before_ranks.tolist(), after_ranks.tolist(), strict=True))
        joined: dict = {}

        def find(x: int) -> int:
            while x in joined:
                x = joined[x]
            return x

        for b, a in into.items():
            first, second = sorted((find(int(self._label[b])), find(int(self._label[a]))))
            if first != second:
                joined[second] = first
        if joined:
            rename = np.arange(len(self._by_rank))
            for old in joined:
                rename[old] = find(old)
            self._label = rename[self._label]


class _Vertices(Set):
    """The vertices of one component of a pairing's graph, read from its components as they stand
    rather than listed: a component of 10,000 vertices is found again after each of a thousand
    hides at 500,000 people."""

    def __init__(self, pairing: "_Pairing", component: int):
        self.pairing, self.component = pairing, component

    def _ranks(self) -> np.ndarray:
        return np.flatnonzero(self.pairing._component == self.component)

    def __contains__(self, vertex) -> bool:
        rank = self.pairing._rank_of.get(vertex)
        return rank is not None and self.pairing._component[rank] == self.component

    def __iter__(self):
        return (self.pairing._by_rank[rank] for rank in self._ranks().tolist())

    def __len__(self) -> int:
        return int(self._ranks().size)


class _Contracted:
    """Rule 5's graph of one pair of rounds as `_contract` leaves it (each contracted vertex by
    a rank of its own: its vertices, and its edges to the others with their people), kept up
    to date as hides merge this round's vertices, so that a hide costs what it changes rather
    than a search of the whole graph. It keeps the pairing's labels, components, states and cuts
    as a search would have left them.

    A vertex A handing all its nodes to B is A and B merged: the contracted vertices holding
    them become one, and A leaves the graph (its edges are B's now). Merging only adds weight
    between what is left, so contracting goes on from the merged vertex alone: an edge at it,
    or an edge between two of its neighbours (through which it is a common neighbour), may now
    join its ends. What contracting ends with does not depend on the order of its steps."""

    def __init__(self, pairing: "_Pairing", ends: np.ndarray, other_ends: np.ndarray, people: np.ndarray, threshold):
        self.pairing, self.threshold = pairing, threshold
        label, present = pairing._label, np.flatnonzero(pairing._component >= 0)
        self.members: dict[int, set] = defaultdict(set)
        for rank, own in zip(present.tolist(), label[present].tolist(), strict=True):
            self.members[own].add(rank)
        self.first = {own: min(ranks) for own, ranks in self.members.items()}  # each one's first vertex
        self.edges: dict[int, dict] = {own: {} for own in self.members}
        a, b = label[ends], label[other_ends]
        apart = a != b
        low, high = np.minimum(a, b)[apart], np.maximum(a, b)[apart]
        width = len(label)
        keys, where = np.unique(low * width + high, return_inverse=True)
        sums = np.bincount(where, weights=people[apart], minlength=keys.size).astype(np.int64)
        for x, y, weight in zip((keys // width).tolist(), (keys % width).tolist(), sums.tolist(), strict=True):
            self.edges[x][y] = self.edges[y][x] = weight

    def merge(self, moves: list[tuple[int, int]]) -> None:
        """Vertex `before` handed all its nodes to vertex `after`, for each (before, after) in
        order (ranks); then every component these touched is searched for a small cut again."""
        pairing, touched = self.pairing, set()
        for before, after in moves:
            before, after = int(before), int(after)
            if pairing._component[before] < 0:  # without people in either round: no edges
                continue
            own = int(pairing._label[before])
            if pairing._component[after] < 0:  # takes `before`'s place in its contracted vertex
                pairing._label[after], pairing._component[after] = own, pairing._component[before]
                self.members[own].add(after)
                self.first[own] = min(self.first[own], after)
            else:
                own = self._contract(own, int(pairing._label[after]))
            self.members[own].discard(before)
            if self.first[own] == before:
                self.first[own] = min(self.members[own])
            if own == before:  # named by a vertex still in the graph, as a search names it
                own = self._rename(own, self.first[own])
            pairing._label[before], pairing._component[before] = before, -1
            pairing._state[before] = _UNKNOWN
            pairing._cuts.pop(before, None)
            self._contract_further(own)
            touched.add(after)  # in the graph now, as `before` is not
        searched: set = set()
        for rank in touched:
            own = int(pairing._label[rank])
            if pairing._component[rank] >= 0 and own not in searched:  # (one that left: its heir is here)
                searched |= self._search(own)

    def _contract(self, x: int, y: int) -> int:
        """Makes the contracted vertices x and y one (named by the one with more vertices)."""
        if x == y:
            return x
        if len(self.members[x]) < len(self.members[y]):
            x, y = y, x
        edges, gone = self.edges[x], self.edges.pop(y)
        edges.pop(y, None)
        for z, weight in gone.items():
            if z == x:
                continue
            del self.edges[z][y]
            edges[z] = self.edges[z][x] = edges.get(z, 0) + weight
        moved = self.members.pop(y)
        self.members[x] |= moved
        self.first[x] = min(self.first[x], self.first.pop(y))
        self.pairing._label[list(moved)] = x
        return x

    def _rename(self, old: int, new: int) -> int:
        edges = self.edges[new] = self.edges.pop(old)
        for z in edges:
            self.edges[z][new] = self.edges[z].pop(old)
        members = self.members[new] = self.members.pop(old)
        self.first[new] = self.first.pop(old)
        self.pairing._label[list(members)] = new
        return new

    def _through(self, x: int, y: int) -> int:
        """The people of the two-edge paths between x and y: Σ over their common neighbours z of
        min(weight(x, z), weight(y, z))."""
        small, large = sorted((self.edges[x], self.edges[y]), key=len)
        return sum(min(weight, large[z]) for z, weight in small.items() if z in large)

    def _joined(self, x: int, y: int) -> bool:
        weight = self.edges[x][y]
        return weight >= self.threshold or weight + self._through(x, y) >= self.threshold

    def _contract_further(self, own: int) -> None:
        """Contracts around `own` until nothing more joins."""
        work = [own]
        while work:
            x = work.pop()
            if x not in self.edges:
                continue
            joined = next((z for z in self.edges[x] if self._joined(x, z)), None)
            if joined is not None:
                work.append(self._contract(x, joined))
                continue
            neighbours = self.edges[x]
            pair = next(
                ((y, z) for y in neighbours for z in self.edges[y] if z in neighbours and y < z and self._joined(y, z)),
                None,
            )
            if pair is not None:
                work += [self._contract(*pair), x]

    def _search(self, own: int) -> set:
        """Searches the component of the contracted vertex `own` for a small cut as
        `_cuts_of_contracted` does, and records what it finds: its contracted vertices."""
        pairing, component, stack = self.pairing, {own}, [own]
        while stack:
            for z in self.edges[stack.pop()]:
                if z not in component:
                    component.add(z)
                    stack.append(z)
        first = {x: self.first[x] for x in component}
        start = min(first.values())
        within = np.isin(pairing._label, list(component))  # (a vertex outside the graph is labelled itself)
        number = len(pairing._by_rank) + start  # (apart from the numbers a search gives)
        pairing._component[within] = number
        for key in [key for key in pairing._cuts if pairing._component[key] in (-1, number)]:
            del pairing._cuts[key]  # the cuts of what is now this component, or left the graph
        side = None
        if len(component) >= 2:
            light = [x for x in component if sum(self.edges[x].values()) < self.threshold]
            if light:
                side = self.members[min(light, key=first.__getitem__)]
            else:
                # on the contracted vertices named by their first vertex, edges in that order
                ordered = sorted(
                    (min(first[x], first[y]), max(first[x], first[y]), weight)
                    for x in component
                    for y, weight in self.edges[x].items()
                    if first[x] < first[y]
                )
                graph = networkx.Graph()
                graph.add_weighted_edges_from(ordered)
                value, (cut_side, _rest) = networkx.stoer_wagner(graph)
                if value < self.threshold:
                    named = {first[x]: x for x in component}
                    side = set().union(*(self.members[named[name]] for name in cut_side))
        pairing._state[within] = _CLEAN if side is None else _CUT
        if side is not None:
            pairing._cuts[start] = (number, np.sort(np.fromiter(side, dtype=np.int64)))
        return component


class _NowVertices:
    """This round's side of rule 5's graph as groups are hidden: each tree node's vertex
    (`vertex_of`: the residual holding it if that holds answers, else `_OUTSIDE`) and the same
    as codes (`code[slot[node]]`: 0 for `_OUTSIDE`, else 1 + the owner's slot)."""

    def __init__(self, nodes: list, vertex_of: dict):
        self.nodes, self.slot = nodes, {node: place for place, node in enumerate(nodes)}
        self.vertex_of, self.changes = {}, []  # changes: each vertex that gained or lost a node, in order
        self.held: Counter = Counter()  # vertex -> how many nodes it holds
        self.code = np.zeros(len(nodes) + 1, dtype=np.int64)  # the last: nodes outside the tree
        for node, vertex in vertex_of.items():
            self.set(node, vertex)

    def set(self, node, vertex) -> None:
        before = self.vertex_of.get(node)
        if before is not None:
            self.held[before] -= 1
        if before is not None and before != vertex:
            self.changes.extend((before, vertex))
        self.held[vertex] += 1
        self.vertex_of[node] = vertex
        self.code[self.slot[node]] = 0 if vertex == _OUTSIDE else self.slot[vertex[1]] + 1


def _small_cut(weights: Mapping, threshold: int) -> tuple[set, set] | None:
    """A cut of the graph weighing 1 to `threshold` - 1 — as (the vertices of its connected
    component, the vertices on one side) — or None when there is none.

    Two vertices joined by `threshold` or more edge-disjoint paths — here, an edge of that
    weight, or a direct edge and two-edge paths through common neighbours adding up to it — are
    on the same side of every small cut: they are contracted, until none are left. Contracting
    only ever adds weight between what is left, so the contracted graph is the same whatever the
    order of the steps; each contracted vertex is named by its first vertex in the order of their
    reprs, and the components are searched in that order, so the cut found does not depend on the
    order of `weights` either."""
    if not weights:
        return None
    vertices = sorted({vertex for edge in weights for vertex in edge}, key=repr)
    place = {vertex: code for code, vertex in enumerate(vertices)}
    u = np.fromiter((place[a] for a, _ in weights), dtype=np.int64, count=len(weights))
    v = np.fromiter((place[b] for _, b in weights), dtype=np.int64, count=len(weights))
    w = np.fromiter(weights.values(), dtype=np.int64, count=len(weights))
    found = _small_cut_codes(u, v, w, len(vertices), threshold)
    if found is None:
        return None
    within, side = found
    return {vertices[i] for i in within.tolist()}, {vertices[i] for i in side.tolist()}


def _through_common_neighbours(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int) -> np.ndarray:
    """For each edge (u[i], v[i]) of a simple graph (no parallel edges, no loops), the sum over
    the two ends' common neighbours x of min(weight(u, x), weight(v, x)): the weight of the
    edge-disjoint two-edge paths between them. Each edge walks the neighbours of its end with
    fewer of them."""
    source, target, weight = np.concatenate([u, v]), np.concatenate([v, u]), np.concatenate([w, w])
    order = np.lexsort((target, source))
    source, target, weight = source[order], target[order], weight[order]
    degree = np.bincount(source, minlength=n)
    start = np.concatenate([[0], np.cumsum(degree)])
    walker = np.where(degree[u] <= degree[v], u, v)
    other = np.where(walker == u, v, u)
    steps = degree[walker]
    edge = np.repeat(np.arange(u.size), steps)
    offset = np.arange(edge.size) - np.repeat(np.cumsum(steps) - steps, steps)
    at = start[walker][edge] + offset
    neighbour, to_neighbour = target[at], weight[at]
    keys = source * n + target  # sorted
    wanted = other[edge] * n + neighbour
    where = np.minimum(np.searchsorted(keys, wanted), keys.size - 1)
    common = keys[where] == wanted
    through = np.where(common, np.minimum(to_neighbour, weight[where]), 0)
    return np.bincount(edge, weights=through, minlength=u.size)


def _small_cut_codes(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int, threshold: int):
    """`_small_cut` on vertices numbered 0 to n − 1 in the order of their reprs, with the
    edges as arrays (parallel ones are added up): (the component's vertices, the side's) as
    arrays of those numbers, or None."""
    return next(iter(_cuts_of_contracted(*_contract(u, v, w, n, threshold), n, threshold, first=True)), None)


def _contract(u: np.ndarray, v: np.ndarray, w: np.ndarray, n: int, threshold: int, label=None) -> tuple:
    """Contracts, until none are left, the vertices joined by `threshold` or more edge-disjoint
    paths (see `_small_cut`): each vertex's contracted vertex (the first of those contracted with
    it), and the edges between contracted vertices, parallel ones added up, as arrays. `label`:
    vertices already known to be so joined, as each one's first (the same end, sooner)."""
    label = np.arange(n) if label is None else label.copy()

    def contract(a: np.ndarray, b: np.ndarray) -> None:
        """Contracts each pair (a[i], b[i]) of contracted vertices."""
        graph = scipy.sparse.coo_array((np.ones(a.size), (a, b)), shape=(n, n))
        _count, component = scipy.sparse.csgraph.connected_components(graph, directed=False)
        first = np.full(n, n)
        np.minimum.at(first, component, np.arange(n))
        label[:] = first[component[label]]

    while True:
        # the edges between contracted vertices, parallel ones added up
        a, b = label[u], label[v]
        apart = a != b
        low, high = np.minimum(a, b)[apart], np.maximum(a, b)[apart]
        pairs, where = np.unique(low * n + high, return_inverse=True)
        u, v, w = pairs // n, pairs % n, np.bincount(where, weights=w[apart]).astype(np.int64)
        heavy = w >= threshold
        if heavy.any():
            contract(u[heavy], v[heavy])
            continue
        joined = w + _through_common_neighbours(u, v, w, n) >= threshold
        if not joined.any():
            return label, u, v, w
        contract(u[joined], v[joined])


def _cuts_of_contracted(label, u, v, w, n: int, threshold: int, *, first: bool = False) -> list:
    """For each connected component of a graph contracted by `_contract` (its `label`s and the
    edges between contracted vertices), in the order of its first vertex: (its vertices, the
    vertices on one side of a cut of it weighing less than `threshold`, or None when it has no
    such cut), as arrays of vertex numbers. With `first`, only the first component with a small
    cut, if any. Each component's cut depends on its own edges alone, and on the order of its
    vertices, not on their numbers."""
    graph = scipy.sparse.coo_array((np.ones(u.size), (u, v)), shape=(n, n))
    _count, component = scipy.sparse.csgraph.connected_components(graph, directed=False)
    degree = np.bincount(u, weights=w, minlength=n) + np.bincount(v, weights=w, minlength=n)
    contracted = _sorted_unique(label)  # in order; a vertex without edges is a component of its own
    part = component[contracted]

    def holding(keys: np.ndarray):
        """key -> the vertices whose key it is, as a slice of one sort."""
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        return lambda key: order[np.searchsorted(ordered, key) : np.searchsorted(ordered, key, side="right")]

    in_part, in_label, edges_in_part = holding(component[label]), holding(label), holding(component[u])
    is_light = degree[contracted] < threshold
    light_parts, light_at = np.unique(part[is_light], return_index=True)
    light_of = dict(zip(light_parts.tolist(), contracted[is_light][light_at].tolist(), strict=True))
    parts, first_at, members_count = np.unique(part, return_index=True, return_counts=True)
    found = []
    for index in np.argsort(first_at).tolist():  # the components in the order of their first vertex
        this = int(parts[index])
        within = in_part(this)
        side = None
        if members_count[index] >= 2:
            light = light_of.get(this)
            if light is not None:
                side = in_label(light)
            else:
                inside = edges_in_part(this)  # in their order
                sub = networkx.Graph()
                sub.add_weighted_edges_from(
                    zip(u[inside].tolist(), v[inside].tolist(), w[inside].tolist(), strict=True)
                )
                value, (cut_side, _rest) = networkx.stoer_wagner(sub)
                if value < threshold:
                    side = np.concatenate([in_label(contracted_vertex) for contracted_vertex in cut_side])
        if side is not None:
            found.append((np.sort(within), np.sort(side)))
            if first:
                return found
        elif not first:
            found.append((np.sort(within), None))
    return [] if first else found


def _group_to_hide(
    component: set,
    side: set,
    groups: Iterable,
    vertex_of: Mapping,
    owner: Mapping,
    parents,
    size,
    *,
    largest: bool,
    across_only: bool = False,
):
    """The shown group of this round to hide against a small cut, of the shown `groups` in the
    cut's component: hiding a group moves its residual's people into the residual above, so the
    smallest group whose residual lies on the other side of the cut from the one above it;
    failing that, the smallest one in the cut's component whose residual above lies outside it;
    failing that, the smallest in it. With `largest`, the largest instead (a group to protect
    with noise rather than hide: the larger it is, the less noise it needs). With `across_only`,
    only a group of the first kind, or None."""

    def above(group):
        parent = parents.get(group)
        return vertex_of.get(owner.get(parent), _OUTSIDE) if parent is not None else _OUTSIDE

    ours, across, leaving = [], [], []  # in the component; across the cut; above it outside it
    for group in groups:
        here = vertex_of.get(group, _OUTSIDE)
        if here not in component:
            continue
        ours.append(group)
        there = above(group)
        if there not in component:
            leaving.append(group)
        elif (here in side) != (there in side):
            across.append(group)
    candidates = across if across_only else across or leaving or ours
    if not candidates:
        return None
    pick = max if largest else min
    return pick(candidates, key=lambda group: (size[group], repr(group)))


def decide(
    parents: Mapping[Hashable, Hashable | None],
    own: Mapping[Hashable, int],
    threshold: int,
    *,
    members: Mapping[Hashable, Collection[Hashable]] | None = None,
    answered: Collection[Hashable] = frozenset(),
    earlier: Iterable[ShownRound] = (),
    protect: bool = True,
) -> dict[Hashable, Decision]:
    """Which groups to show exactly, which with protective noise, which to hide. `parents`
    maps every node to its parent (None for a root); `own` gives each node's own respondents
    (missing: none). With `members` (who was invited, per node), who of them `answered`, and
    the `earlier` rounds an observer holds (their exactly shown groups), rules 4 and 5 decide
    which of the groups that rules 1–3 show keep exact figures; the others are protected (or,
    with `protect=False`, hidden as before)."""
    exact = _decide_exact(parents, own, threshold, members=members, answered=answered, earlier=earlier, largest=protect)
    if not protect or members is None or not any(d.reason == ACROSS_ROUNDS for d in exact.values()):
        return exact
    within = _decide_exact(parents, own, threshold)
    # A group shown within the round but not exactly across rounds is shown with noise. Taking
    # fewer groups exactly than rules 4 and 5 allow is safe: it only merges residuals.
    return {
        node: within[node] if within[node].suppressed else Decision(False, protected=exact[node].suppressed)
        for node in parents
    }


def noise_sources(
    parents: Mapping[Hashable, Hashable | None], own: Mapping[Hashable, int], decisions: Mapping[Hashable, Decision]
) -> dict[Hashable, tuple]:
    """Protected group -> the protected groups whose residual noise its figures carry.

    Each protected group whose residual (its respondents in no shown group below it) holds
    answers draws noise once for that residual. A protected group's totals are its true totals
    plus the noise of its own residual and of every protected residual below it that no exactly
    shown group stands between (an exact group's totals are shown as they are). Residuals do not
    overlap, so every person's answers are in one draw per round, however deeply their groups
    nest, and each draw can have the round's whole budget."""
    children, post_order = _tree_order(parents)
    shown = {node for node, decision in decisions.items() if not decision.suppressed}
    uncovered = _uncovered(own, parents, post_order, shown)
    reach: dict = {}
    for node in post_order:
        below = [r for c in children[node] if decisions[c].suppressed or decisions[c].protected for r in reach[c]]
        mine = [node] if decisions[node].protected and not decisions[node].suppressed and uncovered[node] else []
        reach[node] = tuple(mine + below)
    return {node: reach[node] for node, d in decisions.items() if d.protected and not d.suppressed}


def _decide_exact(
    parents: Mapping[Hashable, Hashable | None],
    own: Mapping[Hashable, int],
    threshold: int,
    *,
    members: Mapping[Hashable, Collection[Hashable]] | None = None,
    answered: Collection[Hashable] = frozenset(),
    earlier: Iterable[ShownRound] = (),
    largest: bool = False,
) -> dict[Hashable, Decision]:
    """Rules 1 to 5: which groups may be shown exactly. With `largest`, rules 4 and 5 take
    the largest group out of the exact ones where they have a choice (it is then protected,
    and a larger group needs less noise), instead of hiding the smallest."""
    children, post_order = _tree_order(parents)
    size: dict = {}
    for node in post_order:
        size[node] = own.get(node, 0) + sum(size[c] for c in children[node])

    earlier = list(earlier) if members is not None else []
    answered = frozenset(answered)
    groups: dict = {}
    if earlier:
        for node in post_order:
            groups[node] = frozenset(members.get(node, ())).union(*(groups[c] for c in children[node]))
    verdicts: dict = {}

    def leaks_across_rounds(node, shown: set) -> str:
        """ "", or which of the node's atoms ("group" or "residual") another round singles out."""
        if not earlier:
            return ""
        boundary = frozenset(_shown_below(node, children, shown))
        if (node, boundary) not in verdicts:
            verdict = "" if _differs_safely(groups[node], answered, earlier, threshold) else "group"
            if boundary and not verdict:
                residual = groups[node].difference(*(groups[b] for b in boundary))
                verdict = "" if _differs_safely(residual, answered, earlier, threshold) else "residual"
            verdicts[node, boundary] = verdict
        return verdicts[node, boundary]

    def shown_above(node, shown: set):
        parent = parents.get(node)
        while parent is not None and parent not in shown:
            parent = parents.get(parent)
        return parent

    def pass_up(node, shown: set, sign: int) -> None:
        """Keeps `uncovered` right when `node` stops (+1) or starts (−1) being shown: its
        uncovered respondents move into, or out of, the nodes above it up to the nearest shown one."""
        amount, parent = uncovered[node], parents.get(node)
        while parent is not None and parent in uncovered:
            uncovered[parent] += sign * amount
            if parent in shown:
                break
            parent = parents.get(parent)

    shown = {node for node in parents if size[node] >= threshold}
    hidden_for: dict = {}  # node -> COMPLEMENTARY or ACROSS_ROUNDS
    uncovered = _uncovered(own, parents, post_order, shown)
    # Rules 2 and 4 hide the first failing group in post order, one at a time. Hiding a group
    # changes only the shown group right above it (its uncovered respondents and its boundary),
    # so the groups before `checked[rule]` in post order, found not failing, stay so, except
    # those put back in `again[rule]` (a heap of places) since: each search goes on from where
    # it stopped, not from the start.
    position = {node: index for index, node in enumerate(post_order)}
    checked = {2: 0, 4: 0}
    again: dict[int, list] = {2: [], 4: []}

    def fails(rule: int, node) -> bool:
        if node not in shown:
            return False
        return _unsafe(node, uncovered, threshold) if rule == 2 else bool(leaks_across_rounds(node, shown))

    def first_failing(rule: int):
        while again[rule]:
            if fails(rule, post_order[again[rule][0]]):
                return post_order[again[rule][0]]
            heapq.heappop(again[rule])
        while checked[rule] < len(post_order) and not fails(rule, post_order[checked[rule]]):
            checked[rule] += 1
        return post_order[checked[rule]] if checked[rule] < len(post_order) else None

    def hide_group(hide, reason: str) -> None:
        shown.discard(hide)
        pass_up(hide, shown, +1)
        hidden_for[hide] = reason
        above = shown_above(hide, shown)
        if above is not None:
            for rule in checked:
                if position[above] < checked[rule]:
                    heapq.heappush(again[rule], position[above])

    while True:
        node = first_failing(2)
        if node is not None:
            candidates = [c for c in _shown_below(node, children, shown) if uncovered[c] > 0]
            hide_group(min(candidates, key=lambda c: (size[c], repr(c))) if candidates else node, COMPLEMENTARY)
            continue
        node = first_failing(4)
        if node is None:
            break
        hide = node
        if leaks_across_rounds(node, shown) == "residual" and not largest:
            # As in rule 2, merging the smallest shown sub-group into the residual changes it
            # by at least `threshold` people, and keeps the larger group shown.
            candidates = [c for c in _shown_below(node, children, shown) if uncovered[c] > 0]
            hide = min(candidates, key=lambda c: (size[c], repr(c))) if candidates else node
        hide_group(hide, ACROSS_ROUNDS)

    # Show again what hiding does not protect (largest first: the most useful results). Adding
    # a group changes only its own atoms and the residual of the shown group right above it
    # (every other shown group's residual stays as it is, and safe).
    changed = True
    while changed:
        changed = False
        for node in sorted(hidden_for, key=lambda n: (-size[n], repr(n))):
            above = shown_above(node, shown)
            moved = uncovered[node]
            if 0 < moved < threshold or (above is not None and 0 < uncovered[above] - moved < threshold):
                continue
            shown.add(node)  # on trial
            if leaks_across_rounds(node, shown) or (above is not None and leaks_across_rounds(above, shown)):
                shown.discard(node)
                continue
            pass_up(node, shown, -1)
            changed = True
            del hidden_for[node]

    # Rule 5: no combination of this round's shown totals and another round's singles anyone out.
    if earlier:
        node_of = {person: node for node, people in members.items() for person in people}
        now = _Dense.of(members, answered)
        pairings = [_Pairing(node_of, answered, shown_round, now) for shown_round in earlier]
        # This round's side of the graph: each tree node's residual owner, and its vertex (that
        # residual, if it holds answers). Hiding a group only hands its residual to the owner
        # above, so both are kept up to date as groups are hidden rather than worked out again.
        uncovered = _uncovered(own, parents, post_order, shown)
        owner = _owners(parents, shown, post_order)

        def vertex(node):
            held_by = owner[node]
            return ("now", held_by) if held_by is not None and uncovered[held_by] else _OUTSIDE

        view = _NowVertices(list(parents), {node: vertex(node) for node in parents})
        # the shown groups whose residual holds no answers: their vertex is _OUTSIDE (every
        # other shown group's is its own residual)
        unanswered = {group for group in shown if not uncovered[group]}

        def groups_in(component: set) -> list:
            """The shown groups whose vertex is in the component."""
            groups = [vertex[1] for vertex in component if vertex[0] == "now"]
            return groups + list(unanswered) if _OUTSIDE in component else groups

        def group_to_hide(component: set, side: set):
            """`_group_to_hide` of the component's groups. When `side` does not hold _OUTSIDE,
            the groups whose residual lies across the cut from the one above it are among those
            whose residual, or the residual right above, is a vertex of `side`: those are looked
            at first, and the whole component only when none of them is."""
            if _OUTSIDE not in side:
                near = [vertex[1] for vertex in side if vertex[0] == "now"]
                groups = near + [group for held in near for group in _shown_below(held, children, shown)]
                hide = _group_to_hide(
                    component, side, groups, view.vertex_of, owner, parents, size, largest=largest, across_only=True
                )
                if hide is not None:
                    return hide
            return _group_to_hide(
                component, side, groups_in(component), view.vertex_of, owner, parents, size, largest=largest
            )

        def residual(group) -> list:
            """The tree nodes whose owner is `group`: it, and what is below it down to shown groups."""
            found, stack = [group], list(children[group])
            while stack:
                node = stack.pop()
                if node not in shown:
                    found.append(node)
                    stack.extend(children[node])
            return found

        def hide_across_rounds(hide) -> None:
            shown.discard(hide)
            hidden_for[hide] = ACROSS_ROUNDS
            parent = parents.get(hide)
            above = owner[parent] if parent is not None else None
            had_answers = above is not None and uncovered[above] > 0
            pass_up(hide, shown, +1)
            unanswered.discard(hide)
            if above is not None and uncovered[above]:
                unanswered.discard(above)
            moved = residual(hide)
            for node in moved:
                owner[node] = above
            # the owner above now holds answers it did not: every node it holds changes vertex
            for node in residual(above) if above is not None and not had_answers else moved:
                view.set(node, vertex(node))

        hid = True
        while hid:  # hiding merges this round's vertices; once more over all rounds after a hide
            hid = False
            for pairing in pairings:
                while True:
                    cut = pairing.small_cut(view, threshold)
                    if cut is None:
                        break
                    hide = group_to_hide(*cut)
                    if hide is None:
                        # A cut with none of this round's groups in it lies in the other round
                        # alone, as when the threshold was raised since: nothing here changes it.
                        # Its component comes last (this round's vertices come first in the
                        # order of reprs, and every other component holds one): none is left.
                        break
                    hide_across_rounds(hide)
                    hid = True

    return {
        node: Decision(False) if node in shown else Decision(True, hidden_for.get(node, BELOW_THRESHOLD))
        for node in parents
    }
