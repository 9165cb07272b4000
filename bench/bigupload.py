"""One big upload's memory (issue 17): a 20 MB results CSV checked, committed and recomputed.

Issue 17 found a 20 MB CSV's check peaking at 551 MB in the worker, its commit at 685 MB and
the recompute after it at 738 MB; the target is a 20 MB upload checked and committed with a
peak RSS under 300 MB. Each stage runs in its own fresh process, as a worker child would, and
prints that process's own peak (VmHWM):

- floor: Django set up and every module the stages import, nothing read (the baseline);
- pandas: `pandas.read_csv(engine="pyarrow")` of the same file, nothing else (what reading the
  file alone costs);
- receive: `upload_create`, what the web process does with the file (stores it; the check job
  it queues is not run here);
- check: `upload_validate`, the worker's check of the stored file;
- commit: `upload_confirm_now` (the claim, then the worker's commit: re-read, re-check, replace
  the slice);
- recompute: `recompute_run` for the trust (placements and the heat map).

Figures: each stage's peak, and its peak above the floor against pandas's, in the same run.
`--ci` uses a 2 MB file.

    DATABASE_URL=postgres://root@127.0.0.1:5432/test .venv/bin/python bench/bigupload.py [--ci]
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
from common import ROOT, bench_database, report
from ingest import GRADES, PAIRS, TA, make_trust, own_peak_rss_mb, upn

TARGET_MB = 300
STAGES = ("floor", "pandas", "receive", "check", "commit", "recompute")


def parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--ci", action="store_true", help="a 2 MB file (CI size)")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--megabytes", type=float, help="size of the file (default 20)")
    parser.add_argument("--stage", choices=STAGES, help=argparse.SUPPRESS)  # internal: a child
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    return parser.parse_args()


def write_file(path: Path, megabytes: float) -> int:
    """Results for as many pupils as make `megabytes` of CSV, seeded; returns the row count."""
    rng = random.Random(17)
    rows = 0
    with path.open("w") as out:
        out.write("upn,subject,measure,value\n")
        pupil = 0
        while out.tell() < megabytes * 1e6:
            ability = rng.random()
            for subject, measure in PAIRS:
                if measure == "ta":
                    value = TA[min(int(ability * 6 + rng.random() * 2), len(TA) - 1)]
                elif measure == "gcse_grade":
                    value = GRADES[min(int(ability * 8 + rng.random() * 2), 8)]
                else:
                    value = f"{round(ability * 80 + rng.random() * 10, 1):g}"
                out.write(f"{upn(0, pupil)},{subject},{measure},{value}\n")
                rows += 1
            pupil += 1
    return rows


def child(stage: str, file: Path, ids: dict[str, int]) -> None:
    """One stage in this fresh process; prints its peak RSS and seconds as JSON."""
    import django

    sys.path.insert(0, str(ROOT))
    django.setup()
    import pandas as pd

    import assessment.services
    import phases.pipeline
    from academies.models import Academy
    from assessment.models import Term, Upload
    from assessment.services import upload_confirm_now, upload_create, upload_validate
    from trust_si.tenancy.context import trust_scope
    from trust_si.tenancy.models import Trust

    # The recompute a commit requests runs on a worker in production: its own stage here.
    phases.pipeline.recompute_enqueue = lambda **kwargs: False  # type: ignore[assignment]
    # Likewise the check a receive queues: the next stage runs it in a process of its own.
    assessment.services._validate_send = lambda upload: None  # type: ignore[assignment]
    out: dict[str, Any] = {}
    start = time.perf_counter()
    if stage == "pandas":
        out["rows"] = len(pd.read_csv(file, dtype=str, engine="pyarrow"))
    elif stage != "floor":
        trust = Trust.objects.get(pk=ids["trust"])
        with trust_scope(trust):
            academy = Academy.objects.get(pk=ids["academy"])
            if stage == "receive":
                upload = upload_create(
                    actor=None,
                    academy=academy,
                    term=Term.objects.get(pk=ids["term"]),
                    kind="results",
                    name=file.name,
                    content=file.read_bytes(),
                )
                out["upload"] = upload.pk
            elif stage == "check":
                upload = upload_validate(upload=Upload.objects.get(pk=ids["upload"]))
                out |= {"status": upload.status, "message": upload.message}
            elif stage == "commit":
                upload = upload_confirm_now(actor=None, upload=Upload.objects.get(pk=ids["upload"]))
                out |= {"status": upload.status, "message": upload.message}
            else:
                out["academies"] = phases.pipeline.recompute_run(trust=trust)
    out |= {"seconds": time.perf_counter() - start, "peak_rss_mb": own_peak_rss_mb()}
    print(json.dumps(out))


def run_stage(stage: str, file: Path, ids: dict[str, int], url: str) -> dict[str, Any]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "trust_si.settings.test",
        # Every stage reads the file the check stored: one media folder for the run.
        "TRUST_SI_MEDIA_ROOT": str(file.parent / "media"),
    }
    command = [sys.executable, __file__, "--stage", stage, "--file", str(file)]
    done = subprocess.run(
        [*command, "--ids", json.dumps(ids)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"stage {stage} failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    args = parse()
    if args.stage:
        child(args.stage, Path(args.file), json.loads(args.ids))
        return
    megabytes = args.megabytes or (2.0 if args.ci else 20.0)
    folder = Path(tempfile.mkdtemp(prefix="bench-bigupload-"))
    try:
        file = folder / "results.csv"
        rows = write_file(file, megabytes)
        with bench_database("bigupload", keep=args.keep) as url:
            trust, academies, term = make_trust("bigupload", 1)
            ids = {"trust": trust.pk, "academy": academies[0].pk, "term": term.pk}
            got = {stage: run_stage(stage, file, ids, url) for stage in ("floor", "pandas")}
            got["receive"] = run_stage("receive", file, ids, url)
            ids["upload"] = got["receive"]["upload"]
            got["check"] = run_stage("check", file, ids, url)
            if got["check"]["status"] != "valid":
                sys.exit(f"the check did not pass: {got['check']}")
            got["commit"] = run_stage("commit", file, ids, url)
            if got["commit"]["status"] != "committed":
                sys.exit(f"the commit did not succeed: {got['commit']}")
            got["recompute"] = run_stage("recompute", file, ids, url)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    floor = got["floor"]["peak_rss_mb"]
    reading = got["pandas"]["peak_rss_mb"] - floor

    def line(stage: str, target: bool) -> tuple[str, str]:
        peak = got[stage]["peak_rss_mb"]
        above = peak - floor
        verdict = f"  target < {TARGET_MB} MB: {'met' if peak < TARGET_MB else 'NOT MET'}"
        return (
            f"{stage}",
            f"peak {peak:>5.0f} MB  ({above:>4.0f} MB above the floor, "
            f"{above / max(reading, 1):.1f}x reading the file)  {got[stage]['seconds']:6.1f} s"
            + (verdict if target else ""),
        )

    report(
        f"One big upload: {megabytes:g} MB of CSV, {rows:,} result rows "
        f"({rows // len(PAIRS):,} pupils), each stage in its own process",
        [
            ("floor (Django and the stages' modules)", f"peak {floor:>5.0f} MB"),
            (
                "pandas read_csv (pyarrow) of the file",
                f"peak {got['pandas']['peak_rss_mb']:>5.0f} MB  ({reading:.0f} MB above the floor)",
            ),
            line("receive", True),
            line("check", True),
            line("commit", True),
            line("recompute", False),
        ],
    )


if __name__ == "__main__":
    main()
