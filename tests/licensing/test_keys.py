"""L-2: license keys have a fixed, human-typable format with a check character."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from partnerdesk.licensing import keys


def test_l2_generated_keys_have_five_groups_of_five() -> None:
    key = keys.generate()
    groups = key.split("-")
    assert len(groups) == 5
    assert all(len(g) == 5 for g in groups)
    assert keys.normalize(key) == key


def test_l2_typed_key_is_normalised_case_spaces_and_confusable_letters() -> None:
    key = keys.generate()
    typed = key.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert keys.normalize(typed) == key


@given(st.data())
def test_l2_any_single_character_typo_is_rejected_before_lookup(data) -> None:
    key = keys.generate()
    compact = key.replace("-", "")
    position = data.draw(st.integers(0, len(compact) - 1))
    alphabet = keys.ALPHABET if position < len(compact) - 1 else keys.CHECK_ALPHABET
    replacement = data.draw(st.sampled_from([c for c in alphabet if c != compact[position]]))
    typo = compact[:position] + replacement + compact[position + 1 :]
    with pytest.raises(keys.MalformedKey):
        keys.normalize(typo)


def test_l2_swapped_neighbours_are_rejected() -> None:
    for _ in range(50):
        compact = keys.generate().replace("-", "")
        for i in range(len(compact) - 2):
            if compact[i] != compact[i + 1]:
                swapped = compact[:i] + compact[i + 1] + compact[i] + compact[i + 2 :]
                with pytest.raises(keys.MalformedKey):
                    keys.normalize(swapped)
                break


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ABCDE-12345", "has 25 characters"),
        ("", "has 25 characters"),
        ("ABCDE-12345-ABCDE-12345-ABCD#", "characters that keys never use"),
    ],
)
def test_l2_malformed_keys_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(keys.MalformedKey, match=message):
        keys.normalize(text)


def test_l2_only_a_hash_and_a_short_suffix_identify_a_key() -> None:
    key = keys.generate()
    digest = keys.key_hash(key)
    assert key not in digest
    assert len(digest) == 64
    assert keys.suffix(key) == key[-5:]
