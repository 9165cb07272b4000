"""Ingest benchmark (issue 4): pupil results from a CSV file into assessment_result, three ways.

Scenario: one term's results for a trust of 40 secondary academies, each uploading its own file:
1,000 pupils x 25 (subject, measure) pairs = 25,000 rows an academy (teacher assessment and working-at
GCSE grade in 12 subjects, and Attainment 8), 1,000,000 rows in all. `--ci` runs 2 academies
(50,000 rows). The data is synthetic and seeded; the rows are written once as CSV files.

(a) raw COPY: the same rows, already in the table's own form (pupil ids looked up beforehand,
    untimed), COPY'd into assessment_result: the floor of what PostgreSQL takes. On this table it
    is bounded by PostgreSQL's own work: five foreign keys checked at commit, and eight indexes.
(b) our pipeline, file to committed rows, per academy: upload_create (stores the file, audits,
    runs the check job, eagerly here) then upload_confirm_now (the confirm's claim, then the
    commit a worker runs in production, here in-process: re-reads and re-checks the file, creates
    the pupils, replaces the slice). Timed in a child process, so its peak RSS is its own. The
    placement recompute a commit requests runs on a worker in production: it is left out here.
    Run again on SQLite (the embedded default) in another child process.
(c) django-import-export: a ModelResource for Result (bulk mode, pupils by hashed UPN) on a
    sample of the same rows (it is slow enough that a sample is plenty).

Targets: (b) >= 30% of (a), >= 5x (c), peak RSS of (b) < 500 MB; on SQLite >= 20,000 rows/s. The
benchmark prints figures and whether each target is met; it fails only if a load goes wrong.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python bench/ingest.py [--ci]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, bench_database, peak_rss_mb, report, timed

SUBJECTS = [
    "english",
    "maths",
    "combined_science",
    "history",
    "geography",
    "french",
    "computing",
    "art",
    "music",
    "pe",
    "re",
    "design_technology",
]
PAIRS = (
    [(s, "ta") for s in SUBJECTS]
    + [(s, "gcse_grade") for s in SUBJECTS]
    + [("attainment8", "att8")]
)
TA = ["BLW", "WTS", "EXS", "EXS", "EXS", "GDS", "ARE", "ABV"]
GRADES = [*"123456789", "U"]
PUPILS_PER_ACADEMY = 1000
TERM = "2025-26-autumn"
COLUMNS = [
    "trust_id",
    "pupil_id",
    "academy_id",
    "term_id",
    "subject",
    "measure",
    "value",
    "numeric",
]


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ci", action="store_true", help="the small size that CI runs")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: the timed pipeline run
    return parser.parse_args()


def upn(academy: int, pupil: int) -> str:
    return f"{'ABCDEFGHJK'[academy % 10]}{academy:04d}{pupil:08d}"


def write_files(folder: Path, academies: int) -> list[Path]:
    """One upload file per academy (upn,subject,measure,value), seeded."""
    rng = random.Random(4)
    paths = []
    for a in range(academies):
        lines = ["upn,subject,measure,value"]
        for p in range(PUPILS_PER_ACADEMY):
            ability = rng.random()
            for subject, measure in PAIRS:
                if measure == "ta":
                    value = TA[min(int(ability * 6 + rng.random() * 2), len(TA) - 1)]
                elif measure == "gcse_grade":
                    value = (
                        GRADES[min(int(ability * 8 + rng.random() * 2), 8)]
                        if rng.random() > 0.01
                        else "U"
                    )
                else:
                    value = f"{round(ability * 80 + rng.random() * 10, 1):g}"
                lines.append(f"{upn(a, p)},{subject},{measure},{value}")
        path = folder / f"results-{a:03d}.csv"
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def make_trust(slug: str, academies: int) -> tuple[Any, list[Any], Any]:
    from academies.models import Academy
    from assessment.services import term_get_or_create
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust

    trust = Trust.objects.create(slug=slug, name=f"{slug} trust")
    with trust_scope(trust):
        rows = [
            Academy(
                trust=trust,
                urn=f"{800000 + i}",
                name=f"Academy {i:03d}",
                phase_of_education="secondary",
                age_low=11,
                age_high=16,
            )
            for i in range(academies)
        ]
        Academy.objects.bulk_create(rows)
        term = term_get_or_create(trust=trust, code=TERM)
        return trust, list(Academy.objects.filter(trust=trust).order_by("urn")), term


def result_count(trust: Any) -> int:
    from assessment.models import Result
    from trust_si.tenancy.context import trust_scope

    with trust_scope(trust):
        return Result.objects.filter(trust=trust).count()


# (a) --------------------------------------------------------------------------------------------


def raw_copy(paths: list[Path], url: str) -> tuple[float, int]:
    """COPY the rows, in the table's own columns, into assessment_result; untimed preparation."""
    import pandas as pd
    import psycopg

    from assessment.models import Pupil
    from assessment.parsing import pupil_key
    from trust_si.tenancy.context import trust_scope

    trust, academies, term = make_trust("copy", len(paths))
    frames = []
    with trust_scope(trust):
        for academy, path in zip(academies, paths, strict=True):
            frame = pd.read_csv(path, dtype=str, engine="pyarrow")
            frame["academy_id"] = academy.pk
            frames.append(frame)
        rows = pd.concat(frames, ignore_index=True)
        keys = {u: pupil_key(u, trust.pseudonym_secret) for u in rows["upn"].unique()}
        Pupil.objects.bulk_create(
            [Pupil(trust=trust, key=k) for k in keys.values()], batch_size=5000
        )
        ids = dict(Pupil.objects.filter(trust=trust).values_list("key", "pk"))
    rows["pupil_id"] = rows["upn"].map({u: ids[k] for u, k in keys.items()})
    rows["trust_id"], rows["term_id"] = trust.pk, term.pk
    rows["numeric"] = pd.to_numeric(rows["value"], errors="coerce")
    text = rows[COLUMNS].to_csv(index=False, header=False).encode()
    columns = ", ".join(COLUMNS)
    results: dict[str, float] = {}
    with psycopg.connect(url) as conn, timed(results, "copy"):
        with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY assessment_result ({columns}) FROM STDIN WITH (FORMAT csv)") as copy,
        ):
            for start in range(0, len(text), 1 << 20):
                copy.write(text[start : start + (1 << 20)])
        conn.commit()
    return results["copy"], result_count(trust)


