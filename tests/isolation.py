"""The two-trust isolation contract, which every trust-scoped (route, method) must register a case for.

Each app's `tests/<app>/isolation.py` defines `CASES: list[Case]` (and optionally
`setup(world)` that creates the objects its cases point at, for both trusts, naming them with
`sentinel(tw, ...)`). tests/test_isolation.py walks the URL resolver, takes every route whose
captured kwargs include `trust_slug`, reads the HTTP methods its view accepts, and fails when a
(route, method) has no case or a case names one that does not exist. For each case it asserts:

1. a member of trust B (same role) gets 404 for A's object under A's slug, and, when the route
   names an object, under B's own slug too; list and create routes included;
2. an anonymous caller gets the login page (HTML) or 401 (API);
3. a member of A whose role does not allow it gets 403 (when `forbidden_role` is set);
4. none of those changed any of A's rows (writes only; compared by `trust_fingerprint`);
5. cross-body (writes with `body_ids`): B's member posting to B's own route with one of A's ids
   in the body gets a 400 / 404 (or, for `ignored_body_ids`, B's usual answer), A's rows are
   unchanged and no row anywhere references another trust's row;
6. the allowed member of A reaches A's object (a status in `ok_statuses`);
7. sentinels (reads): B's member reading B's page, JSON or export sees none of A's sentinel
   strings (names, and URNs as numbers), and A's sees none of B's; `shows_sentinel` says each
   trust's page shows one of its own (so the check is not vacuous); with `query_ids`, B's page
   filtered by one of A's ids shows none of A's data either.
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import connection, models
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from trust_si.accounts.models import Membership, User
from trust_si.accounts.roles import Role
from trust_si.tenancy.models import TenantModel, Trust


@dataclass
class Case:
    # "namespace:name" of the route, as reverse() takes it.
    route: str
    # Route kwargs (besides trust_slug) that point at the given trust world's objects.
    kwargs: Callable[[Any], dict[str, Any]] = field(default=lambda tw: {})
    method: str = "get"
    # Form / JSON data (query string for GET), built from the trust world; called afresh for
    # every request, so it may hold uploaded files.
    data: Callable[[Any], dict[str, Any]] | None = None
    allowed_role: Role = Role.TRUST_ADMIN
    forbidden_role: Role | None = None
    # Statuses the allowed user may get (a POST with no data may answer 400 or re-render 200).
    ok_statuses: tuple[int, ...] = (200, 201, 202, 204, 302, 303)
    # False when the kwargs name no trust-owned object (e.g. a template's kind and format).
    kwargs_are_objects: bool = True
    # Ids of trust A's objects that a form / serializer field takes, called with A's trust world:
    # {field: A's id}. Each is sent alone, over `data(B)`, by B's member to B's own route, which
    # must refuse it (400 / 404).
    body_ids: Callable[[Any], dict[str, Any]] | None = None
    # The same for ids the view reads only among its own objects and so ignores when foreign
    # (a contact's id on a partner form): the request succeeds (`ok_statuses`), and A's
    # unchanged rows are the proof.
    ignored_body_ids: Callable[[Any], dict[str, Any]] | None = None
    # Reads: ids of A's objects a query-string filter takes ({param: A's id}). Each is sent
    # alone, over `data(B)`, by B's member to B's route: B's usual answer (or 400 / 404), and
    # none of A's data in it.
    query_ids: Callable[[Any], dict[str, Any]] | None = None
    # Reads: each trust's member sees at least one of their own trust's sentinels here.
    shows_sentinel: bool = False
    # API only: send `data` as multipart (file uploads) instead of JSON.
    multipart: bool = False
    # Tells two cases of the same (route, method) apart in test ids.
    label: str = ""

    @property
    def is_api(self) -> bool:
        return self.route.split(":")[0].endswith("_api")

    @property
    def key(self) -> tuple[str, str]:
        return (self.route, self.method.upper())

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.route}" + (f" [{self.label}]" if self.label else "")


# --- Sentinels: distinctive strings in each trust's data ------------------------------------

SENTINEL_BASE = {"alpha": 918273, "beta": 546372}


def sentinel(tw: Any, label: str) -> str:
    """A name no other trust's page can contain by chance, e.g. "Sentinel Alpha Academy 918273".

    Recorded in `tw.extra["sentinels"]`; letters, digits and spaces only, so HTML, JSON, CSV
    and XLSX all carry it verbatim.
    """
    found = tw.extra.setdefault("sentinels", [])
    text = f"Sentinel {tw.slug.title()} {label} {SENTINEL_BASE[tw.slug] + len(found)}"
    found.append(text)
    return text


def sentinels_of(tw: Any) -> list[str]:
    """Every string that must never appear on another trust's page: the data's sentinels and
    the trust's own name (which is on each of its pages, so it is no evidence of data)."""
    return [*tw.extra.get("sentinels", []), tw.trust.name]


