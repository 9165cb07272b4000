"""Benchmark: governor reports. Spec: a 20-page academy report <= 10 s; a batch of 50 academies on
2 worker processes <= 5 min; print the figures and the peak memory of each worker.

1. Builds a trust in a throwaway PostgreSQL database: one large all-through academy (six terms
   of results and attendance, eight placements, many published visits and open actions, so its
   report runs to about 20 pages) and N-1 ordinary primary academies.
2. Times the large academy's report in-process: snapshot, HTML, PDF. Baseline: the same template
   rendered to PDF with no data (a one-page report), measured in the same run, so the ratio means
   something on any machine.
3. Starts a real `celery worker --concurrency 2` on its own Redis queue and runs every academy
   (plus the board report) through the real batch service (`batch_start`), then prints the wall
   time, the mean per report and each worker process's peak resident memory (VmHWM).

    .venv/bin/python bench/reports.py          # 50 academies
    .venv/bin/python bench/reports.py --ci     # 4 academies, well under 90 s

REDIS_URL defaults to redis://127.0.0.1:6379/4.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, arguments, bench_database, peak_rss_mb, report, timed

TERM = "2025-26-summer"
PAGE_BUDGET_S = 10.0
BATCH_BUDGET_S = 300.0
SIZES = {
    # academies in the trust (= in the batch), pupils per year group, open actions at the big one
    "full": {"academies": 50, "pupils": 30, "big_pupils": 60, "big_actions": 190, "big_visits": 14},
    "ci": {"academies": 4, "pupils": 12, "big_pupils": 30, "big_actions": 190, "big_visits": 14},
}
PRIMARY_YEARS = ["R", "1", "2", "3", "4", "5", "6"]
ALL_THROUGH_YEARS = [*PRIMARY_YEARS, "7", "8", "9", "10", "11"]
ACTION_TEXT = (
    "Embed the revised {subject} curriculum sequence in Year {year}: leaders check that pupils "
    "retain the core knowledge from each unit, and report on progress to the next visit."
)


# -- synthetic data ---------------------------------------------------------------------------


def _pupil_rows(rng: random.Random, year: str, season: str) -> list[tuple[str, str, float | None]]:
    """(subject, measure, value) results a pupil in `year` has at the end of a term."""
    rows: list[tuple[str, str, float | None]] = []
    ta = ["WTS", "EXS", "EXS", "EXS", "GDS"]
    if year not in ("R",):
        for subject in ("reading", "writing", "maths"):
            rows.append((subject, "ta", rng.choice(ta)))  # type: ignore[arg-type]
    if season != "summer":
        return rows
    if year == "R":
        rows.append(("eyfs", "gld", "Y" if rng.random() < 0.68 else "N"))  # type: ignore[arg-type]
    if year == "1":
        rows.append(("phonics", "phonics", str(rng.randint(20, 40))))  # type: ignore[arg-type]
    if year == "6":
        for subject in ("reading", "maths"):
            rows.append((subject, "scaled_score", str(rng.randint(92, 115))))  # type: ignore[arg-type]
    if year == "11":
        for subject in ("english_language", "maths"):
            rows.append((subject, "gcse_grade", str(rng.randint(2, 9))))  # type: ignore[arg-type]
        rows.append(("attainment8", "att8", f"{rng.uniform(30, 65):.1f}"))  # type: ignore[arg-type]
    return rows


def seed(size: dict[str, int]) -> tuple[Any, list[Any]]:
    """The trust and its academies (the first is the large all-through one)."""
    from django.utils import timezone

    from academies.models import Academy
    from assessment.models import Attendance, Enrolment, Pupil, Result
    from assessment.services import term_get_or_create
    from phases.models import Placement
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust
    from trust_si.terms import TermCode
    from visits.models import Action, Visit
    from visits.services import visit_types_ensure

    rng = random.Random(20260)
    trust = Trust.objects.create(slug="bench", name="Bench Learning Trust")
    with trust_scope(trust):
        academies = [
            Academy.objects.create(
                trust=trust,
                urn="900000",
                name="Bench All-Through Academy",
                phase_of_education="all_through",
                age_low=4,
                age_high=16,
                pupils_on_roll=size["big_pupils"] * 12,
            )
        ]
        for i in range(1, size["academies"]):
            academies.append(
                Academy.objects.create(
                    trust=trust,
                    urn=f"{900000 + i}",
                    name=f"Bench Primary Academy {i:02d}",
                    phase_of_education="primary",
                    age_low=4,
                    age_high=11,
                    pupils_on_roll=size["pupils"] * 7,
                )
            )
        codes = [t.code for t in TermCode.parse(TERM).window(6)]
        terms = [term_get_or_create(trust=trust, code=c) for c in codes]
        years = sorted({t.academic_year for t in terms})
        pupils, enrolments, results, attendance = [], [], [], []
        plan = []  # (pupil index, academy, year group, academic year)
        for n, academy in enumerate(academies):
            groups = ALL_THROUGH_YEARS if n == 0 else PRIMARY_YEARS
            per_year = size["big_pupils"] if n == 0 else size["pupils"]
            for academic_year in years:
                for year in groups:
                    for _ in range(per_year):
                        plan.append((len(pupils), academy, year, academic_year))
                        key = hashlib.sha256(f"{academy.urn}-{len(pupils)}".encode()).hexdigest()
                        pupils.append(Pupil(trust=trust, key=key))
        Pupil.objects.bulk_create(pupils, batch_size=5000)
        for index, academy, year, academic_year in plan:
            pupil = pupils[index]
            enrolments.append(
                Enrolment(
                    trust=trust,
                    pupil=pupil,
                    academy=academy,
                    academic_year=academic_year,
                    year_group=year,
                    disadvantaged=rng.random() < 0.3,
                    send="K" if rng.random() < 0.12 else "",
                    eal=rng.random() < 0.15,
                    sex=rng.choice("MF"),
                    prior_band=rng.choice(["low", "middle", "middle", "high"]),
                )
            )
            for term in terms:
                if term.academic_year != academic_year:
                    continue
                for subject, measure, value in _pupil_rows(rng, year, term.season):
                    numeric = float(value) if value and value[0].isdigit() else None  # type: ignore[index]
                    results.append(
                        Result(
                            trust=trust,
                            pupil=pupil,
                            academy=academy,
                            term=term,
                            subject=subject,
                            measure=measure,
                            value=str(value)[:8],
                            numeric=numeric,
                        )
                    )
                attendance.append(
                    Attendance(
                        trust=trust,
                        pupil=pupil,
                        academy=academy,
                        term=term,
                        sessions_possible=120,
                        sessions_missed=min(120, int(rng.expovariate(1 / 7))),
                    )
                )
        Enrolment.objects.bulk_create(enrolments, batch_size=5000)
        Result.objects.bulk_create(results, batch_size=5000)
        Attendance.objects.bulk_create(attendance, batch_size=5000)

        phases = [
            "repair",
            "repair",
            "improve",
            "improve",
            "improve",
            "sustain",
            "improve",
            "improve",
        ]
        placements = []
        for n, academy in enumerate(academies):
            history = phases if n == 0 else phases[-1:]
            for k, phase in enumerate(history):
                reasons = [
                    {
                        "rule": "kpi_vs_national",
                        "level": 2.0,
                        "weight": 1.0,
                        "evidence": {},
                        "text": f"Reason {r + 1} for {phase}: KS2 combined 58.0% against 61.0% "
                        f"nationally (-3.0 pts, cohort 30); national figure from 2024-25",
                    }
                    for r in range(6)
                ]
                placements.append(
                    Placement(
                        trust=trust,
                        academy=academy,
                        term_code=codes[min(k, len(codes) - 1)],
                        subject="",
                        proposed_phase=phase,
                        level=2.0,
                        reasons=reasons,
                        missing=[],
                        status="confirmed" if k < len(history) - 1 else "proposed",
                    )
                )
        Placement.objects.bulk_create(placements)

        visit_type = visit_types_ensure(trust=trust)[0]
        actions = []
        for n, academy in enumerate(academies):
            visits = size["big_visits"] if n == 0 else 2
            for v in range(visits):
                visit = Visit.objects.create(
                    trust=trust,
                    academy=academy,
                    visit_type=visit_type,
                    date=dt.date(2026, 4, 20) + dt.timedelta(days=7 * v),
                    status="published",
                    published_at=timezone.now(),
                    focus_areas="Reading fluency in Key Stage 2; writing at greater depth; attendance of disadvantaged pupils",
                )
                count = size["big_actions"] // visits if n == 0 else 2
                for a in range(count):
                    actions.append(
                        Action(
                            trust=trust,
                            visit=visit,
                            academy=academy,
                            description=ACTION_TEXT.format(
                                subject=rng.choice(["English", "maths", "science", "history"]),
                                year=rng.randint(1, 11),
                            ),
                            owner=rng.choice(
                                ["Head teacher", "English lead", "Deputy head", "SENCo"]
                            ),
                            due_on=dt.date(2026, 5, 1) + dt.timedelta(days=a * 3),
                            status=rng.choice(["open", "in_progress"]),
                        )
                    )
        Action.objects.bulk_create(actions, batch_size=2000)
    return trust, academies


# -- one report in-process --------------------------------------------------------------------


def time_one_report(trust: Any, academy: Any, results: dict[str, float]) -> int:
    from reporting.reports import AcademyTermlyReport
    from trust_si.pdf import html_to_pdf
    from trust_si.tenancy.context import trust_scope

    with trust_scope(trust):
        blank = {
            "kind": "academy",
            "generated_at": "2026-07-20T12:00:00+00:00",
            "term": TERM,
            "term_label": "Summer term 2025-26",
            "min_cohort": 5,
            "trust": {"name": trust.name, "slug": trust.slug, "logo": ""},
            "subject_name": academy.name,
            "academy": {"name": academy.name, "urn": academy.urn},
            "placement": {},
            "kpis": [],
            "visits": {},
            "cpd": {},
            "partnerships": {},
            "moderation": {},
        }
        # Warm-up: the first render loads pango and fonts, which no later report pays for again.
        AcademyTermlyReport.render_pdf(blank, title="warm-up")
        with timed(results, "blank_pdf"):
            _, blank_pages = AcademyTermlyReport.render_pdf(blank, title="blank")
        with timed(results, "total"):
            with timed(results, "snapshot"):
                snapshot = AcademyTermlyReport.build_snapshot(
                    trust=trust, academy=academy, term_code=TERM
                )
            with timed(results, "html"):
                html = AcademyTermlyReport.render_html(snapshot, for_pdf=True)
            with timed(results, "pdf"):
                pdf = html_to_pdf(
                    html, title="bench", created=dt.datetime.fromisoformat(snapshot["generated_at"])
                )
        import io

        from pypdf import PdfReader

        results["blank_pages"] = blank_pages
        results["pdf_kb"] = len(pdf) / 1024
        results["kpis"] = len(snapshot["kpis"])
        results["actions"] = len(snapshot["visits"]["open_actions"])
        return len(PdfReader(io.BytesIO(pdf)).pages)


# -- a batch on a real worker -----------------------------------------------------------------


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _vm(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_batch(trust: Any, academies: list[Any], db_url: str, timeout: float) -> dict[str, Any]:
    from reporting.models import Report, ReportBatch
    from reporting.services import batch_start
    from trust_si.celery import app
    from trust_si.tenancy.context import trust_scope

    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "trust_si.settings.test",
        "DATABASE_URL": db_url,
        "CELERY_EAGER": "0",
    }
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "trust_si",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "2",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    peaks: dict[int, float] = {}
    try:
        deadline = time.monotonic() + 30
        while len(_children(worker.pid)) < 2:
            if worker.poll() is not None or time.monotonic() > deadline:
                sys.exit(
                    "the Celery worker did not start:\n"
                    + (worker.stdout.read() if worker.stdout else "")
                )
            time.sleep(0.2)
        time.sleep(1)  # the pool processes finish importing Django
        start = time.perf_counter()
        with trust_scope(trust):
            batch = batch_start(actor=None, trust=trust, term_code=TERM, academies=academies)
        while True:
            for child in _children(worker.pid):
                peaks[child] = max(peaks.get(child, 0.0), _vm(child, "VmHWM"))
            with trust_scope(trust):
                current = ReportBatch.objects.get(pk=batch.pk)
            if current.finished_at:
                break
            if time.monotonic() - start > timeout:
                sys.exit(
                    f"batch not finished after {timeout:.0f} s: {current.done} done, {current.failed} failed"
                )
            time.sleep(0.25)
        wall = time.perf_counter() - start
        with trust_scope(trust):
            pages = list(Report.objects.filter(batch=current).values_list("pages", flat=True))
        return {
            "wall": wall,
            "done": current.done,
            "failed": current.failed,
            "total": current.total,
            "pages": pages,
            "peaks": peaks,
            "main_rss": _vm(worker.pid, "VmHWM"),
        }
    finally:
        from trust_si.processes import process_stop  # Django set up: ROOT on the path

        process_stop(worker)


def _redis_ok(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    size = SIZES["ci" if args.ci else "full"]
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/4")
    os.environ["CELERY_EAGER"] = "0"
    media = tempfile.mkdtemp(prefix="bench-reports-")
    os.environ["TRUST_SI_MEDIA_ROOT"] = media  # the worker stores PDFs in the same folder
    if not _redis_ok(os.environ["REDIS_URL"]):
        sys.exit(f"the batch needs Redis at {os.environ['REDIS_URL']} (set REDIS_URL)")
    try:
        with bench_database("reports", keep=args.keep) as db_url:
            seeding: dict[str, float] = {}
            with timed(seeding, "seed"):
                trust, academies = seed(size)
            one: dict[str, float] = {}
            pages = time_one_report(trust, academies[0], one)
            batch = run_batch(trust, academies, db_url, timeout=600 if not args.ci else 120)
    finally:
        shutil.rmtree(media, ignore_errors=True)

    n = batch["total"]
    report(
        "Academy report, in-process (large all-through academy)",
        [
            (
                "pages",
                f"{pages} ({int(one['kpis'])} KPIs, {int(one['actions'])} open actions; "
                f"{one['pdf_kb']:.0f} KB)",
            ),
            ("snapshot (queries)", f"{one['snapshot']:.2f} s"),
            ("HTML (templates)", f"{one['html']:.2f} s"),
            ("PDF (WeasyPrint)", f"{one['pdf']:.2f} s"),
            (
                "total",
                f"{one['total']:.2f} s  (budget {PAGE_BUDGET_S:.0f} s: "
                f"{'within' if one['total'] <= PAGE_BUDGET_S else 'OVER'})",
            ),
            ("per page", f"{one['total'] / pages:.3f} s"),
            (
                "baseline: blank report",
                f"{one['blank_pdf']:.2f} s for {int(one['blank_pages'])} page(s)",
            ),
            ("ratio report / blank", f"{one['total'] / one['blank_pdf']:.1f}x"),
            ("peak RSS, this process", f"{peak_rss_mb():.0f} MB"),
        ],
    )
    peaks = sorted(batch["peaks"].items())
    report(
        f"Batch on a real worker (--concurrency 2): {len(academies)} academies + board report",
        [
            ("seeded data", f"{seeding['seed']:.1f} s"),
            ("reports", f"{batch['done']} ready, {batch['failed']} failed of {n}"),
            (
                "pages",
                f"{sum(p or 0 for p in batch['pages'])} in all, "
                f"{min(p or 0 for p in batch['pages'])}-{max(p or 0 for p in batch['pages'])} each",
            ),
            (
                "wall time",
                f"{batch['wall']:.1f} s  (budget {BATCH_BUDGET_S:.0f} s for 50: "
                f"{'within' if batch['wall'] * 50 / max(len(academies), 1) <= BATCH_BUDGET_S else 'OVER'}"
                f"{'' if len(academies) == 50 else ', scaled to 50'})",
            ),
            ("mean per report (wall / n)", f"{batch['wall'] / n:.2f} s"),
            ("mean worker time per report", f"{2 * batch['wall'] / n:.2f} s (2 processes busy)"),
            *[(f"peak RSS, pool process {pid}", f"{mb:.0f} MB") for pid, mb in peaks],
            ("peak RSS, worker main process", f"{batch['main_rss']:.0f} MB"),
        ],
    )
    if batch["failed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
