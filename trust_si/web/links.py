"""Links for list rows: reverse a route once per page and fill in each row's primary key.

`{% url %}` in a loop resolves the whole URLconf again for every row (a fifth of a list page's
CPU, issue 17). The pattern's other arguments are the same for every row, so the only part that
differs is the key, which `int:` routes print as its decimal digits.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.urls import get_script_prefix, reverse

# A key no row has, so the one place it appears in the reversed URL is the key's.
_SENTINEL = 987654321987


@lru_cache(maxsize=4096)
def _reversed(viewname: str, kwargs: tuple[tuple[str, Any], ...], script_prefix: str) -> str:
    """A route's URL: the same for every request (the URLconf is fixed), so reversed once per
    process. `script_prefix` is in the key because reverse() prefixes it; the arguments are a
    trust's slug and our sentinel, so the cache stays small (bounded all the same)."""
    return reverse(viewname, kwargs=dict(kwargs))


def route_url(viewname: str, **kwargs: str | int) -> str:
    """`reverse(viewname, kwargs=kwargs)`, remembered per process: for links every page shows
    (the navigation, the dashboard's), reversed some fifteen times a page otherwise."""
    return _reversed(viewname, tuple(sorted(kwargs.items())), get_script_prefix())


def pk_url(viewname: str, **kwargs: Any) -> Callable[[int], str]:
    """`reverse(viewname, kwargs={**kwargs, "pk": pk})` for any pk, reversed once."""
    head, tail = route_url(viewname, **kwargs, pk=_SENTINEL).rsplit(str(_SENTINEL), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


def key_url(viewname: str, key: str, **kwargs: Any) -> Callable[[str], str]:
    """`reverse(viewname, kwargs={**kwargs, key: value})` for a `str:` argument (a URN), reversed
    once: a value of ASCII digits prints as itself; any other is reversed as it always was
    (reverse quotes and checks it)."""
    head, tail = route_url(viewname, **kwargs, **{key: str(_SENTINEL)}).rsplit(str(_SENTINEL), 1)

    def url(value: str) -> str:
        text = str(value)
        if text.isascii() and text.isdigit():
            return f"{head}{text}{tail}"
        return reverse(viewname, kwargs={**kwargs, key: value})

    return url


def urn_url(viewname: str, **kwargs: Any) -> Callable[[str], str]:
    """`key_url` for the usual `urn` argument."""
    return key_url(viewname, "urn", **kwargs)
