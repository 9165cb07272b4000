"""Writes of frameworks and judgements: every one atomic and audited.

A published version never changes: every edit below refuses one (`FrameworkLocked`). Changing a
published framework means a new draft (a copy of it), published in its turn; judgements keep the
version they were made with.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from academies.models import Academy
from assessment.kinds import MAX_REASON_LENGTH, SUBJECTS
from assessment.kpis.store import kpi_figures_invalidate
from assessment.models import Pupil, Term
from trust_si.audit.services import audit_record
from trust_si.limits import FRAMEWORK, PIECES_PER_JUDGEMENT, LimitExceeded, csv_numbered_rows
from trust_si.tenancy.models import Trust

from .models import (
    Framework,
    FrameworkVersion,
    Independence,
    ModerationAgreement,
    Piece,
    Statement,
    Strand,
    TeacherJudgement,
    VersionStatus,
)
from .pieces import PieceError, piece_check
from .rules import LEVELS, parse_levels, propose, split_codes, standard_levels
from .selectors import published_version_for
from .starters import Starter

if TYPE_CHECKING:
    from trust_si.accounts.models import User

MAX_CSV_BYTES = FRAMEWORK.max_bytes
MAX_CSV_ROWS = FRAMEWORK.max_rows - 1  # the header is a row
CSV_HEADERS = ["strand", "code", "level", "statement"]


class FrameworkLocked(Exception):
    """The version is published: it never changes. The message is for the user."""


class FrameworkInvalid(ValueError):
    """Refused input; `problems` lists (row, column, reason)."""

    def __init__(self, message: str, problems: list[tuple[int, str, str]] | None = None):
        super().__init__(message)
        self.problems = problems or []


def _editable(version: FrameworkVersion) -> None:
    if version.is_published:
        raise FrameworkLocked(
            f"Version {version.number} is published and never changes: start a new draft."
        )


@transaction.atomic
def framework_create(
    *, actor: User | None, trust: Trust, subject: str, year_group: str
) -> Framework:
    framework, _ = Framework.objects.get_or_create(
        trust=trust, subject=subject, year_group=year_group
    )
    audit_record(actor=actor, action="framework.create", target=framework)
    return framework


def _next_number(framework: Framework) -> int:
    return (framework.versions.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def version_draft_create(
    *, actor: User | None, framework: Framework, source: FrameworkVersion | None = None
) -> FrameworkVersion:
    """A new draft: empty, or a copy of `source` (this framework's or another year group's)."""
    if source is not None and source.trust_id != framework.trust_id:
        raise FrameworkInvalid("That framework is not one of this trust's.")
    draft = framework.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        # One draft at a time, so the working party never edits two competing versions.
        raise FrameworkInvalid(
            f"{framework} already has a draft (version {draft.number}): edit or publish it first."
        )
    version = FrameworkVersion.objects.create(
        trust_id=framework.trust_id,
        framework=framework,
        number=_next_number(framework),
        authors=source.authors if source else "",
        allow_one_weakness=source.allow_one_weakness if source else False,
        levels=source.levels if source else standard_levels(),
        copied_from=source,
    )
    if source is not None:
        for strand in source.strands.prefetch_related("statements"):
            copy = Strand.objects.create(
                trust_id=framework.trust_id, version=version, name=strand.name, order=strand.order
            )
            Statement.objects.bulk_create(
                Statement(
                    trust_id=framework.trust_id,
                    version=version,
                    strand=copy,
                    code=s.code,
                    level=s.level,
                    text=s.text,
                    order=s.order,
                )
                for s in strand.statements.all()
            )
    audit_record(
        actor=actor,
        action="framework.draft",
        target=version,
        changes={"copied_from": source.pk if source else None},
    )
    return version


@transaction.atomic
def version_update(
    *, actor: User | None, version: FrameworkVersion, authors: str, allow_one_weakness: bool
) -> FrameworkVersion:
    _editable(version)
    changes: dict[str, list[object]] = {}
    if version.authors != authors:
        changes["authors"] = [version.authors, authors]
    if version.allow_one_weakness != allow_one_weakness:
        changes["allow_one_weakness"] = [version.allow_one_weakness, allow_one_weakness]
    version.authors = authors[:500]
    version.allow_one_weakness = allow_one_weakness
    version.save(update_fields=["authors", "allow_one_weakness"])
    audit_record(actor=actor, action="framework.update", target=version, changes=changes)
    return version


@transaction.atomic
def statement_add(
    *,
    actor: User | None,
    version: FrameworkVersion,
    strand_name: str,
    code: str,
    level: str,
    text: str,
) -> Statement:
    _editable(version)
    code, strand_name, text = code.strip().upper(), strand_name.strip(), text.strip()
    if level not in version.level_codes:
        raise FrameworkInvalid(_use_levels(version.level_codes))
    if not code or not text or not strand_name:
        raise FrameworkInvalid("A statement needs a strand, a code and its text.")
    if version.statements.filter(code=code).exists():
        raise FrameworkInvalid(f"{code} is already a statement of this version.")
    strand = version.strands.filter(name=strand_name).first() or Strand.objects.create(
        trust_id=version.trust_id,
        version=version,
        name=strand_name[:120],
        order=version.strands.count(),
    )
    statement = Statement.objects.create(
        trust_id=version.trust_id,
        version=version,
        strand=strand,
        code=code[:12],
        level=level,
        text=text[:400],
        order=strand.statements.count(),
    )
    audit_record(
        actor=actor, action="framework.statement_add", target=version, changes={"code": code}
    )
    return statement


@transaction.atomic
def statement_update(
    *,
    actor: User | None,
    statement: Statement,
    strand_name: str,
    code: str,
    level: str,
    text: str,
) -> Statement:
    """Change a draft's statement; moving it to a strand that does not exist yet creates it."""
    version = statement.version
    _editable(version)
    code, strand_name, text = code.strip().upper(), strand_name.strip(), text.strip()
    if level not in version.level_codes:
        raise FrameworkInvalid(_use_levels(version.level_codes))
    if not code or not text or not strand_name:
        raise FrameworkInvalid("A statement needs a strand, a code and its text.")
    if version.statements.filter(code=code).exclude(pk=statement.pk).exists():
        raise FrameworkInvalid(f"{code} is already a statement of this version.")
    old_strand = statement.strand
    if old_strand.name != strand_name:
        statement.strand = version.strands.filter(name=strand_name).first() or (
            Strand.objects.create(
                trust_id=version.trust_id,
                version=version,
                name=strand_name[:120],
                order=version.strands.count(),
            )
        )
        statement.order = statement.strand.statements.count()
    changes = {
        name: [before, after]
        for name, before, after in (
            ("code", statement.code, code),
            ("level", statement.level, level),
            ("text", statement.text, text),
            ("strand", old_strand.name, strand_name),
        )
        if before != after
    }
    statement.code, statement.level, statement.text = code[:12], level, text[:400]
    statement.save()
    if old_strand.pk != statement.strand_id and not old_strand.statements.exists():
        old_strand.delete()
    audit_record(actor=actor, action="framework.statement_update", target=version, changes=changes)
    return statement