# (b) --------------------------------------------------------------------------------------------


def pipeline_child(folder: Path) -> None:
    """Runs in its own process: every academy's file through upload_create and upload_confirm_now."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trust_si.settings.test")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    import phases.pipeline
    from assessment.services import upload_confirm_now, upload_create
    from trust_si.tenancy.context import trust_scope

    if connection.vendor == "sqlite":
        call_command("migrate", verbosity=0, interactive=False)
    # Production runs the recompute on a worker after commit; this measures up to committed rows.
    phases.pipeline.recompute_enqueue = lambda **kwargs: False  # type: ignore[assignment]
    paths = sorted(folder.glob("results-*.csv"))
    as_app_role = bool(os.environ.get("BENCH_AS_APP_ROLE"))
    trust, academies, term = make_trust(
        f"pipeline-{connection.vendor}{'-app' if as_app_role else ''}", len(paths)
    )
    if as_app_role:
        # Production's role (docs/security.md): row-level security applies, so the pipeline
        # stages its rows instead of copying straight into the table.
        with connection.cursor() as cursor:
            cursor.execute(
                "DO $$ BEGIN CREATE ROLE trust_si_app NOLOGIN NOSUPERUSER NOBYPASSRLS;"
                " EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            )
            cursor.execute(
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO trust_si_app"
            )
            cursor.execute("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO trust_si_app")
            cursor.execute("SET ROLE trust_si_app")
    statuses = []
    start = time.perf_counter()
    with trust_scope(trust):
        for academy, path in zip(academies, paths, strict=True):
            upload = upload_create(
                actor=None,
                academy=academy,
                term=term,
                kind="results",
                name=path.name,
                content=path.read_bytes(),
            )
            upload.refresh_from_db()
            if upload.status != "valid":
                sys.exit(f"{path.name}: {upload.status} {upload.message} {upload.errors[:3]}")
            statuses.append(upload_confirm_now(actor=None, upload=upload).status)
    seconds = time.perf_counter() - start
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "rows": result_count(trust),
                "statuses": sorted(set(statuses)),
                "peak_rss_mb": own_peak_rss_mb(),
            }
        )
    )


def own_peak_rss_mb() -> float:
    """Peak RSS of this process alone: Linux's getrusage figure carries over the parent's peak
    at fork, while VmHWM belongs to the memory map this process got at exec."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return peak_rss_mb()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


def pipeline(folder: Path, database_url: str, *, as_app_role: bool = False) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "trust_si.settings.test",
        "BENCH_AS_APP_ROLE": "1" if as_app_role else "",
    }
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(folder)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"pipeline run failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# (c) --------------------------------------------------------------------------------------------


