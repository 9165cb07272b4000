from assessment.frameworks.services import piece_add
from moderation.models import SampleItem
from tests.isolation import Case, sentinel
from trust_si.accounts.roles import Role

from .helpers import moderation_visit, open_round

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

OFFICER = Role.IMPROVEMENT_OFFICER


def setup(world):
    for tw in (world.a, world.b):
        round_ = open_round(tw, per_school=6, name=sentinel(tw, "Round"))
        with tw.scope():
            tw.extra["round"] = round_
            tw.extra["item"] = SampleItem.objects.filter(
                round=round_, academy=tw.academies[1]
            ).first()
            tw.extra["term"] = round_.term
            tw.extra["visit"] = moderation_visit(tw, tw.academies[0])
            tw.extra["item_piece"] = piece_add(
                actor=None, judgement=tw.extra["item"].judgement, data=PDF, name="essay.pdf"
            )


def _item(tw):
    return {"pk": tw.extra["round"].pk, "number": tw.extra["item"].number}


CASES = [
    Case(
        "moderation:visit_link",
        method="post",
        kwargs=lambda tw: {"pk": tw.extra["round"].pk},
        data=lambda tw: {"visit": tw.extra["visit"].pk},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.SCHOOL_STAFF,
        body_ids=lambda tw: {"visit": tw.extra["visit"].pk},
        ok_statuses=(302,),
    ),
    Case(
        "moderation:rounds",
        kwargs_are_objects=False,
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "moderation:round",
        kwargs=lambda tw: {"pk": tw.extra["round"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "moderation:compare",
        kwargs=lambda tw: {"pk": tw.extra["round"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "moderation:compare",
        method="post",
        kwargs=lambda tw: {"pk": tw.extra["round"].pk},
        data=lambda tw: {"a": "1", "b": "2", "winner": "1"},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        ok_statuses=(302, 400),
    ),
    Case(
        "moderation:review",
        kwargs=_item,
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "moderation:review",
        method="post",
        kwargs=_item,
        data=lambda tw: {"level": "EXS", "secure": ["EXS1"]},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        ok_statuses=(200, 302, 400),
    ),
    Case(
        "moderation_api:review-queue",
        kwargs=lambda tw: {"pk": tw.extra["round"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "moderation_api:review-submit",
        method="post",
        kwargs=_item,
        data=lambda tw: {"level": "EXS", "secure": ["EXS1"]},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        ok_statuses=(201, 409),
    ),
]
CASES += [
    Case(
        "moderation_api:round-list",
        kwargs_are_objects=False,
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
    Case(
        "moderation_api:round",
        kwargs=lambda tw: {"pk": tw.extra["round"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        shows_sentinel=True,
    ),
]


def _new_round(tw):
    return {
        "name": "Autumn check",
        "term": tw.extra["term"].pk,
        "subject": "writing",
        "year_groups": ["6"],
        "academies": [tw.academies[0].pk],
        "method": "blind",
        "share": "15",
        "minimum": "3",
    }


CASES += [
    Case(
        "moderation:round_create",
        kwargs_are_objects=False,
        allowed_role=OFFICER,
        forbidden_role=Role.SCHOOL_STAFF,
    ),
    Case(
        "moderation:round_create",
        method="post",
        kwargs_are_objects=False,
        data=_new_round,
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
        body_ids=lambda tw: {"term": tw.extra["term"].pk, "academies": [tw.academies[0].pk]},
    ),
    Case(
        "moderation:item_agree",
        kwargs=_item,
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.GOVERNOR,
    ),
    Case(
        "moderation:item_agree",
        method="post",
        kwargs=_item,
        data=lambda tw: {"level": "EXS", "reason": "Discussed with both moderators"},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.GOVERNOR,
    ),
]

CASES += [
    Case(
        "moderation:piece_file",
        kwargs=lambda tw: {**_item(tw), "piece_pk": tw.extra["item_piece"].pk},
        allowed_role=OFFICER,
        forbidden_role=Role.GOVERNOR,
    ),
]


def _moderator(tw):
    with tw.scope():
        return {
            "pk": tw.extra["round"].pk,
            "moderator_pk": tw.extra["round"].moderators.order_by("pk").first().pk,
        }


CASES += [
    Case(
        "moderation:moderator_days",
        method="post",
        kwargs=_moderator,
        data=lambda tw: {"days": "1.5", "academy": tw.academies[1].urn},
        allowed_role=Role.TRUST_LEADER,
        forbidden_role=Role.SCHOOL_STAFF,
        body_ids=lambda tw: {"academy": tw.academies[1].urn},
        ok_statuses=(302,),
    ),
]
