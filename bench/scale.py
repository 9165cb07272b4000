"""Scale benchmark (issue 17): a national-scale slice, then four user-facing operations on it.

The slice comes from the real generator (`trust_si.site.scale`, as `manage.py generate_scale`):
N trusts sharing M academies and P pupils, three years of termly teacher assessments and
attendance plus summer tests, a visit, an upload and a report per academy. The issue's national
slice is 40 trusts, 500 academies, 400,000 pupils (about 12 million result rows; an hour of
generation on the shared 2-core machine): pass `--trusts 40 --academies 500 --pupils 400000`.
Default (by hand): 10 trusts, 120 academies, 60,000 pupils. `--ci`: 2 trusts, 20 academies,
4,000 pupils (< 30 s).

Measured on the largest trust, each against a baseline measured in the same run:
- heat-map page (median of 5, signed in) vs a raw SQL read of the same heat-map rows;
- recompute of the trust (placements + heat map) vs one raw SQL aggregate of the rows it reads;
- upload check of one academy's results file (upload_create, the check run in-process as the
  worker runs it) vs parsing the same CSV with the csv module and COPY'ing it to a temp table;
- academy report render (snapshot + HTML + PDF) vs the same template's PDF with an empty snapshot.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python bench/scale.py [--ci]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import bench_database, peak_rss_mb, report, timed

TERM = "2025-26-summer"


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ci", action="store_true", help="the small size CI runs (< 30 s)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--trusts", type=int)
    parser.add_argument("--academies", type=int)
    parser.add_argument("--pupils", type=int)
    parser.add_argument("--years", type=int, default=3)
    return parser.parse_args()


def upload_file(pupils: int) -> bytes:
    rng = random.Random(7)
    lines = ["upn,subject,measure,value"]
    for p in range(pupils):
        upn = f"S{p % 10000:04d}{p:08d}"
        for subject in ("reading", "writing", "maths"):
            lines.append(f"{upn},{subject},ta,{rng.choice(['WTS', 'EXS', 'EXS', 'GDS'])}")
    return ("\n".join(lines) + "\n").encode()


def main() -> None:
    args = parse()
    default = (2, 20, 4_000) if args.ci else (10, 120, 60_000)
    trusts = args.trusts or default[0]
    academies = args.academies or default[1]
    pupils = args.pupils or default[2]
    with bench_database("scale", keep=args.keep):
        from django.db import connection
        from django.test import Client

        from academies.models import Academy
        from assessment.models import Result, Term, Upload
        from assessment.services import upload_create
        from phases.pipeline import recompute_run
        from reporting.reports import AcademyTermlyReport
        from trust_si.pdf import html_to_pdf
        from trust_si.site.scale import scale_generate
        from trust_si.tenancy.context import trust_scope

        f: dict[str, float] = {}
        with timed(f, "generate"):
            summary = scale_generate(
                trusts=trusts, academies=academies, pupils=pupils, years=args.years
            )
        rows = summary.rows
        trust = summary.trusts[0]  # the first gets the remainder: the largest
        leader = summary.leaders[trust.slug]
        with trust_scope(trust):
            trust_rows = Result.objects.count()
            trust_academies = list(Academy.objects.order_by("urn"))

        # -- recompute ------------------------------------------------------------------------
        with timed(f, "recompute_sql"), connection.cursor() as cursor:
            cursor.execute(
                "SELECT r.academy_id, r.term_id, r.subject, r.measure, r.value, count(*) "
                "FROM assessment_result r WHERE r.trust_id = %s GROUP BY 1, 2, 3, 4, 5",
                [trust.pk],
            )
            cursor.fetchall()
            cursor.execute(
                "SELECT academy_id, term_id, sum(sessions_missed), sum(sessions_possible) "
                "FROM assessment_attendance WHERE trust_id = %s GROUP BY 1, 2",
                [trust.pk],
            )
            cursor.fetchall()
        with trust_scope(trust), timed(f, "recompute"):
            recompute_run(trust=trust)

        # -- heat-map page --------------------------------------------------------------------
        client = Client()
        client.force_login(leader)
        url = f"/t/{trust.slug}/heatmap/"
        response = client.get(url)  # warm
        assert response.status_code == 200, response.status_code
        page, sql = [], []
        for _ in range(5):
            start = time.perf_counter()
            response = client.get(url)
            page.append(time.perf_counter() - start)
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT h.cells, a.name, a.urn FROM phases_heatmaprow h JOIN academies_academy a "
                    "ON a.id = h.academy_id WHERE h.trust_id = %s AND h.term_code = %s "
                    "AND h.\"group\" = 'all'",
                    [trust.pk, TERM],
                )
                cursor.fetchall()
            sql.append(time.perf_counter() - start)
        assert trust_academies[0].name.encode() in response.content
        f["page"], f["page_sql"] = statistics.median(page), statistics.median(sql)

        # -- upload check ---------------------------------------------------------------------
        per_academy = max(1, pupils // academies)
        content = upload_file(per_academy)
        with timed(f, "check_baseline"), connection.cursor() as cursor:
            parsed = list(csv.reader(io.StringIO(content.decode())))[1:]
            cursor.execute(
                "CREATE TEMP TABLE bench_rows (upn text, subject text, measure text, value text)"
            )
            with cursor.connection.cursor().copy("COPY bench_rows FROM STDIN") as copy:
                for row in parsed:
                    copy.write_row(row)
        with trust_scope(trust):
            academy = trust_academies[0]
            term = Term.objects.get(academic_year="2025-26", season="summer")
            with timed(f, "check"):
                upload = upload_create(
                    actor=leader,
                    academy=academy,
                    term=term,
                    kind="results",
                    name="scale.csv",
                    content=content,
                )
            upload = Upload.objects.get(pk=upload.pk)
        assert upload.status == "valid", (upload.status, upload.message, upload.errors[:3])

        # -- report render --------------------------------------------------------------------
        with trust_scope(trust):
            snapshot = AcademyTermlyReport.build_snapshot(
                trust=trust, academy=academy, term_code=TERM
            )
            blank = {**snapshot, "kpis": [], "visits": {}, "cpd": {}, "partnerships": {}}
            blank.update({"moderation": {}, "placement": {}})
            AcademyTermlyReport.render_pdf(blank, title="warm-up")  # pango and fonts load once
            with timed(f, "report_blank"):
                AcademyTermlyReport.render_pdf(blank, title="blank")
            with timed(f, "report"):
                snapshot = AcademyTermlyReport.build_snapshot(
                    trust=trust, academy=academy, term_code=TERM
                )
                html = AcademyTermlyReport.render_html(snapshot, for_pdf=True)
                pdf = html_to_pdf(
                    html, title="bench", created=dt.datetime.fromisoformat(snapshot["generated_at"])
                )
        assert pdf.startswith(b"%PDF")

        def ratio(key: str, base: str) -> str:
            return f"{f[key] * 1000:.0f} ms  ({f[key] / f[base]:.1f}x the baseline, {f[base] * 1000:.1f} ms)"

        report(
            f"scale: {len(summary.trusts)} trusts, {rows['academies']:,} academies, "
            f"{rows['pupils']:,} pupils, {args.years} years; largest trust "
            f"{len(trust_academies)} academies, {trust_rows:,} result rows",
            [
                (
                    "generate (COPY)",
                    f"{f['generate']:.1f} s  ({rows['results'] + rows['attendance']:,} rows, "
                    f"{(rows['results'] + rows['attendance']) / f['generate']:,.0f} rows/s)",
                ),
                ("heat-map page, median of 5", ratio("page", "page_sql")),
                ("recompute, largest trust", ratio("recompute", "recompute_sql")),
                (
                    f"upload check, {per_academy:,} pupils x 3 rows",
                    ratio("check", "check_baseline"),
                ),
                ("academy report render (PDF)", ratio("report", "report_blank")),
                ("peak RSS", f"{peak_rss_mb():.0f} MB"),
            ],
        )


if __name__ == "__main__":
    main()
