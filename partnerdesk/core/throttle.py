"""Counting failed attempts in a window (sign-in now, license keys later), in the shared cache."""

from __future__ import annotations

import hashlib
import time

from django.core.cache import cache


class FailureThrottle:
    """At most `limit` failures per key in `window` seconds; then refused until the window ends."""

    def __init__(self, scope: str, limit: int, window: int) -> None:
        self.scope, self.limit, self.window = scope, limit, window

    def _key(self, subject: str) -> str:
        digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
        return f"throttle:{self.scope}:{digest}"

    def _recent(self, subject: str) -> list[float]:
        now = time.time()
        return [t for t in cache.get(self._key(subject), []) if now - t < self.window]

    def retry_after(self, subject: str) -> int:
        """Seconds until `subject` may try again, or 0 when it may try now."""
        recent = self._recent(subject)
        if len(recent) < self.limit:
            return 0
        return max(1, int(recent[-self.limit] + self.window - time.time()) + 1)

    def fail(self, subject: str) -> None:
        recent = self._recent(subject)
        recent.append(time.time())
        cache.set(self._key(subject), recent[-self.limit :], self.window)

    def reset(self, subject: str) -> None:
        cache.delete(self._key(subject))
