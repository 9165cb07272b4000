"""Frameworks (the working party's grids, in versions) and the class grid teachers fill."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from academies.selectors import academy_get_for
from assessment.kinds import SUBJECTS
from assessment.models import Enrolment, Pupil
from assessment.services import term_get_or_create
from trust_si.accounts.models import Membership
from trust_si.forms import tenant_redirect
from trust_si.limits import PIECE
from trust_si.terms import TermCode, TermError
from trust_si.web.access import require
from trust_si.web.http import TenantRequest

from . import selectors, services
from .forms import FrameworkStartForm, ImportForm, PieceForm, StatementForm, VersionForm
from .http import piece_response
from .models import (
    Framework,
    FrameworkSubject,
    FrameworkVersion,
    Independence,
    Level,
    TeacherJudgement,
    VersionStatus,
)
from .pieces import PieceError
from .rules import levels_text, standard_levels

YEARS = [str(n) for n in range(1, 12)]


def framework_list(request: TenantRequest) -> HttpResponse:
    membership = require(request, "framework.view")
    frameworks = {(f.subject, f.year_group): f for f in selectors.framework_list_for(membership)}
    published = selectors.published_versions(trust_id=request.trust.pk)
    rows = [
        {
            "subject": subject,
            "year": year,
            "framework": frameworks.get((subject.value, year)),
            "published": published.get((subject.value, year)),
            "draft": _draft_of(frameworks.get((subject.value, year))),
        }
        for subject in FrameworkSubject
        for year in YEARS
    ]
    return render(
        request,
        "frameworks/framework_list.html",
        {"rows": rows, "years": YEARS, "can_edit": membership.can("framework.edit")},
    )


def _draft_of(framework: Framework | None) -> FrameworkVersion | None:
    if framework is None:
        return None
    return next((v for v in framework.versions.all() if v.status == VersionStatus.DRAFT), None)


def _grid_context(request: TenantRequest, membership: Membership) -> dict[str, Any]:
    """The grid's academy, term, year group and subject, from the query string (or the form)."""
    source = request.POST if request.method == "POST" else request.GET
    academy = academy_get_for(membership, source.get("academy", ""))
    year, subject = source.get("year", ""), source.get("subject", "writing")
    if year not in YEARS or subject not in FrameworkSubject.values:
        raise Http404
    try:
        code = TermCode.parse(source.get("term", ""))
    except TermError:
        raise Http404 from None
    return {"academy": academy, "year": year, "subject": subject, "term_code": code}


def grid(request: TenantRequest) -> HttpResponse:
    membership = require(request, "pupil_data.upload")
    ctx = _grid_context(request, membership)
    version = selectors.published_version_for(
        trust_id=request.trust.pk, subject=str(ctx["subject"]), year_group=str(ctx["year"])
    )
    term = term_get_or_create(trust=request.trust, code=ctx["term_code"])  # type: ignore[arg-type]
    pupil_ids = list(
        Enrolment.objects.filter(
            trust=request.trust,
            academy=ctx["academy"],
            academic_year=term.academic_year,
            year_group=ctx["year"],
        ).values_list("pupil_id", flat=True)
    )
    pupils = Pupil.objects.filter(trust=request.trust, pk__in=pupil_ids).order_by("key")
    saved = {
        j.pupil_id: j
        for j in TeacherJudgement.objects.filter(
            trust=request.trust, term=term, subject=ctx["subject"], pupil_id__in=pupil_ids
        ).select_related("version")
    }
    statements = (
        list(version.statements.order_by("level", "strand__order", "order")) if version else []
    )
    rows = [{"pupil": p, "judgement": saved.get(p.pk)} for p in pupils]
    return render(
        request,
        "frameworks/grid.html",
        {
            **ctx,
            "term": term,
            "version": version,
            "statements": statements,
            "rows": rows,
            "levels": version.level_choices if version else Level.choices,
            "independence": Independence.choices,
            "subjects": SUBJECTS,
        },
    )


