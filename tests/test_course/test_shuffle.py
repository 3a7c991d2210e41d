"""Shuffled items: a keyed order that reveals nothing without the site's key."""

from __future__ import annotations

import itertools
import stat
from pathlib import Path

import pytest

from kurskit.course import learner_view, parse_question
from kurskit.course.shuffle import KEY_VARIABLE, shuffle_key, shuffled, stored_key

KEY_A = b"a" * 32
KEY_B = b"b" * 32
ITEMS = ["første", "andre", "tredje", "fjerde", "femte"]


def test_the_order_is_a_pure_function_of_key_and_id() -> None:
    first = shuffled(list(ITEMS), question_id="q-rekkefolge", key=KEY_A)
    assert sorted(first) == sorted(ITEMS)
    assert shuffled(list(ITEMS), question_id="q-rekkefolge", key=KEY_A) == first
    assert shuffled(ITEMS, question_id="q-rekkefolge", key=bytes(KEY_A)) == first


def test_another_key_gives_another_order() -> None:
    ids = [f"q{n}" for n in range(20)]
    differing = [
        qid
        for qid in ids
        if shuffled(ITEMS, question_id=qid, key=KEY_A)
        != shuffled(ITEMS, question_id=qid, key=KEY_B)
    ]
    assert len(differing) >= 15  # 119 of 120 orders differ from any given one


def test_two_items_show_the_right_order_about_half_the_time() -> None:
    # Never showing the written order would show the exact reverse of every 2-item answer.
    right = sum(
        shuffled(["a", "b"], question_id=f"q{n}", key=KEY_A) == ["a", "b"] for n in range(1000)
    )
    assert 430 <= right <= 570


def test_every_order_comes_out() -> None:
    seen = {tuple(shuffled(["a", "b", "c"], question_id=f"q{n}", key=KEY_A)) for n in range(300)}
    assert seen == set(itertools.permutations(["a", "b", "c"]))


def test_the_key_file_is_made_once_private_and_kept(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "kurskit"
    key = stored_key(folder)
    path = folder / "shuffle.key"
    assert len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stored_key.cache_clear()
    assert stored_key(folder) == key
    assert [p.name for p in folder.iterdir()] == ["shuffle.key"]  # no temporary left


def test_a_damaged_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "shuffle.key").write_bytes(b"short")
    with pytest.raises(ValueError, match="not a kurskit shuffle key"):
        stored_key(tmp_path)


def test_the_key_lives_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(KEY_VARIABLE)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    key = shuffle_key()
    assert (tmp_path / "kurskit" / "shuffle.key").read_bytes() == key
    assert shuffle_key() == key


def test_the_variable_wins_and_must_be_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_VARIABLE, "x" * 40)
    assert shuffle_key() == b"x" * 40
    monkeypatch.setenv(KEY_VARIABLE, "kort")
    with pytest.raises(ValueError, match="at least 32"):
        shuffle_key()


def test_graded_ordering_views_follow_the_site_key(monkeypatch: pytest.MonkeyPatch) -> None:
    def shown(question_id: str) -> list[str]:
        spec = parse_question(
            {"id": question_id, "type": "ordering", "prompt": "?", "graded": True, "items": ITEMS}
        )
        return [item["text"] for item in learner_view(spec)["items"]]

    ids = [f"q{n}" for n in range(10)]
    monkeypatch.setenv(KEY_VARIABLE, "A" * 32)
    with_a = [shown(qid) for qid in ids]
    monkeypatch.setenv(KEY_VARIABLE, "B" * 32)
    assert [shown(qid) for qid in ids] != with_a
    assert shown("q0") == shuffled(ITEMS, question_id="q0", key=b"B" * 32)