def import_export(paths: list[Path], sample: int) -> tuple[float, int]:
    """What a Django team would write with django-import-export, on the first `sample` rows."""
    import tablib
    from import_export import fields, resources, widgets

    from assessment.models import Pupil, Result
    from assessment.parsing import pupil_key
    from trust_si.tenancy.context import trust_scope

    trust, academies, term = make_trust("import-export", 1)
    lines = paths[0].read_text().splitlines()[: sample + 1]
    with trust_scope(trust):
        upns = {line.split(",", 1)[0] for line in lines[1:]}
        Pupil.objects.bulk_create(
            [Pupil(trust=trust, key=pupil_key(u, trust.pseudonym_secret)) for u in upns]
        )

    class PupilByUPN(widgets.ForeignKeyWidget):
        def clean(self, value: Any, row: Any = None, **kwargs: Any) -> Any:
            return super().clean(pupil_key(value, trust.pseudonym_secret), row, **kwargs)

    class ResultResource(resources.ModelResource):
        pupil = fields.Field(
            attribute="pupil", column_name="upn", widget=PupilByUPN(Pupil, field="key")
        )

        class Meta:
            model = Result
            fields = ("pupil", "subject", "measure", "value")
            import_id_fields = ("pupil", "subject", "measure")
            use_bulk = True
            batch_size = 2000
            skip_diff = True

        def before_save_instance(self, instance: Any, row: Any, **kwargs: Any) -> None:
            instance.trust_id, instance.academy_id, instance.term_id = (
                trust.pk,
                academies[0].pk,
                term.pk,
            )
            try:
                instance.numeric = float(instance.value)
            except ValueError:
                instance.numeric = None

    dataset = tablib.Dataset().load("\n".join(lines), format="csv")
    results: dict[str, float] = {}
    with trust_scope(trust), timed(results, "import"):
        outcome = ResultResource().import_data(dataset, dry_run=False, raise_errors=True)
    if outcome.has_errors() or outcome.has_validation_errors():
        sys.exit("django-import-export reported errors")
    return results["import"], result_count(trust)


# ------------------------------------------------------------------------------------------------


def main() -> None:
    args = parse()
    if args.child:
        pipeline_child(Path(args.child))
        return
    academies = 2 if args.ci else 40
    sample = 1_000 if args.ci else 20_000
    total = academies * PUPILS_PER_ACADEMY * len(PAIRS)
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    try:
        paths = write_files(folder, academies)
        megabytes = sum(p.stat().st_size for p in paths) / 1e6
        with bench_database("ingest", keep=args.keep) as url:
            copy_seconds, copied = raw_copy(paths, url)
            from django.db import connection

            with connection.cursor() as cursor:  # (b) starts from the same empty table
                cursor.execute("TRUNCATE assessment_result")
            postgres = pipeline(folder, url)
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE assessment_result")
            app_role = pipeline(folder, url, as_app_role=True)
            ie_seconds, imported = import_export(paths, sample)
        sqlite = pipeline(folder, f"sqlite:///{folder / 'bench.sqlite3'}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for label, got, want in [
        ("COPY", copied, total),
        ("pipeline (PostgreSQL)", postgres["rows"], total),
        ("pipeline (PostgreSQL, app role)", app_role["rows"], total),
        ("django-import-export", imported, sample),
        ("pipeline (SQLite)", sqlite["rows"], total),
    ]:
        if got != want:
            sys.exit(f"{label} loaded {got} rows, expected {want}")

    rate_a, rate_b, rate_c = total / copy_seconds, total / postgres["seconds"], sample / ie_seconds
    rate_sqlite = total / sqlite["seconds"]
    rate_app = total / app_role["seconds"]

    def target(ok: bool) -> str:
        return "met" if ok else "NOT MET"

    report(
        f"Ingest: {total:,} result rows, {academies} academy files of {PUPILS_PER_ACADEMY * len(PAIRS):,} "
        f"rows ({megabytes:.1f} MB of CSV)",
        [
            (
                "(a) raw COPY into assessment_result",
                f"{rate_a:>12,.0f} rows/s  ({copy_seconds:.2f} s)",
            ),
            (
                "(b) upload pipeline, PostgreSQL",
                f"{rate_b:>12,.0f} rows/s  ({postgres['seconds']:.2f} s)",
            ),
            (
                "(b) as production's role (row-level security)",
                f"{rate_app:>12,.0f} rows/s  ({app_role['seconds']:.2f} s)  "
                f"{rate_app / rate_a:.0%} of (a), target >= 30%: {target(rate_app >= 0.3 * rate_a)}",
            ),
            (
                "(c) django-import-export",
                f"{rate_c:>12,.0f} rows/s  ({ie_seconds:.2f} s for a {sample:,}-row sample)",
            ),
            (
                "(b) upload pipeline, SQLite",
                f"{rate_sqlite:>12,.0f} rows/s  ({sqlite['seconds']:.2f} s)",
            ),
            (
                "(b) / (a)",
                f"{rate_b / rate_a:>12.0%}   target >= 30%: {target(rate_b >= 0.3 * rate_a)}",
            ),
            (
                "(b) / (c)",
                f"{rate_b / rate_c:>12.1f}x  target >= 5x: {target(rate_b >= 5 * rate_c)}",
            ),
            (
                "peak RSS of (b), PostgreSQL",
                f"{postgres['peak_rss_mb']:>12.0f} MB  target < 500 MB: "
                f"{target(postgres['peak_rss_mb'] < 500)}",
            ),
            ("peak RSS of (b), SQLite", f"{sqlite['peak_rss_mb']:>12.0f} MB"),
            (
                "SQLite pipeline",
                f"{rate_sqlite:>12,.0f} rows/s  target >= 20,000: {target(rate_sqlite >= 20_000)}",
            ),
            ("peak RSS of this process, (a) and (c)", f"{peak_rss_mb():>12.0f} MB"),
        ],
    )


if __name__ == "__main__":
    main()