@require_POST
def grid_save(request: TenantRequest) -> HttpResponse:
    """Autosave of one pupil's row (htmx): answers the row's status cell."""
    membership = require(request, "pupil_data.upload")
    ctx = _grid_context(request, membership)
    term = term_get_or_create(trust=request.trust, code=ctx["term_code"])  # type: ignore[arg-type]
    pupil_pk = request.POST.get("pupil", "")
    enrolled = Enrolment.objects.filter(
        trust=request.trust,
        academy=ctx["academy"],
        academic_year=term.academic_year,
        pupil_id=int(pupil_pk) if pupil_pk.isdigit() else 0,
    ).first()
    if enrolled is None:
        raise Http404
    message, error = "", ""
    try:
        judgement = services.judgement_record(
            actor=request.user,
            academy=ctx["academy"],  # type: ignore[arg-type]
            term=term,
            pupil=enrolled.pupil,
            subject=str(ctx["subject"]),
            year_group=str(ctx["year"]),
            secure=request.POST.getlist("secure"),
            independence=request.POST.get("independence", Independence.INDEPENDENT),
            source_subject=request.POST.get("source_subject", ""),
            level=request.POST.get("level", ""),
            reason=request.POST.get("reason", ""),
        )
        # The level in the framework's own words (a trust's own level names included).
        message = f"Saved: {judgement.level_name}"
        if judgement.overridden:
            message += f" (the framework proposes {judgement.proposed_name})"
    except services.FrameworkInvalid as exc:
        error = str(exc)
    return render(
        request,
        "frameworks/grid.html#status",
        {"message": message, "error": error},
        status=200 if not error else 422,
    )


# --- Editing frameworks (the working party's drafts) ------------------------------------------


