"""Small-group suppression: no group under the minimum is shown, nor recoverable by subtraction.

Groups form a tree: the whole population, then e.g. regions, municipalities in a region, and
workplaces in a municipality (or just roles). A count is *known* to a reader when it is shown,
or when every part of it is known (the parts add up to it). Hiding the groups under the
minimum (primary suppression) is not enough: a known total minus its known parts gives the one
hidden part left. So, until nothing changes, wherever a known group has exactly one unknown
part, one more part is hidden (secondary suppression): the smallest one whose hiding makes it
unknown, so as little as possible is lost.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from enum import StrEnum

#: Groups with fewer respondents than this are never shown.
MINIMUM_GROUP = 5


class Hidden(StrEnum):
    """Why a group is not shown."""

    small = "small"  # fewer respondents than the minimum
    subtraction = "subtraction"  # it could be recovered from a total and the other groups


def suppress(
    counts: Mapping[Hashable, int],
    parent: Mapping[Hashable, Hashable | None],
    minimum: int = MINIMUM_GROUP,
    also: frozenset[Hashable] = frozenset(),
) -> dict[Hashable, Hidden]:
    """The hidden groups, with the reason: `counts` is each group's respondents and `parent`
    the group each lies in (None for the top). The parts of a group must add up to it: give
    respondents without an answer a group of their own ("not given") rather than leaving
    them out. `also` are groups to hide from the start because another table gives them away
    (hidden as "subtraction").
    """
    hidden: dict[Hashable, Hidden] = {g: Hidden.small for g, n in counts.items() if n < minimum}
    for group in also:
        hidden.setdefault(group, Hidden.subtraction)
    children: dict[Hashable, list[Hashable]] = {}
    for group, above in parent.items():
        if above is not None:
            children.setdefault(above, []).append(group)

    def known(group: Hashable) -> bool:
        if group not in hidden:
            return True
        parts = children.get(group, [])
        return bool(parts) and all(known(part) for part in parts)

    def stays_known(part: Hashable) -> bool:
        """Whether hiding the part leaves it known (its own parts are all known)."""
        parts_of = children.get(part, [])
        return bool(parts_of) and all(known(c) for c in parts_of)

    def make_unknown(group: Hashable) -> None:
        """Hide the group, and as many of its parts (and theirs) as it takes not to know it."""
        hidden.setdefault(group, Hidden.subtraction)
        while known(group):
            parts_known = [p for p in children[group] if known(p)]
            make_unknown(min(parts_known, key=lambda p: (counts[p], str(p))))

    changed = True
    while changed:
        changed = False
        for group, parts in children.items():
            if not known(group):
                continue
            unknown = [part for part in parts if not known(part)]
            if len(unknown) != 1:
                continue
            # Hide a second part: a shown one before a hidden one known through its parts, one
            # that hiding makes unknown before one that needs its parts hidden too, the smallest.
            candidate = min(
                (part for part in parts if part not in unknown),
                key=lambda p: (p in hidden, stays_known(p), counts[p], str(p)),
            )
            make_unknown(candidate)
            changed = True
    return hidden
