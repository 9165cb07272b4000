"""The seams between apps: layers held by import-linter, hooks that exist, no call by string.

These are the checks that make a rename loud. A function another app uses is imported by name,
so renaming it breaks `test_every_module_imports` (and mypy); a hook is a signal whose
receivers are listed here; a report section is listed once and matched against its template.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
import subprocess
import sys
import weakref
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = [
    "trust_si",
    "academies",
    "assessment",
    "phases",
    "visits",
    "moderation",
    "cpd",
    "partnerships",
    "planning",
    "reporting",
]


def product_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                files.append(path)
    return files


def test_every_module_imports() -> None:
    """Every product module imports: a renamed function another app imports fails here."""
    failures = []
    for app in APPS:
        package = importlib.import_module(app)
        for info in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in info.name or info.name.startswith("trust_si.settings"):
                continue
            try:
                importlib.import_module(info.name)
            except Exception as exc:  # report them all at once
                failures.append(f"{info.name}: {exc!r}")
    assert not failures, "\n".join(failures)


def test_hooks_have_the_receivers_that_depend_on_them() -> None:
    """Each signal a lower layer sends reaches exactly the receivers listed here."""
    from academies.signals import inspection_recorded
    from assessment.signals import pupil_data_changed
    from phases import receivers

    expected = {
        pupil_data_changed: {receivers.recompute_on_pupil_data},
        inspection_recorded: {receivers.judgements_from_inspection},
    }
    for signal, wanted in expected.items():
        refs = [entry[1] for entry in signal.receivers]  # (key, receiver or weakref, ...)
        live = {r() if isinstance(r, weakref.ReferenceType) else r for r in refs}
        assert live == wanted, (signal, live)


def test_report_sections_match_the_template() -> None:
    from reporting.sources import ACADEMY_SECTIONS

    template = (ROOT / "templates" / "reporting" / "pdf" / "academy_body.html").read_text()
    in_template = {
        key for found in re.findall(r'data-section="([^"]+)"', template) for key in found.split()
    }
    assert in_template == {s.key for s in ACADEMY_SECTIONS}


CALL_BY_STRING = re.compile(
    r"import_module\(|__import__\(|except (ModuleNotFoundError|ImportError)"
)


def test_no_app_is_reached_by_string() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in product_files()
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if CALL_BY_STRING.search(line)
    ]
    assert not offenders, offenders


def test_dangerously_unscoped_only_in_operator_commands() -> None:
    allowed = {
        ROOT / "trust_si" / "tenancy" / "context.py",
        ROOT / "trust_si" / "tenancy" / "managers.py",
    }
    offenders = [
        str(path.relative_to(ROOT))
        for path in product_files()
        if "dangerously_unscoped" in path.read_text()
        and path not in allowed
        and "management" not in path.parts
    ]
    assert not offenders, offenders


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess[str]:
    binary = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(binary), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(cwd)},
    )


def test_the_layers_hold_and_a_back_edge_breaks_them(tmp_path: Path) -> None:
    """lint-imports passes on the tree, and fails once a lower app imports a higher one."""
    for app in APPS:
        shutil.copytree(ROOT / app, tmp_path / app, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    clean = _lint_imports(tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr

    (tmp_path / "academies" / "back_edge.py").write_text("from reporting import models  # noqa\n")
    broken = _lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "academies is not allowed to import reporting" in broken.stdout

    (tmp_path / "academies" / "back_edge.py").unlink()
    # A submodule of the engine's package is held to the same contract as the package.
    (tmp_path / "phases" / "rules" / "helper.py").write_text("import django  # noqa\n")
    floors = tmp_path / "phases" / "rules" / "floors.py"
    floors.write_text(floors.read_text() + "\nfrom . import helper  # noqa\n")
    impure = _lint_imports(tmp_path)
    assert impure.returncode != 0
    assert "phases.rules is not allowed to import django" in impure.stdout
