"""Redis as Django's cache, answering as an empty cache while Redis cannot be reached.

What lives in the cache here can be lost without harm: rate-limit history (a limit that
cannot be counted lets the request through rather than answering 500), used TOTP codes (a code
is still checked against the secret), a recompute's coalescing key (a request queues its own
job). So a Redis outage degrades those to "as if empty" with a warning in the log, and sign-in,
uploads and pages keep working. The health check still reports the cache as down.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)


def _degraded(operation: str, fallback: Callable[[], Any]) -> Any:
    logger.warning("Cache unreachable during %s: answering as an empty cache.", operation)
    return fallback()


class DegradingRedisCache(RedisCache):
    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        try:
            return super().get(key, default, version)
        except UNREACHABLE:
            return _degraded("get", lambda: default)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        # True, as if the key were new: callers that take a lock with add() must not spin.
        try:
            return bool(super().add(key, value, timeout, version))
        except UNREACHABLE:
            return bool(_degraded("add", lambda: True))

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        try:
            super().set(key, value, timeout, version)
        except UNREACHABLE:
            _degraded("set", lambda: None)

    def touch(self, key: Any, timeout: Any = None, version: int | None = None) -> bool:
        try:
            return bool(super().touch(key, timeout, version))
        except UNREACHABLE:
            return bool(_degraded("touch", lambda: False))

    def delete(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().delete(key, version))
        except UNREACHABLE:
            return bool(_degraded("delete", lambda: False))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        try:
            return dict(super().get_many(keys, version))
        except UNREACHABLE:
            return dict(_degraded("get_many", dict))

    def set_many(self, data: Any, timeout: Any = None, version: int | None = None) -> list[Any]:
        try:
            return list(super().set_many(data, timeout, version))
        except UNREACHABLE:
            return list(_degraded("set_many", lambda: list(data)))

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        try:
            super().delete_many(keys, version)
        except UNREACHABLE:
            _degraded("delete_many", lambda: None)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        try:
            return bool(super().has_key(key, version))
        except UNREACHABLE:
            return bool(_degraded("has_key", lambda: False))

    def clear(self) -> None:
        try:
            super().clear()
        except UNREACHABLE:
            _degraded("clear", lambda: None)
