"""The blind moderation page: a moderator sees the piece and the framework, records their own
judgement, and only then sees the school's."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from assessment.frameworks.models import Level
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .agreement import agreement_words, kappa_words
from .models import RoundMethod, RoundStatus

LEVEL_WORDS = dict(Level.choices)


def review(request: TenantRequest, pk: int, number: int) -> HttpResponse:
    membership = require(request, "moderation.view")
    round_ = selectors.round_get_for(membership, pk)
    item = selectors.item_get_for(membership, round_, number)
    refused = ""
    if request.method == "POST":
        try:
            services.review_submit(
                actor=request.user,
                item=item,
                level=request.POST.get("level", ""),
                secure=request.POST.getlist("secure"),
                note=request.POST.get("note", ""),
            )
            return redirect(
                "moderation:review", trust_slug=request.trust.slug, pk=round_.pk, number=number
            )
        except services.ModerationRefused as exc:
            refused = str(exc)
    mine = item.reviews.filter(moderator=request.user).first()
    # Blind until this moderator has judged it; people who do not moderate the round (the
    # leader, trust staff) see everything.
    revealed = mine is not None or not selectors.is_blind_to(round_, request.user)
    version = item.judgement.version
    return render(
        request,
        "moderation/review.html",
        {
            "round": round_,
            "item": item,
            "mine": mine,
            "revealed": revealed,
            "strands": version.strands.prefetch_related("statements"),
            "pieces": item.judgement.pieces.all() if revealed else [],
            "refused": refused,
            "levels": Level.choices,
        },
        status=400 if refused else 200,
    )


def round_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "moderation.view")
    rounds = selectors.round_list_for(membership).order_by("-term__academic_year", "name")
    return render(request, "moderation/round_list.html", {"rounds": rounds})


def round_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "moderation.view")
    round_ = selectors.round_get_for(membership, pk)
    context: dict[str, object] = {"round": round_}
    if round_.method == RoundMethod.COMPARATIVE:
        result = selectors.cj_result(round_)
        context["cj"] = result
        context["cj_rows"] = sorted(
            zip(
                result.items,
                result.scale.scores,
                result.scale.standard_errors,
                [LEVEL_WORDS.get(level or "", "") for level in result.levels],
                strict=True,
            ),
            key=lambda row: -row[1],
        )
    else:
        outcome = selectors.round_outcome(round_)
        blind = selectors.is_blind_to(round_, request.user)
        context["outcome"] = outcome
        context["overall"] = agreement_words(outcome.overall) if outcome.overall else ""
        context["kappa"] = kappa_words(outcome.overall.kappa) if outcome.overall else ""
        # A blind moderator would learn schools' judgements from the tables: they see the
        # round's overall figure only until the round is finished.
        context["tables"] = (
            []
            if blind and round_.status != RoundStatus.CLOSED
            else [
                (title, [(str(group), agreement_words(a)) for group, a in groups.items()])
                for title, groups in (
                    ("By school", outcome.by_school),
                    ("By year group", outcome.by_year),
                    ("By moderator", outcome.by_moderator),
                    (
                        "By the school's judgement",
                        {LEVEL_WORDS[str(k)]: a for k, a in outcome.by_level.items()},
                    ),
                )
            ]
        )
    return render(request, "moderation/round_detail.html", context)


def compare(request: TenantRequest, pk: int) -> HttpResponse:
    """Comparative judgement: two pieces at a time, the moderator picks the better."""
    membership = require(request, "moderation.view")
    round_ = selectors.round_get_for(membership, pk)
    refused = ""
    if request.method == "POST":
        try:
            first = selectors.item_get_for(membership, round_, _number(request.POST.get("a")))
            second = selectors.item_get_for(membership, round_, _number(request.POST.get("b")))
            winner_number = _number(request.POST.get("winner"))
            if winner_number not in (first.number, second.number):
                raise services.ModerationRefused("Choose one of the two pieces.")
            winner, loser = (first, second) if winner_number == first.number else (second, first)
            services.comparison_record(
                actor=request.user, round_=round_, winner=winner, loser=loser
            )
            return redirect("moderation:compare", trust_slug=request.trust.slug, pk=round_.pk)
        except services.ModerationRefused as exc:
            refused = str(exc)
    pair = (
        selectors.cj_next_pair(round_, request.user)
        if round_.method == RoundMethod.COMPARATIVE and round_.status == RoundStatus.OPEN
        else None
    )
    return render(
        request,
        "moderation/compare.html",
        {"round": round_, "pair": pair, "refused": refused},
        status=400 if refused else 200,
    )


def _number(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None
