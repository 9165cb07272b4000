"""The blind moderation page: a moderator sees the piece and the framework, records their own
judgement, and only then sees the school's."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render

from assessment.frameworks.models import Level
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services


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
