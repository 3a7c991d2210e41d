"""Small-group suppression: groups under the minimum are hidden, and so is whatever would
let a reader get one of them back by subtraction."""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable

from hypothesis import given, settings
from hypothesis import strategies as st

from kurskit.insight.suppression import MINIMUM_GROUP, Hidden, suppress

Tree = tuple[dict[Hashable, int], dict[Hashable, Hashable | None]]


def tree(counts: dict[tuple[str, ...], int]) -> Tree:
    """Counts keyed by path from the top (() is the top); each node's parent is its path less
    the last step."""
    parent: dict[Hashable, Hashable | None] = {
        node: (node[:-1] if node else None) for node in counts
    }
    return dict(counts), parent


def test_the_minimum_is_five() -> None:
    assert MINIMUM_GROUP == 5


def test_a_small_part_and_the_smallest_other_part_are_hidden() -> None:
    # 20 = 12 + 3 + 5: B (3) is small; were C shown, B = 20 - 12 - 5 = 3, so C goes too
    # (C, 5, is smaller than A, 12).
    counts, parent = tree({(): 20, ("A",): 12, ("B",): 3, ("C",): 5})
    assert suppress(counts, parent) == {("B",): Hidden.small, ("C",): Hidden.subtraction}


def test_suppression_stays_inside_the_municipality_that_needs_it() -> None:
    # R 30 = M1 8 + M2 22; M1 8 = L1 6 + L2 2; M2 22 = L3 22. L2 (2) is small; M1 is shown, so
    # L1 = 8 - L2 would give it away: L1 is hidden. R and M2 have no unknown part.
    counts, parent = tree(
        {
            (): 30,
            ("M1",): 8,
            ("M1", "L1"): 6,
            ("M1", "L2"): 2,
            ("M2",): 22,
            ("M2", "L3"): 22,
        }
    )
    assert suppress(counts, parent) == {
        ("M1", "L2"): Hidden.small,
        ("M1", "L1"): Hidden.subtraction,
    }


def test_a_part_whose_parts_are_shown_is_not_hidden_when_a_leaf_will_do() -> None:
    # 40 = A 4 + B 16 + C 20, B = b1 8 + b2 8. Hiding B would not help (B = 8 + 8 is still
    # known, so A = 40 - 16 - 20), so C is hidden although it is larger than B.
    counts, parent = tree(
        {(): 40, ("A",): 4, ("B",): 16, ("B", "b1"): 8, ("B", "b2"): 8, ("C",): 20}
    )
    assert suppress(counts, parent) == {("A",): Hidden.small, ("C",): Hidden.subtraction}


def test_nothing_is_hidden_when_every_group_is_large_enough() -> None:
    counts, parent = tree({(): 25, ("A",): 5, ("B",): 20, ("B", "b1"): 5, ("B", "b2"): 15})
    assert suppress(counts, parent) == {}


def test_two_small_parts_protect_each_other() -> None:
    # 20 - 13 = 7 = A + B, but 3 and 4 cannot be told apart: nothing more is hidden.
    counts, parent = tree({(): 20, ("A",): 3, ("B",): 4, ("C",): 13})
    assert suppress(counts, parent) == {("A",): Hidden.small, ("B",): Hidden.small}


def test_the_minimum_can_be_chosen() -> None:
    counts, parent = tree({(): 20, ("A",): 12, ("B",): 3, ("C",): 5})
    assert suppress(counts, parent, minimum=3) == {}
    assert suppress(counts, parent, minimum=6) == {
        ("B",): Hidden.small,
        ("C",): Hidden.small,
    }