@transaction.atomic
def statement_remove(*, actor: User | None, statement: Statement) -> None:
    _editable(statement.version)
    audit_record(
        actor=actor,
        action="framework.statement_remove",
        target=statement.version,
        changes={"code": statement.code},
    )
    strand = statement.strand
    statement.delete()
    if not strand.statements.exists():
        strand.delete()


@transaction.atomic
def version_publish(*, actor: User | None, version: FrameworkVersion) -> FrameworkVersion:
    """Draft -> published (for ever). Refused without EXS statements: nothing could be proposed."""
    version = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
    _editable(version)
    expected = version.expected_code()
    if not version.statements.filter(level=expected).exists():
        raise FrameworkInvalid(
            f"A framework needs expected-standard ({expected}) statements to be published."
        )
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_record(actor=actor, action="framework.publish", target=version)
    return version


def starter_apply(*, actor: User | None, version: FrameworkVersion, starter: Starter) -> None:
    for strand, statements in starter:
        for code, level, text in statements:
            statement_add(
                actor=actor, version=version, strand_name=strand, code=code, level=level, text=text
            )


def version_csv(version: FrameworkVersion) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADERS)
    for s in version.statements.select_related("strand"):
        writer.writerow([s.strand.name, s.code, s.level, s.text])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_rows(content: bytes, levels: Sequence[str] = LEVELS) -> Starter:
    """Validate a framework CSV in full (bounded) before anything is written."""
    if len(content) > MAX_CSV_BYTES:
        raise FrameworkInvalid(f"The file is larger than {MAX_CSV_BYTES // 1000} kB.")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FrameworkInvalid("Save the file as CSV (UTF-8).") from None
    # Bounded (trust_si.limits.FRAMEWORK): columns, characters in a cell, rows, seconds.
    try:
        numbered = list(csv_numbered_rows(text, FRAMEWORK))
    except LimitExceeded as exc:
        if "rows" in str(exc):
            raise FrameworkInvalid(f"At most {MAX_CSV_ROWS} statements.") from None
        raise FrameworkInvalid(str(exc)) from None
    if not numbered or numbered[0][0] != 1:
        raise FrameworkInvalid("The first row must be: strand, code, level, statement.")
    if [h.strip().lower() for h in numbered[0][1][:4]] != CSV_HEADERS:
        raise FrameworkInvalid("The first row must be: strand, code, level, statement.")
    problems: list[tuple[int, str, str]] = []
    seen: set[str] = set()
    strands: dict[str, list[tuple[str, str, str]]] = {}
    for number, row in numbered[1:]:
        if not any(c.strip() for c in row):
            continue
        if len(row) != 4:
            problems.append((number, "", "Four columns: strand, code, level, statement."))
            continue
        strand, code, level, statement = (c.strip() for c in row)
        code, level = code.upper(), level.upper()
        if not strand or len(strand) > 120:
            problems.append((number, "strand", "A strand name of 1-120 characters."))
        if not code or len(code) > 12 or not code.isalnum():
            problems.append((number, "code", "A code of letters and digits, at most 12."))
        elif code in seen:
            problems.append((number, "code", f"{code} appears twice."))
        if level not in levels:
            problems.append((number, "level", _use_levels(levels)))
        if not statement or len(statement) > 400:
            problems.append((number, "statement", "The statement's text, at most 400 characters."))
        seen.add(code)
        strands.setdefault(strand, []).append((code, level, statement))
    if problems:
        raise FrameworkInvalid(f"{len(problems)} problem(s): nothing was imported.", problems)
    return list(strands.items())


