"""Heat-map benchmark: full placement + heat-map recompute of a large trust, and the page's time.

Full size (run by hand): 100 academies, 60,000 pupils, 6 terms of teacher assessments and
attendance plus summer tests (about 1.6 million result rows); CI size (`--ci`): 10 academies,
3,000 pupils. Targets (issue 5): full recompute <= 5 s, heat-map page <= 300 ms server time.

Baselines measured in the same run, so the ratios mean something on any machine:
- recompute: one raw SQL pass that reads every row the recompute reads (results and attendance
  of the window's terms) and aggregates them by academy and term;
- page: a raw SQL read of the same heat-map rows the page shows.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python bench/heatmap.py [--ci]
"""

from __future__ import annotations

import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import arguments, bench_database, peak_rss_mb, report, timed

TERMS = [
    "2024-25-autumn",
    "2024-25-spring",
    "2024-25-summer",
    "2025-26-autumn",
    "2025-26-spring",
    "2025-26-summer",
]
TA = ["WTS", "EXS", "EXS", "EXS", "GDS"]


def build(n_academies: int, n_pupils: int) -> tuple[object, object]:
    """A trust with academies, pupils, enrolments, results and attendance, loaded with COPY."""
    from django.db import connection

    from academies.models import Academy
    from assessment.models import Attendance, Enrolment, Pupil, Result, Term
    from tests.factories import member
    from trust_si.accounts.roles import Role
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust
    from trust_si.terms import Season, TermCode

    rng = random.Random(2026)
    trust = Trust.objects.create(slug="bench", name="Bench Trust")
    with trust_scope(trust):
        academies = []
        for i in range(n_academies):
            secondary = i % 5 == 4
            academies.append(
                Academy(
                    trust=trust,
                    urn=f"{700000 + i}",
                    name=f"Academy {i:03d}",
                    phase_of_education="secondary" if secondary else "primary",
                    age_low=11 if secondary else 4,
                    age_high=16 if secondary else 11,
                )
            )
        Academy.objects.bulk_create(academies)
        terms = {}
        for code in TERMS:
            term = TermCode.parse(code)
            terms[code] = Term.objects.create(
                trust=trust, academic_year=term.academic_year, season=term.season.code
            )
        Pupil.objects.bulk_create(
            [Pupil(trust=trust, key=f"{n:064x}") for n in range(n_pupils)], batch_size=5000
        )
        pupil_ids = list(Pupil.objects.order_by("pk").values_list("pk", flat=True))
        leader = member(trust, Role.TRUST_LEADER, email="leader@bench.test")

    per = n_pupils // n_academies
    enrol, results, attendance = io.StringIO(), io.StringIO(), io.StringIO()
    for index, pupil in enumerate(pupil_ids):
        academy = academies[min(index // per, n_academies - 1)]
        secondary = academy.phase_of_education == "secondary"
        year_group = str(
            rng.choice(range(7, 12))
            if secondary
            else rng.choice(["R", "1", "2", "3", "4", "5", "6"])
        )
        dis, sex = rng.random() < 0.3, rng.choice("FM")
        band = rng.choice(["low", "middle", "middle", "high"])
        for year in ("2024-25", "2025-26"):
            enrol.write(
                f"{trust.pk}\t{pupil}\t{academy.pk}\t{year}\t{year_group}\t{dis}\t\t{False}\t{sex}\t{band}\n"
            )
        for term in terms.values():
            strength = rng.random()
            if not secondary and year_group not in ("R",):
                for subject in ("reading", "writing", "maths"):
                    grade = TA[min(4, int(strength * 5 + rng.random()))]
                    results.write(
                        f"{trust.pk}\t{pupil}\t{academy.pk}\t{term.pk}\t{subject}\tta\t{grade}\t\\N\n"
                    )
            if term.term_code.season is Season.SUMMER:
                if year_group == "6":
                    for subject in ("reading", "maths"):
                        score = int(90 + strength * 25)
                        results.write(
                            f"{trust.pk}\t{pupil}\t{academy.pk}\t{term.pk}\t{subject}\tscaled_score\t{score}\t{score}\n"
                        )
                if year_group == "1":
                    mark = int(20 + strength * 20)
                    results.write(
                        f"{trust.pk}\t{pupil}\t{academy.pk}\t{term.pk}\tphonics\tphonics\t{mark}\t{mark}\n"
                    )
                if year_group == "R":
                    results.write(
                        f"{trust.pk}\t{pupil}\t{academy.pk}\t{term.pk}\teyfs\tgld\t{'Y' if strength > 0.35 else 'N'}\t\\N\n"
                    )
                if year_group == "11":
                    for subject in ("english_language", "maths"):
                        grade = 1 + int(strength * 8)
                        results.write(
                            f"{trust.pk}\t{pupil}\t{academy.pk}\t{term.pk}\t{subject}\tgcse_grade\t{grade}\t{grade}\n"
                        )
                    att8 = round(20 + strength * 50, 1)
                    results.write(
                        f"{trust.pk}\t{pupil}\t{academy.pk}\t{term.pk}\tattainment8\tatt8\t{att8}\t{att8}\n"
                    )
            missed = int(rng.random() ** 3 * 40)
            attendance.write(f"{trust.pk}\t{pupil}\t{academy.pk}\t{term.pk}\t120\t{missed}\n")
    with connection.cursor() as cursor:
        raw = cursor.connection
        for model, columns, buffer in (
            (
                Enrolment,
                "trust_id, pupil_id, academy_id, academic_year, year_group, disadvantaged, send, eal, sex, prior_band",
                enrol,
            ),
            (
                Result,
                "trust_id, pupil_id, academy_id, term_id, subject, measure, value, numeric",
                results,
            ),
            (
                Attendance,
                "trust_id, pupil_id, academy_id, term_id, sessions_possible, sessions_missed",
                attendance,
            ),
        ):
            with raw.cursor().copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                copy.write(buffer.getvalue())
        cursor.execute("ANALYZE")
    return trust, leader


def main() -> None:
    args = arguments(__doc__ or "")
    n_academies, n_pupils = (10, 3000) if args.ci else (100, 60000)
    with bench_database("heatmap", keep=args.keep):
        from django.db import connection
        from django.test import Client

        from assessment.models import Result
        from phases.models import HeatmapRow
        from phases.pipeline import recompute_run
        from trust_si.tenancy.context import trust_scope

        figures: dict[str, float] = {}
        with timed(figures, "build"):
            trust, leader = build(n_academies, n_pupils)
        with trust_scope(trust):  # type: ignore[arg-type]
            rows = Result.objects.count()
        window = TERMS[-4:]
        with timed(figures, "baseline_sql"), connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.academy_id, r.term_id, r.subject, count(*), avg(r.numeric) FROM assessment_result r "
                "JOIN assessment_term t ON t.id = r.term_id WHERE r.trust_id = %s "
                "AND t.academic_year || '-' || t.season = ANY(%s) GROUP BY 1, 2, 3",
                [trust.pk, window],
            )  # type: ignore[attr-defined]
            cursor.fetchall()
            cursor.execute(
                "SELECT a.academy_id, a.term_id, avg(a.sessions_missed::float / a.sessions_possible) "
                "FROM assessment_attendance a WHERE a.trust_id = %s GROUP BY 1, 2",
                [trust.pk],
            )  # type: ignore[attr-defined]
            cursor.fetchall()
        with trust_scope(trust):  # type: ignore[arg-type]
            recompute_run(trust=trust, term="2025-26-spring")  # last term's map, for compare
            with timed(figures, "recompute"):
                recompute_run(trust=trust)  # type: ignore[arg-type]
            with timed(figures, "recompute_again"):
                recompute_run(trust=trust)  # type: ignore[arg-type]
            map_rows = HeatmapRow.objects.filter(term_code="2025-26-summer").count()

        client = Client()
        client.force_login(leader)  # type: ignore[arg-type]
        url = f"/t/{trust.slug}/heatmap/"  # type: ignore[attr-defined]
        assert client.get(url).status_code == 200  # warm
        samples, compare_samples, sql_samples = [], [], []
        for _ in range(7):
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            client.get(url + "?compare=2025-26-spring&group=disadvantaged")
            compare_samples.append(time.perf_counter() - start)
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT h.cells, a.name FROM phases_heatmaprow h JOIN academies_academy a "
                    "ON a.id = h.academy_id WHERE h.trust_id = %s AND h.term_code = %s AND "
                    "h.\"group\" = 'all'",
                    [trust.pk, "2025-26-summer"],
                )  # type: ignore[attr-defined]
                cursor.fetchall()
            sql_samples.append(time.perf_counter() - start)
        assert response.status_code == 200 and b"Academy 000" in response.content
        page, compare, sql = (statistics.median(s) for s in (samples, compare_samples, sql_samples))
        recompute = figures["recompute"]
        report(
            f"heat map: {n_academies} academies, {n_pupils:,} pupils, {len(TERMS)} terms, {rows:,} result rows",
            [
                ("data build (COPY, not measured)", f"{figures['build']:.1f} s"),
                ("full recompute (placements + map)", f"{recompute:.2f} s  (target <= 5 s)"),
                ("recompute again (idempotent)", f"{figures['recompute_again']:.2f} s"),
                (
                    "baseline: raw SQL aggregate",
                    f"{figures['baseline_sql']:.2f} s  (recompute is "
                    f"{recompute / figures['baseline_sql']:.1f}x)",
                ),
                ("heat-map rows for the term", f"{map_rows:,} (academies x 6 pupil groups)"),
                ("heat-map page, median of 7", f"{page * 1000:.0f} ms  (target <= 300 ms)"),
                ("page with compare + group", f"{compare * 1000:.0f} ms"),
                (
                    "baseline: raw SQL read of the rows",
                    f"{sql * 1000:.1f} ms  (page is {page / sql:.0f}x)",
                ),
                ("peak RSS", f"{peak_rss_mb():.0f} MB"),
            ],
        )


if __name__ == "__main__":
    main()
