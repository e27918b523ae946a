"""What the desk accepts as a password, and argon2id as configured — once at its real,
default cost."""

from __future__ import annotations

import pytest

from wiredesk.config import DeskSettings
from wiredesk.desk.passwords import Hasher, WeakPassword, check_password

CHEAP = DeskSettings(password_time_cost=1, password_memory_kib=8, password_parallelism=1)


@pytest.mark.parametrize(
    ("password", "said"),
    [
        ("", "empty"),
        (" " * 20, "empty"),
        ("eleven char", "has 11 characters; use at least 12"),
        ("x" * 1025, "longer than 1024"),
        ("my name is Asha, hi", "contains the user's name"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(password: str, said: str) -> None:
    with pytest.raises(WeakPassword, match=said):
        check_password("asha", password)


def test_a_long_enough_password_is_accepted_whatever_its_script() -> None:
    check_password("asha", "twelve chars")
    check_password("asha", "मेरा गुप्त शब्द")  # 15 characters of Devanagari


def test_a_hash_verifies_its_password_and_no_other() -> None:
    hasher = Hasher(CHEAP)
    stored = hasher.hash("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=8,t=1,p=1$")
    assert "correct horse battery" not in stored
    assert hasher.verify(stored, "correct horse battery")
    assert not hasher.verify(stored, "correct horse batterY")
    assert not hasher.verify("not a hash at all", "correct horse battery")
    assert hasher.hash("correct horse battery") != stored  # salted


def test_the_same_letters_composed_differently_are_the_same_password() -> None:
    """ "क़" typed as one code point or as क + nukta (a phone and a laptop) must both work."""
    hasher = Hasher(CHEAP)
    one_point = "\u0958लम और काग़ज़ ले आओ"  # क़ as U+0958
    two_points = "\u0915\u093cलम और काग़ज़ ले आओ"  # क + ़
    assert one_point != two_points
    assert hasher.verify(hasher.hash(one_point), two_points)
    assert hasher.verify(hasher.hash(two_points), one_point)
    precomposed, combining = "caf\u00e9 au lait, please", "cafe\u0301 au lait, please"
    assert hasher.verify(hasher.hash(precomposed), combining)


def test_the_default_cost_is_rfc_9106s_low_memory_choice_and_older_hashes_need_a_rehash() -> None:
    """The real defaults, once (a fraction of a second and 64 MiB)."""
    real = Hasher(DeskSettings())
    stored = real.hash("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert real.verify(stored, "correct horse battery")
    assert not real.needs_rehash(stored)
    assert real.needs_rehash(Hasher(CHEAP).hash("correct horse battery"))
    assert Hasher(CHEAP).needs_rehash(stored)