@transaction.atomic
def version_import_csv(*, actor: User | None, version: FrameworkVersion, content: bytes) -> int:
    """Replace a draft's statements with a CSV's (all or nothing); returns the statements."""
    _editable(version)
    starter = _csv_rows(content, version.level_codes)
    version.statements.all().delete()
    version.strands.all().delete()
    starter_apply(actor=actor, version=version, starter=starter)
    count = sum(len(s) for _, s in starter)
    audit_record(
        actor=actor, action="framework.import", target=version, changes={"statements": count}
    )
    return count


@transaction.atomic
def judgement_record(
    *,
    actor: User | None,
    academy: Academy,
    term: Term,
    pupil: Pupil,
    subject: str,
    year_group: str,
    secure: list[str],
    independence: str = Independence.INDEPENDENT,
    source_subject: str = "",
    level: str = "",
    reason: str = "",
) -> TeacherJudgement:
    """Record (or change) one pupil's judgement from the class grid, against the year group's
    current published framework; the rule proposes, the teacher confirms or gives a reason."""
    version = published_version_for(
        trust_id=academy.trust_id, subject=subject, year_group=year_group
    )
    if version is None:
        raise FrameworkInvalid(f"Year {year_group} has no published {subject} framework yet.")
    if pupil.trust_id != academy.trust_id or term.trust_id != academy.trust_id:
        raise FrameworkInvalid("That pupil is not one of this trust's.")
    codes = split_codes(" ".join(secure))
    statements = version.statement_levels()
    unknown = sorted(set(codes) - {c for c, _ in statements})
    if unknown:
        raise FrameworkInvalid(f"Not statements of this framework: {', '.join(unknown)}.")
    if independence not in Independence.values:
        raise FrameworkInvalid("Use independent or scaffolded.")
    if source_subject and source_subject not in SUBJECTS:
        raise FrameworkInvalid("Not a subject.")
    proposal = propose(
        statements,
        codes,
        allow_one_weakness=version.allow_one_weakness,
        levels=version.level_codes,
    )
    level = level or proposal.level
    if level not in version.level_codes:
        raise FrameworkInvalid(_use_levels(version.level_codes))
    reason = reason.strip()[:MAX_REASON_LENGTH]
    if level != proposal.level and not reason:
        raise FrameworkInvalid(
            f"The judgement {level} differs from the framework's proposal {proposal.level}: give a reason."
        )
    existing = TeacherJudgement.objects.filter(pupil=pupil, term=term, subject=subject).first()
    if existing is not None and existing.academy_id != academy.pk:
        raise FrameworkInvalid("This pupil's judgement this term was recorded at another academy.")
    judgement, created = TeacherJudgement.objects.update_or_create(
        trust_id=academy.trust_id,
        pupil=pupil,
        term=term,
        subject=subject,
        defaults={
            "academy": academy,
            "year_group": year_group,
            "version": version,
            "secure": " ".join(codes),
            "independence": independence,
            "source_subject": source_subject,
            "proposed": proposal.level,
            "level": level,
            "reason": reason if level != proposal.level else "",
            "recorded_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action="judgement.create" if created else "judgement.update",
        target=judgement,
        changes={"level": level, "proposed": proposal.level, "secure": len(codes)},
    )
    # Judgements feed the writing KPIs: the next reader rebuilds the stored figures. Last in the
    # transaction, as an upload's commit does (the figures' row stays locked until it commits).
    # No recompute signal: the grid saves a row at a time, and the heat map follows at the next
    # recompute.
    kpi_figures_invalidate(trust_id=academy.trust_id)
    return judgement


@transaction.atomic
def piece_add(*, actor: User | None, judgement: TeacherJudgement, data: bytes, name: str) -> Piece:
    """Attach a piece of writing (PDF, PNG or JPEG, checked by content) to a judgement.

    Stored under the trust's folder with a random part and a name of our own
    (`piece.<type>`): the uploaded name is kept as a label only, never in a path.
    """
    checked = piece_check(data)
    locked = TeacherJudgement.objects.select_for_update().get(pk=judgement.pk)
    if locked.pieces.count() >= PIECES_PER_JUDGEMENT:
        raise PieceError(f"A judgement has at most {PIECES_PER_JUDGEMENT} pieces of writing.")
    piece = Piece(
        trust_id=judgement.trust_id,
        judgement=locked,
        content_type=checked.content_type,
        original_name=(name or "piece").replace("/", "_").replace("\\", "_")[:255],
        size=checked.size,
        uploaded_by=actor,
    )
    piece.file.save(f"piece.{checked.extension}", ContentFile(data), save=False)
    piece.save()
    audit_record(
        actor=actor,
        action="piece.upload",
        target=piece,
        changes={"judgement": judgement.pk, "type": checked.content_type, "size": checked.size},
    )
    return piece


def piece_download_record(*, actor: User | None, piece: Piece, route: str) -> None:
    """Who read a pupil's writing, and through which door (the school's, or a moderator's)."""
    audit_record(
        actor=actor,
        action="piece.download",
        target=piece,
        changes={"judgement": piece.judgement_id, "route": route},
    )


@transaction.atomic
def moderation_agreement_replace(
    *,
    trust_id: int,
    round_ref: int,
    round_name: str,
    term: Term,
    subject: str,
    rows: dict[int, tuple[int, int, int, int]],
) -> int:
    """Replace a closed round's agreement per academy: academy id -> (moderated, agreed,
    generous, severe). Called by the moderation app when a round closes; idempotent."""
    ModerationAgreement.objects.filter(trust_id=trust_id, round_ref=round_ref).delete()
    now = timezone.now()
    ModerationAgreement.objects.bulk_create(
        ModerationAgreement(
            trust_id=trust_id,
            round_ref=round_ref,
            round_name=round_name[:200],
            academy_id=academy_id,
            term=term,
            subject=subject,
            moderated=moderated,
            agreed=agreed,
            generous=generous,
            severe=severe,
            closed_at=now,
        )
        for academy_id, (moderated, agreed, generous, severe) in rows.items()
        if moderated
    )
    return len(rows)


def _use_levels(codes: Sequence[str]) -> str:
    """ "Use WTS, EXS or GDS." for the standard levels; the trust's own codes otherwise."""
    return f"Use {', '.join(codes[:-1])} or {codes[-1]}."


@transaction.atomic
def version_levels_set(*, actor: User | None, version: FrameworkVersion, text: str) -> None:
    """A draft's levels, lowest first, from lines "CODE, name[, expected | greater depth]" (the
    trust's own levels instead of WTS / EXS / GDS). Refused, every problem named, when unsound
    or when a statement of the draft sits at a level the new list drops."""
    _editable(version)
    levels, problems = parse_levels(text)
    if problems:
        raise FrameworkInvalid(" ".join(problems))
    codes = {row[0] for row in levels}
    orphans = sorted({s.level for s in version.statements.all()} - codes)
    if orphans:
        raise FrameworkInvalid(
            f"Statements of this draft are at {', '.join(orphans)}: move or remove them first."
        )
    if levels == version.levels:
        return
    old = version.levels
    version.levels = levels
    version.save(update_fields=["levels"])
    audit_record(
        actor=actor,
        action="framework.update",
        target=version,
        changes={"levels": [[r[0] for r in old], [r[0] for r in levels]]},
    )
