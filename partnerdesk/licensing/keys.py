"""License key format (L-2): five groups of five characters, the last one a check character.

The alphabet leaves out I, L, O and U so that keys read aloud or typed from paper are not
confused; the check character catches every single-character typo and every swap of two
neighbouring characters before any database lookup.
"""

from __future__ import annotations

import hashlib
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32
CHECK_ALPHABET = ALPHABET + "*~$=U"  # 37 symbols: the check is mod 37, a prime
GROUPS = 5
GROUP_LEN = 5
BODY_LEN = GROUPS * GROUP_LEN - 1
_TYPO_MAP = str.maketrans({"O": "0", "I": "1", "L": "1"})


class MalformedKey(ValueError):
    """The text is not a well-formed license key."""


def _check_char(body: str) -> str:
    total = 0
    for position, char in enumerate(body):
        total += (position + 1) * ALPHABET.index(char)
    return CHECK_ALPHABET[total % 37]


def generate() -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LEN))
    return format_key(body + _check_char(body))


def format_key(compact: str) -> str:
    return "-".join(compact[i : i + GROUP_LEN] for i in range(0, len(compact), GROUP_LEN))


def normalize(text: str) -> str:
    """The canonical form of a typed key, or MalformedKey with a message saying what is wrong."""
    compact = "".join(text.split()).replace("-", "").upper().translate(_TYPO_MAP)
    if len(compact) != GROUPS * GROUP_LEN:
        raise MalformedKey(
            f"A license key has {GROUPS * GROUP_LEN} characters "
            f"(like XXXXX-XXXXX-XXXXX-XXXXX-XXXXX); this one has {len(compact)}."
        )
    body, check = compact[:-1], compact[-1]
    bad = sorted({c for c in body if c not in ALPHABET})
    if bad or check not in CHECK_ALPHABET:
        raise MalformedKey("The license key contains characters that keys never use.")
    if _check_char(body) != check:
        raise MalformedKey("The license key has a typing error: please check each character.")
    return format_key(compact)


def key_hash(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def suffix(canonical: str) -> str:
    return canonical[-5:]
