"""The blind moderation page: a moderator sees the piece and the framework, records their own
judgement, and only then sees the school's."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from academies.selectors import academy_list_for
from assessment.frameworks.http import piece_response
from assessment.frameworks.models import Level
from assessment.frameworks.services import piece_download_record
from assessment.models import Term
from trust_si.forms import tenant_redirect
from trust_si.web.access import require
from trust_si.web.http import TenantRequest
from visits.selectors import visit_get_for

from . import selectors, services
from .agreement import agreement_words, kappa_words
from .forms import AgreeForm, RoundForm
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
            # The writing is what a moderator judges: shown blind too, under neutral names.
            "pieces": item.judgement.pieces.order_by("created_at")
            if selectors.can_read_pieces(round_, request.user)
            else [],
            "refused": refused,
            # The framework's own levels, by name (DfE's WTS / EXS / GDS or the trust's own).
            "levels": version.level_choices,
        },
        status=400 if refused else 200,
    )


def round_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "moderation.view")
    rounds = selectors.round_list_for(membership).order_by("-term__academic_year", "name")
    return render(
        request,
        "moderation/round_list.html",
        {"rounds": rounds, "can_manage": membership.can("moderation.manage")},
    )


def round_create(request: TenantRequest) -> HttpResponse:
    """A new round: the sample is drawn at once by the service, so the round opens with it; a
    round whose sample cannot be drawn (no judgements yet) is not kept."""
    membership = require(request, "moderation.manage")
    form = RoundForm(
        request.POST if request.method == "POST" else None,
        terms=Term.objects.filter(trust_id=membership.trust_id),
        academies=academy_list_for(membership),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                round_ = services.round_create(
                    actor=request.user,
                    trust=request.trust,
                    name=data["name"],
                    term=data["term"],
                    subject=data["subject"],
                    year_groups=data["year_groups"],
                    academies=list(data["academies"]),
                    method=data["method"],
                    # Whoever sets the round up leads it: they settle its disagreements.
                    leader=request.user,
                    deadline=data["deadline"],
                    share=data["share"] / 100,
                    minimum=data["minimum"],
                )
                drawn = services.round_sample_draw(actor=request.user, round_=round_)
        except services.ModerationRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Round opened with a sample of {drawn} pieces.")
            return tenant_redirect(request, "moderation:round", pk=round_.pk)
    return render(
        request,
        "moderation/round_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def item_agree(request: TenantRequest, pk: int, number: int) -> HttpResponse:
    """Settle a disagreement: the leader (or a second moderator) records the agreed judgement."""
    membership = require(request, "moderation.view")
    round_ = selectors.round_get_for(membership, pk)
    item = selectors.item_get_for(membership, round_, number)
    reviews = list(item.reviews.select_related("moderator"))
    # The page shows the school's judgement: only to the leader and to those who judged it.
    if round_.leader_id != request.user.pk and not any(
        r.moderator_id == request.user.pk for r in reviews
    ):
        raise PermissionDenied("The agreed judgement is recorded by the round's leader.")
    form = AgreeForm(
        request.POST if request.method == "POST" else None,
        levels=item.judgement.version.level_choices,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.item_agree(
                actor=request.user,
                item=item,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
            )
        except services.ModerationRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Agreed judgement recorded for piece {item.number}.")
            return tenant_redirect(request, "moderation:round", pk=round_.pk)
    return render(
        request,
        "moderation/agree.html",
        {"round": round_, "item": item, "reviews": reviews, "form": form},
        status=400 if form.errors else 200,
    )


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
        if round_.leader_id == request.user.pk and round_.status == RoundStatus.OPEN:
            context["to_settle"] = selectors.items_to_settle(round_)
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
                        {
                            outcome.level_names.get(str(k), LEVEL_WORDS.get(str(k), str(k))): a
                            for k, a in outcome.by_level.items()
                        },
                    ),
                )
            ]
        )
    context["visits"] = selectors.round_visits_for(membership, round_)
    context["moderator_days"] = selectors.round_moderator_days(membership, round_)
    if membership.can("moderation.manage"):
        context["linkable"] = selectors.round_visits_linkable(membership, round_)
        context["can_manage"] = True
    return render(request, "moderation/round_detail.html", context)


@require_POST
def round_visit_link(request: TenantRequest, pk: int) -> HttpResponse:
    """POST: link a moderation visit (the existing visit type) to the round."""
    membership = require(request, "moderation.manage")
    round_ = selectors.round_get_for(membership, pk)
    visit = visit_get_for(membership, _number(request.POST.get("visit")))
    try:
        services.round_visit_link(actor=request.user, round_=round_, visit_id=visit.pk)
    except services.ModerationRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"Visit of {visit.date:%-d %B %Y} to {visit.academy} linked.")
    return redirect("moderation:round", trust_slug=request.trust.slug, pk=round_.pk)


@require_POST
def moderator_days(request: TenantRequest, pk: int, moderator_pk: int) -> HttpResponse:
    """POST: a moderator's days on the round besides its linked visits (blank clears them)."""
    membership = require(request, "moderation.manage")
    round_ = selectors.round_get_for(membership, pk)
    moderator = selectors.round_moderator_get(round_, moderator_pk)
    academy = None
    if request.POST.get("academy"):
        # Only the round's own schools: another trust's (or another round's) school is 404.
        academy = round_.academies.filter(urn=request.POST.get("academy", "")).first()
        if academy is None:
            raise Http404("No such school in this round.")
    raw = request.POST.get("days", "").strip()
    try:
        days = Decimal(raw) if raw else None
    except InvalidOperation:
        messages.error(request, "Enter days as a number, for example 0.5 or 1.5.")
        return redirect("moderation:round", trust_slug=request.trust.slug, pk=round_.pk)
    try:
        services.moderator_days_record(
            actor=request.user,
            membership=membership,
            moderator=moderator,
            days=days,
            academy=academy,
        )
    except services.ModerationRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"{moderator}: {days} days recorded." if days else f"{moderator}: days cleared.",
        )
    return redirect("moderation:round", trust_slug=request.trust.slug, pk=round_.pk)


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
        {
            "round": round_,
            "pair": pair,
            "refused": refused,
            "can_read": selectors.can_read_pieces(round_, request.user),
        },
        status=400 if refused else 200,
    )


def piece_file(request: TenantRequest, pk: int, number: int, piece_pk: int) -> FileResponse:
    """A sampled pupil's piece of writing, for the round's moderators and leader; audited. The
    name it is served under says only the piece's number, even in a blind round."""
    membership = require(request, "moderation.view")
    round_ = selectors.round_get_for(membership, pk)
    item = selectors.item_get_for(membership, round_, number)
    piece = selectors.item_piece_get(round_, item, request.user, piece_pk)
    piece_download_record(actor=request.user, piece=piece, route=f"moderation round {round_.pk}")
    return piece_response(piece, label=f"piece-{item.number}-{piece.pk}")


def _number(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None
