"""The state table itself: pure checks, no ledger file."""

from __future__ import annotations

from typing import get_args

import pytest

from vidcamp.ledger.states import (
    AWAITING_APPROVAL,
    BYTES_DELIVERED_FROM,
    CLAIMABLE,
    PHASES,
    PUBLISHED,
    QUEUED,
    STATES,
    TRANSITIONS,
    IllegalMove,
    State,
    allowed,
    bytes_delivered,
    check_move,
)


def reachable(start: State | None, *, avoiding: frozenset[State] = frozenset()) -> set[State]:
    seen: set[State] = set()
    todo = list(TRANSITIONS[start])
    while todo:
        state = todo.pop()
        if state in seen or state in avoiding:
            continue
        seen.add(state)
        todo.extend(TRANSITIONS.get(state, {}))
    return seen


def test_the_table_names_only_known_states_and_every_state_has_a_row() -> None:
    assert set(STATES) == set(get_args(State))
    assert set(TRANSITIONS) == {None, *STATES}
    for targets in TRANSITIONS.values():
        assert set(targets) <= set(STATES)
        assert all(reason for reason in targets.values())


def test_every_state_is_reachable_from_a_new_post() -> None:
    assert reachable(None) == set(STATES)


def test_only_an_upload_publishes() -> None:
    into_published = {s for s, targets in TRANSITIONS.items() if PUBLISHED in targets}
    assert into_published == {"uploading", "processing"}


def test_an_unapproved_post_reaches_an_upload_only_through_approval() -> None:
    # from awaiting approval, every path to a claimable state passes "queued" via "approved"
    assert TRANSITIONS[AWAITING_APPROVAL][QUEUED] == "approved"
    assert not set(TRANSITIONS[AWAITING_APPROVAL]) & {"uploading", "processing", "published"}
    assert AWAITING_APPROVAL not in CLAIMABLE and "rejected" not in CLAIMABLE
    assert reachable(AWAITING_APPROVAL, avoiding=frozenset({QUEUED})) & {"uploading", "published"} == set()


def test_staying_put_is_allowed_and_an_unlisted_move_is_not() -> None:
    assert allowed("failed", "failed")
    check_move(None, QUEUED)
    with pytest.raises(IllegalMove, match="cannot go from published to uploading"):
        check_move(PUBLISHED, "uploading")
    with pytest.raises(IllegalMove, match="from nothing to published"):
        check_move(None, PUBLISHED)
    with pytest.raises(IllegalMove):
        check_move("cancelled", "uploading")


@pytest.mark.parametrize("platform", sorted(PHASES))
def test_each_platform_phase_says_whether_the_bytes_are_delivered(platform: str) -> None:
    phases = PHASES[platform]
    assert phases[0] == "new" and phases[-1] == "done"
    first = phases.index(BYTES_DELIVERED_FROM[platform])
    assert [bytes_delivered(platform, p) for p in phases] == [
        i >= first for i in range(len(phases))
    ]


def test_an_unknown_phase_or_platform_is_refused_not_guessed() -> None:
    with pytest.raises(IllegalMove, match="youtube uploads have no phase 'finishing'"):
        bytes_delivered("youtube", "finishing")
    with pytest.raises(IllegalMove):
        bytes_delivered("tiktok", "new")