def test_a_small_region_is_not_given_away_by_a_one_library_region_beside_it() -> None:
    # All 20 = R1 17 + R2 3; R1 has one municipality M1 (17) with one library W1 (17), R2 one
    # municipality M2 (3) with one library W2 (3). R2, M2 and W2 are small. Hiding R1 and M1
    # does not help while W1 (17) is shown: R2 = 20 - 17 = 3.
    counts, parent = tree(
        {
            (): 20,
            ("R1",): 17,
            ("R1", "M1"): 17,
            ("R1", "M1", "W1"): 17,
            ("R2",): 3,
            ("R2", "M2"): 3,
            ("R2", "M2", "W2"): 3,
        }
    )
    hidden = suppress(counts, parent)
    assert ("R2",) not in known_to_a_reader(counts, parent, set(hidden))


def random_tree(draw_parts: Callable[[int], int], draw_count: Callable[[], int]) -> Tree:
    """A tree grown from the top: `draw_parts(depth)` parts per node (0: a leaf), a leaf has
    `draw_count()` respondents and an inner node the sum of its parts, as suppress requires."""
    counts: dict[tuple[str, ...], int] = {}

    def grow(node: tuple[str, ...], depth: int) -> int:
        parts = draw_parts(depth)
        if parts == 0:
            counts[node] = draw_count()
        else:
            counts[node] = sum(grow((*node, str(i)), depth + 1) for i in range(parts))
        return counts[node]

    grow((), 0)
    return tree(counts)


def known_to_a_reader(
    counts: dict[Hashable, int], parent: dict[Hashable, Hashable | None], hidden: set[Hashable]
) -> set[Hashable]:
    """Every count a reader can work out: the shown ones, then, until nothing changes, a group
    whose parts are all known (their sum) and a part whose group and other parts are known (the
    difference)."""
    parts = parts_of(parent)
    known = {node for node in counts if node not in hidden}
    grew = True
    while grew:
        grew = False
        for node in counts:
            below = parts.get(node, [])
            if node not in known and below and all(part in known for part in below):
                known.add(node)
                grew = True
            if node in known:
                missing = [part for part in below if part not in known]
                if len(missing) == 1:
                    known.add(missing[0])
                    grew = True
    return known


def parts_of(parent: dict[Hashable, Hashable | None]) -> dict[Hashable, list[Hashable]]:
    parts: dict[Hashable, list[Hashable]] = {}
    for node, above in parent.items():
        if above is not None:
            parts.setdefault(above, []).append(node)
    return parts


def check_suppression(drawn: Tree) -> None:
    """Every group under the minimum is hidden and cannot be worked out, and no known group
    (shown, or all of its parts known) has exactly one unknown part."""
    counts, parent = drawn
    hidden = suppress(counts, parent)
    small = {node for node, n in counts.items() if n < MINIMUM_GROUP}
    assert {node for node, why in hidden.items() if why == Hidden.small} == small
    assert set(hidden) <= set(counts)
    parts = parts_of(parent)

    def known(node: Hashable) -> bool:
        below = parts.get(node, [])
        return node not in hidden or (bool(below) and all(known(part) for part in below))

    for node in counts:
        if known(node):
            assert sum(not known(part) for part in parts.get(node, [])) != 1, (node, hidden)
    assert not small & known_to_a_reader(counts, parent, set(hidden))


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_no_small_group_can_be_worked_out_in_two_level_trees(data: st.DataObject) -> None:
    # The whole population, its parts, and theirs (e.g. municipalities and their libraries).
    drawn = random_tree(
        lambda depth: data.draw(st.integers(1 if depth == 0 else 0, 5)) if depth < 2 else 0,
        lambda: data.draw(st.integers(1, 20)),
    )
    check_suppression(drawn)


def test_no_small_group_can_be_worked_out_in_three_level_trees() -> None:
    # The report's place tree: all, regions, municipalities, libraries; 500 seeded trees.
    rng = random.Random(2026)
    for _ in range(500):
        drawn = random_tree(
            lambda depth: rng.randint(1 if depth == 0 else 0, 4) if depth < 3 else 0,
            lambda: rng.randint(1, 20),
        )
        check_suppression(drawn)