def name_world(world: Any) -> None:
    """Kernel data of both trusts under sentinel names: academies and people. The academies'
    URNs are sentinels too (numbers, matched whole): the API shows academies by URN."""
    for tw in (world.a, world.b):
        for kind, academy in zip(("Primary", "High"), tw.academies, strict=True):
            academy.name = sentinel(tw, f"{kind} Academy")
            academy.save(update_fields=["name"])
            tw.extra["sentinels"].append(academy.urn)
        for role, user in tw.users.items():
            user.full_name = sentinel(tw, f"{role.replace('_', ' ').title()} Person")
            user.save(update_fields=["full_name"])


def response_text(response: Any) -> str:
    """The words of a response, whatever it is: HTML, JSON, CSV, an XLSX's cells, a PDF's text."""
    content_type = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        # Read to the end, the test client closes the response itself (an explicit close()
        # would also close the database connection, inside the test's transaction).
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    if "spreadsheetml" in content_type:
        book = load_workbook(io.BytesIO(body), read_only=True)
        parts = []
        for sheet in book.worksheets:
            parts.append(sheet.title)
            parts += [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v]
        return "\n".join(parts)
    if "application/pdf" in content_type:
        try:
            return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)
        except PdfReadError:  # a placeholder file, not a real PDF: its bytes are the text
            pass
    return body.decode("utf-8", errors="replace")


def sentinels_in(text: str, sentinels: list[str]) -> list[str]:
    """The sentinels the text contains: names anywhere (any case, however the lines broke),
    numbers as whole numbers."""
    text = " ".join(text.split())
    lowered = text.lower()
    return [
        s
        for s in sentinels
        if (re.search(rf"(?<![\w.]){s}(?![\w.])", text) if s.isdigit() else s.lower() in lowered)
    ]


# --- Fingerprints and cross-trust references ------------------------------------------------
# Plain SQL, built once from the models' metadata: read around the scoped managers (nothing is
# filtered away), and cheap enough to run around every write the isolation test sends.


def tenant_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, TenantModel)]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _pk(model: type[models.Model]) -> str:
    return _q(model._meta.pk.column)


def _m2m_links(model: type[models.Model]) -> list[tuple[Any, str, str, str]]:
    """(field, through table, column to this model, column to the other) per many-to-many."""
    return [
        (
            f,
            _q(f.remote_field.through._meta.db_table),
            _q(f.m2m_column_name()),
            _q(f.m2m_reverse_name()),
        )
        for f in model._meta.many_to_many
    ]


