"""Links for list rows: reverse a route once per page and fill in each row's primary key.

`{% url %}` in a loop resolves the whole URLconf again for every row (a fifth of a list page's
CPU, issue 17). The pattern's other arguments are the same for every row, so the only part that
differs is the key, which `int:` routes print as its decimal digits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS

# A key no row has, so the one place it appears in the reversed URL is the key's.
_SENTINEL = 987654321987
# What `reverse` leaves unquoted in a path (Django's URLResolver, RFC 3986 `pchar`).
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


def pk_url(viewname: str, **kwargs: Any) -> Callable[[int], str]:
    """`reverse(viewname, kwargs={**kwargs, "pk": pk})` for any pk, reversed once."""
    head, tail = reverse(viewname, kwargs={**kwargs, "pk": _SENTINEL}).rsplit(str(_SENTINEL), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


def urn_url(viewname: str, **kwargs: Any) -> Callable[[str], str]:
    """`reverse(viewname, kwargs={**kwargs, "urn": urn})` for any URN, reversed once; the URN is
    quoted as `reverse` quotes a path (URNs are digits, so in practice it is unchanged)."""
    head, tail = reverse(viewname, kwargs={**kwargs, "urn": str(_SENTINEL)}).rsplit(
        str(_SENTINEL), 1
    )
    return lambda urn: f"{head}{quote(str(urn), safe=_PATH_SAFE)}{tail}"
