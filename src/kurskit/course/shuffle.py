"""The order learners see shuffled items in: a keyed hash of the question, so it reveals nothing."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import warnings
from functools import cache
from pathlib import Path
from typing import Any

#: A site's shuffle key, for a hub or CI that sets one (at least 32 characters); it wins over
#: the key file. Never set it where learners' code runs.
KEY_VARIABLE = "KURSKIT_SHUFFLE_KEY"
KEY_FILE = "shuffle.key"
KEY_BYTES = 32
MIN_VARIABLE_LENGTH = 32


def shuffled(items: list[Any], *, question_id: str, key: bytes | None = None) -> list[Any]:
    """The items in the order learners see, a pure function of (key, question id, items).

    Each position gets HMAC-SHA256(key, question id + position) and the items are sorted by
    it: without the key, the shown order is a uniformly random permutation and says nothing
    about the written (right) order. Every order can come out, the written one included, with
    probability 1/n!: refusing it would leak, since a 2-item question would then always show
    the exact reverse of its answer (and 3 items would rule out one of six orders).
    """
    secret = shuffle_key() if key is None else key
    ranks = [
        hmac.new(secret, f"{question_id}\x1f{position}".encode(), hashlib.sha256).digest()
        for position in range(len(items))
    ]
    return [items[position] for position in sorted(range(len(items)), key=ranks.__getitem__)]


def shuffle_key() -> bytes:
    """The site's shuffle key: `KURSKIT_SHUFFLE_KEY`, else a random key kept in the user data
    folder (on Linux `~/.local/share/kurskit/shuffle.key`, mode 0600), made on first use.

    Builds on one machine therefore show the same order every time (the book's incremental
    builds rely on stable output), and nobody without the key can recompute it.
    """
    value = os.environ.get(KEY_VARIABLE)
    if value is not None:
        if len(value) < MIN_VARIABLE_LENGTH:
            raise ValueError(
                f"{KEY_VARIABLE} must be at least {MIN_VARIABLE_LENGTH} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_hex(32))'`)"
            )
        return value.encode()
    import platformdirs

    folder = platformdirs.user_data_path("kurskit")
    try:
        return stored_key(folder)
    except OSError as error:
        warnings.warn(
            f"cannot keep a shuffle key in {folder} ({error}); this process uses a random one, "
            "so shuffled items come out in another order next time",
            UserWarning,
            stacklevel=2,
        )
        return _process_key()


@cache
def stored_key(folder: Path) -> bytes:
    """The key in `folder/shuffle.key`, made (random, mode 0600) when there is none.

    The key is written to a private temporary file and linked into place, so a process racing
    this one never reads half a key: the first link wins and everyone reads that key.
    """
    path = folder / KEY_FILE
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as file:
                file.write(secrets.token_bytes(KEY_BYTES))
            with contextlib.suppress(FileExistsError):  # another process linked first
                os.link(temporary, path)
        finally:
            temporary.unlink()
    key = path.read_bytes()
    if len(key) != KEY_BYTES:
        raise ValueError(f"{path} is not a kurskit shuffle key; delete it to make a new one")
    return key


@cache
def _process_key() -> bytes:
    return secrets.token_bytes(KEY_BYTES)