@functools.cache
def _fingerprint_queries() -> list[tuple[str, str]]:
    member = Membership._meta
    user_columns = ", ".join(
        _q(f.column) for f in User._meta.concrete_fields if f.name != "last_login"
    )
    queries = [
        ("tenancy.Trust", f"SELECT * FROM {_table(Trust)} WHERE {_pk(Trust)} = %s"),
        # last_login moves whenever a test client logs in: not the trust's data.
        (
            "accounts.User",
            f"SELECT {user_columns} FROM {_table(User)} WHERE {_pk(User)} IN "
            f"(SELECT {_q('user_id')} FROM {_q(member.db_table)} WHERE {_q('trust_id')} = %s) "
            f"ORDER BY {_pk(User)}",
        ),
    ]
    for model in tenant_models():
        label, table, pk = model._meta.label, _table(model), _pk(model)
        queries.append((label, f"SELECT * FROM {table} WHERE {_q('trust_id')} = %s ORDER BY {pk}"))
        for f, through, own, other in _m2m_links(model):
            queries.append(
                (
                    f"{label}.{f.name}",
                    f"SELECT x.{own}, x.{other} FROM {through} x JOIN {table} s "
                    f"ON s.{pk} = x.{own} WHERE s.{_q('trust_id')} = %s ORDER BY 1, 2",
                )
            )
    return queries


def trust_fingerprint(trust: Trust) -> dict[str, list[tuple[Any, ...]]]:
    """Every row trust `trust` owns (and its many-to-many links), its own row and its people's."""
    rows = {}
    with connection.cursor() as cursor:
        for label, sql in _fingerprint_queries():
            cursor.execute(sql, [trust.pk])
            columns = [c[0] for c in cursor.description]
            rows[label] = [tuple(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return rows


def fingerprint_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The tables whose rows changed, with the first changed row, for a readable failure."""
    changed = []
    for label in before:
        if before[label] != after[label]:
            old = [r for r in before[label] if r not in after[label]]
            new = [r for r in after[label] if r not in before[label]]
            changed.append(f"{label}: gone {old[:1]} new {new[:1]}")
    return changed


def _as_text(expression: str) -> str:
    return f"CAST({expression} AS VARCHAR(64))"


@functools.cache
def _cross_reference_sql() -> str:
    """One query: every row whose reference (foreign key or many-to-many) lands in another
    trust, or on a person who is not a member of the row's trust."""
    trust_id = _q("trust_id")
    not_member = (
        f"NOT EXISTS (SELECT 1 FROM {_table(Membership)} m WHERE m.{_q('user_id')} = {{ref}} "
        f"AND m.{trust_id} = s.{trust_id})"
    )
    parts = []
    for model in tenant_models():
        table, pk = _table(model), _pk(model)
        links = [
            (f, f"{table} s", f"s.{_q(f.column)}")
            for f in model._meta.concrete_fields
            if f.is_relation and f.name != "trust"
        ] + [
            (f, f"{through} x JOIN {table} s ON s.{pk} = x.{own}", f"x.{other}")
            for f, through, own, other in _m2m_links(model)
        ]
        for f, source, ref in links:
            target = f.related_model
            label = f"'{model._meta.label}.{f.name}'"
            columns = f"{label}, {_as_text(f's.{pk}')}, s.{trust_id}"
            if isinstance(target, type) and issubclass(target, TenantModel):
                parts.append(
                    f"SELECT {columns}, {_as_text(f'r.{trust_id}')} FROM {source} "
                    f"JOIN {_table(target)} r ON r.{_pk(target)} = {ref} "
                    f"WHERE r.{trust_id} <> s.{trust_id}"
                )
            elif target is User:
                parts.append(
                    f"SELECT {columns}, {_as_text(ref)} FROM {source} "
                    f"WHERE {ref} IS NOT NULL AND {not_member.format(ref=ref)}"
                )
    return " UNION ALL ".join(parts)


def cross_trust_references() -> list[str]:
    """Rows of one trust that point at another trust's row, or at a person not in their trust."""
    with connection.cursor() as cursor:
        cursor.execute(_cross_reference_sql())
        return [
            f"{field} {pk} (trust {own}) -> {other}" for field, pk, own, other in cursor.fetchall()
        ]