def framework_start(request: TenantRequest) -> HttpResponse:
    """A new framework for a subject and year group (or a new draft of an existing one), empty
    or copied from another version: "copy from another year group"."""
    membership = require(request, "framework.edit")
    form = FrameworkStartForm(
        request.POST if request.method == "POST" else None,
        initial={k: request.GET.get(k, "") for k in ("subject", "year_group")},
        versions=selectors.version_list_for(membership),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                framework = services.framework_create(
                    actor=request.user,
                    trust=request.trust,
                    subject=data["subject"],
                    year_group=data["year_group"],
                )
                version = services.version_draft_create(
                    actor=request.user, framework=framework, source=data["source"]
                )
        except services.FrameworkInvalid as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Draft version {version.number} started.")
            return tenant_redirect(request, "frameworks:version", pk=version.pk)
    return render(
        request,
        "frameworks/framework_start.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _editable_version(request: TenantRequest, pk: int) -> tuple[Membership, FrameworkVersion]:
    membership = require(request, "framework.edit")
    return membership, selectors.version_get_for(membership, pk)


def _detail(
    request: TenantRequest,
    version: FrameworkVersion,
    *,
    statement_form: StatementForm | None = None,
    status: int = 200,
) -> HttpResponse:
    membership: Membership = request.membership  # type: ignore[attr-defined]
    can_edit = membership.can("framework.edit")
    return render(
        request,
        "frameworks/version_detail.html",
        {
            "version": version,
            "strands": version.strands.prefetch_related("statements"),
            "can_edit": can_edit,
            "editable": can_edit and not version.is_published,
            "versions": version.framework.versions.all(),
            "has_draft": version.framework.versions.filter(status=VersionStatus.DRAFT).exists(),
            "form": statement_form or StatementForm(levels=version.level_choices),
            "level_names": dict(version.level_choices),
            "strand_names": version.strands.values_list("name", flat=True),
            "publish_consequence": (
                f"Publishing makes version {version.number} the one every new judgement of "
                f"{version.framework} uses. A published version never changes: to change it "
                "later, start a new draft. Judgements already recorded keep the version they "
                "were made with."
            ),
        },
        status=status,
    )


def version_detail(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "framework.view")
    return _detail(request, selectors.version_get_for(membership, pk))


def version_edit(request: TenantRequest, pk: int) -> HttpResponse:
    """Who wrote it and whether one weakness is allowed (a draft only)."""
    _, version = _editable_version(request, pk)
    form = VersionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "authors": version.authors,
            "allow_one_weakness": version.allow_one_weakness,
            "levels": "" if version.levels == standard_levels() else levels_text(version.levels),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.version_update(
                    actor=request.user,
                    version=version,
                    authors=form.cleaned_data["authors"],
                    allow_one_weakness=form.cleaned_data["allow_one_weakness"],
                )
                services.version_levels_set(
                    actor=request.user,
                    version=version,
                    text=form.cleaned_data["levels"] or levels_text(standard_levels()),
                )
        except services.FrameworkInvalid as exc:
            form.add_error("levels", str(exc))
        except services.FrameworkLocked as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Saved.")
            return tenant_redirect(request, "frameworks:version", pk=version.pk)
    return render(
        request,
        "frameworks/version_form.html",
        {"form": form, "version": version},
        status=400 if form.errors else 200,
    )


@require_POST
def statement_add(request: TenantRequest, pk: int) -> HttpResponse:
    """The add form sits on the version page; a refusal re-renders it with what was typed."""
    _, version = _editable_version(request, pk)
    form = StatementForm(request.POST, levels=version.level_choices)
    if form.is_valid():
        data = form.cleaned_data
        try:
            statement = services.statement_add(
                actor=request.user,
                version=version,
                strand_name=data["strand"],
                code=data["code"],
                level=data["level"],
                text=data["text"],
            )
        except (services.FrameworkInvalid, services.FrameworkLocked) as exc:
            form.add_error("code" if "already" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"{statement.code} added to {statement.strand.name}.")
            return redirect(
                reverse("frameworks:version", kwargs={"trust_slug": request.trust.slug, "pk": pk})
                + "#add-statement"
            )
    return _detail(request, version, statement_form=form, status=400)


def statement_edit(request: TenantRequest, pk: int, statement_pk: int) -> HttpResponse:
    _, version = _editable_version(request, pk)
    statement = selectors.statement_get_for(version, statement_pk)
    initial = {
        "strand": statement.strand.name,
        "code": statement.code,
        "level": statement.level,
        "text": statement.text,
    }
    form = StatementForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        levels=version.level_choices,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.statement_update(
                actor=request.user,
                statement=statement,
                strand_name=data["strand"],
                code=data["code"],
                level=data["level"],
                text=data["text"],
            )
        except (services.FrameworkInvalid, services.FrameworkLocked) as exc:
            form.add_error("code" if "already" in str(exc) else None, str(exc))
        else:
            messages.success(request, f"{data['code']} saved.")
            return tenant_redirect(request, "frameworks:version", pk=version.pk)
    return render(
        request,
        "frameworks/statement_form.html",
        {"form": form, "version": version, "statement": statement},
        status=400 if form.errors else 200,
    )


@require_POST
def statement_remove(request: TenantRequest, pk: int, statement_pk: int) -> HttpResponse:
    _, version = _editable_version(request, pk)
    statement = selectors.statement_get_for(version, statement_pk)
    try:
        services.statement_remove(actor=request.user, statement=statement)
    except services.FrameworkLocked as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{statement.code} removed.")
    return tenant_redirect(request, "frameworks:version", pk=version.pk)


@require_POST
def version_publish(request: TenantRequest, pk: int) -> HttpResponse:
    _, version = _editable_version(request, pk)
    try:
        services.version_publish(actor=request.user, version=version)
    except (services.FrameworkInvalid, services.FrameworkLocked) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"Version {version.number} is published: new judgements of {version.framework} use it.",
        )
    return tenant_redirect(request, "frameworks:version", pk=version.pk)


@require_POST
def version_new_draft(request: TenantRequest, pk: int) -> HttpResponse:
    """A new draft of this framework, copied from this version (the way to change a published one)."""
    _, version = _editable_version(request, pk)
    try:
        draft = services.version_draft_create(
            actor=request.user, framework=version.framework, source=version
        )
    except services.FrameworkInvalid as exc:
        messages.error(request, str(exc))
        return tenant_redirect(request, "frameworks:version", pk=version.pk)
    messages.success(
        request, f"Draft version {draft.number} started from version {version.number}."
    )
    return tenant_redirect(request, "frameworks:version", pk=draft.pk)


def version_import(request: TenantRequest, pk: int) -> HttpResponse:
    """Replace a draft's statements from a CSV: all or nothing, every bad row listed."""
    _, version = _editable_version(request, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(services.MAX_CSV_BYTES + 1)
        try:
            count = services.version_import_csv(
                actor=request.user, version=version, content=content
            )
        except (services.FrameworkInvalid, services.FrameworkLocked) as exc:
            form.add_error("file", str(exc))
            problems = getattr(exc, "problems", [])
        else:
            messages.success(request, f"{count} statements imported.")
            return tenant_redirect(request, "frameworks:version", pk=version.pk)
    return render(
        request,
        "frameworks/version_import.html",
        {"form": form, "version": version, "problems": problems},
        status=400 if form.errors else 200,
    )


def version_export(request: TenantRequest, pk: int) -> HttpResponse:
    membership = require(request, "framework.view")
    version = selectors.version_get_for(membership, pk)
    framework = version.framework
    response = HttpResponse(services.version_csv(version), content_type="text/csv; charset=utf-8")
    name = f"{framework.subject}-year-{framework.year_group}-version-{version.number}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Pieces of writing behind a judgement ---------------------------------------------------


def pieces(request: TenantRequest, pk: int) -> HttpResponse:
    """A judgement's pieces: the list, and (for those who record judgements) an upload form."""
    membership = require(request, "pupil_data.view")
    judgement = selectors.judgement_get_for(membership, pk)
    can_upload = membership.can("pupil_data.upload")
    if request.method == "POST" and not can_upload:
        raise PermissionDenied("Your role does not allow this.")
    form = PieceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the limit is enough to refuse an oversized file.
            data = upload.read(PIECE.max_bytes + 1)
            services.piece_add(
                actor=request.user, judgement=judgement, data=data, name=upload.name or ""
            )
        except PieceError as exc:
            form.add_error("file", str(exc))
        else:
            messages.success(request, "Piece of writing added.")
            return tenant_redirect(request, "frameworks:pieces", pk=judgement.pk)
    return render(
        request,
        "frameworks/pieces.html",
        {
            "judgement": judgement,
            "pieces": judgement.pieces.order_by("created_at"),
            "form": form,
            "can_upload": can_upload,
        },
        status=400 if form.errors else 200,
    )


def piece_download(request: TenantRequest, pk: int) -> FileResponse:
    membership = require(request, "pupil_data.view")
    piece = selectors.piece_get_for(membership, pk)
    services.piece_download_record(actor=request.user, piece=piece, route="school")
    return piece_response(piece, label=f"piece-{piece.pk}")


# --- A pupil's history across the trust's schools -------------------------------------------


def pupil_history(request: TenantRequest, key: str) -> HttpResponse:
    """Every judgement of one pupil in a subject, at any school of the trust, oldest first: the
    writing history a high school reads of a Year 9 who came from the trust's middle school."""
    membership = require(request, "pupil_data.view")
    pupil = selectors.pupil_for_history(membership, key)
    subject = request.GET.get("subject", FrameworkSubject.WRITING)
    if subject not in FrameworkSubject.values:
        raise Http404
    history = selectors.pupil_history(
        trust_id=request.trust.pk, pupil_ids=[pupil.pk], subject=subject
    )[pupil.pk]
    return render(
        request,
        "frameworks/pupil_history.html",
        {
            "pupil": pupil,
            "subject": FrameworkSubject(subject),
            "subjects": FrameworkSubject.choices,
            "history": history,
            "schools": len({j.academy_id for j in history}),
        },
    )
