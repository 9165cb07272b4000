"""Rounds closed before the heat map's read model existed get their agreement published, by the
data migration (moderation 0002) and the operator's command; both idempotent."""

from __future__ import annotations

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command

from assessment.frameworks.models import ModerationAgreement
from assessment.frameworks.selectors import moderation_agreement_latest
from moderation.models import SampleItem
from moderation.services import review_submit, round_close
from trust_si.accounts.roles import Role
from trust_si.tenancy.context import dangerously_unscoped

from .helpers import TERM, open_round

pytestmark = pytest.mark.django_db
migration = importlib.import_module("moderation.migrations.0002_i14_agreement_backfill")


def _closed_before_the_read_model(tw):
    """A finished blind round whose published rows are gone, as for a round closed before
    frameworks 0002: the admin agreed with every piece but the last, one level below it."""
    round_ = open_round(tw)
    admin = tw.user(Role.TRUST_ADMIN)
    with tw.scope():
        items = list(SampleItem.objects.filter(round=round_).order_by("number"))
        for item in items[:-1]:
            review_submit(actor=admin, item=item, level=item.school_level, secure=[])
        last = items[-1]
        lower = {"GDS": "EXS", "EXS": "WTS", "WTS": "WTS"}[last.school_level]
        review_submit(actor=admin, item=last, level=lower, secure=[])
        round_close(actor=tw.user(Role.TRUST_LEADER), round_=round_)
        expected = sorted(
            ModerationAgreement.objects.filter(round_ref=round_.pk).values_list(
                "academy_id", "moderated", "agreed", "generous", "severe"
            )
        )
        ModerationAgreement.objects.filter(round_ref=round_.pk).delete()
    return round_, expected, items


def _rows(tw, round_):
    with tw.scope():
        return sorted(
            ModerationAgreement.objects.filter(round_ref=round_.pk).values_list(
                "academy_id", "moderated", "agreed", "generous", "severe"
            )
        )


def test_the_migration_publishes_rounds_closed_before_the_read_model_once(world):
    round_, expected, items = _closed_before_the_read_model(world.a)
    assert expected and sum(r[1] for r in expected) == len(items)
    assert _rows(world.a, round_) == []
    migration.backfill(apps, None)
    assert _rows(world.a, round_) == expected
    with world.a.scope():
        first = list(ModerationAgreement.objects.filter(round_ref=round_.pk).values_list("pk"))
    migration.backfill(apps, None)  # nothing left to do: the rows are not even rewritten
    with world.a.scope():
        assert list(ModerationAgreement.objects.filter(round_ref=round_.pk).values_list("pk")) == (
            first
        )
        # What the heat map's accuracy cell reads is back, for the round's schools only.
        latest = moderation_agreement_latest(
            trust_id=world.a.trust.pk,
            academy_ids=[a.pk for a in world.a.academies],
            term_code=TERM,
        )
        assert {a for a, *_ in expected} <= set(latest)
    with dangerously_unscoped():
        assert not ModerationAgreement.objects.filter(trust=world.b.trust).exists()


def test_the_command_says_what_it_published_and_is_idempotent(world):
    round_, expected, _ = _closed_before_the_read_model(world.a)
    out = io.StringIO()
    call_command("moderation_agreement_backfill", stdout=out)
    assert f"Published round {round_.pk}" in out.getvalue()
    assert "1 rounds published for 1 trusts" in out.getvalue()
    assert _rows(world.a, round_) == expected
    out = io.StringIO()
    call_command("moderation_agreement_backfill", stdout=out)
    assert "Every closed blind round has its agreement published." in out.getvalue()
    assert _rows(world.a, round_) == expected
