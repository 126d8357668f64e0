"""The arrows between Prima's parts, read from the source (tests and migrations aside):

- a job calls services, a service never imports a job (it sends one by name, `core.jobs`);
- `core` is the ground: it imports no app;
- `pulse_surveys` alone reads materialised round results, where anonymity is decided;
- a round's figures are worked out in `pulse_surveys.results` from plain data, never the database;
- other apps use correlation's public modules only; its statistics, charts and PDF stay inside it.
"""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app
from config.queues import TASK_QUEUES

ROOT = Path(settings.BASE_DIR)
APPS = [name for name in settings.INSTALLED_APPS if (ROOT / name / "apps.py").is_file()]


def _modules(package: str) -> list[Path]:
    return sorted(
        path
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts and "tests" not in path.relative_to(ROOT).parts
    )


def _imported(path: Path) -> set[str]:
    """Every module `path` imports, at module level or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _top(module: str) -> str:
    return module.partition(".")[0]


def test_the_apps_are_found():
    assert {"core", "employees", "pulse_surveys", "leave", "correlation"} <= set(APPS)
    assert all(_modules(app) for app in APPS)


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_a_job(app):
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _modules(app)
        for module in sorted(_imported(path))
        if _top(module) == "tasks"
    ]
    assert offenders == [], "send the job by name with core.jobs.enqueue_on_commit instead"


def test_core_imports_no_app():
    others = set(APPS) - {"core"}
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in _modules("core")
        for module in sorted(_imported(path))
        if _top(module) in others
    ]
    assert offenders == [], "let the app fill a hook of core instead"


_RESULT_MODELS = {"RoundResult", "RoundResultDriver"}
# The lookups of the anonymity guard: whoever filters on them re-decides what may be shown.
_GUARD_LOOKUPS = {"results_ready", "suppressed"}
_QUERY_CALLS = {"filter", "exclude", "get", "Q"}


def _guard_lookups(call: ast.Call) -> set[str]:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name not in _QUERY_CALLS:
        return set()
    return {part for keyword in call.keywords if keyword.arg for part in keyword.arg.split("__")} & _GUARD_LOOKUPS


def _round_result_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom):
            names = {alias.name for alias in node.names} & _RESULT_MODELS
        elif isinstance(node, ast.Name):
            names = {node.id} & _RESULT_MODELS
        elif isinstance(node, ast.Attribute):
            names = {node.attr} & _RESULT_MODELS
        elif isinstance(node, ast.Call):
            names = _guard_lookups(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names = {node.value.rpartition(".")[2]} & _RESULT_MODELS if "." in node.value else set()
        else:
            continue
        found += [f"{path.relative_to(ROOT)}:{node.lineno}: {name}" for name in sorted(names)]
    return found


def test_only_pulse_surveys_reads_round_results():
    offenders = [
        read
        for package in [*(app for app in APPS if app != "pulse_surveys"), "tasks", "config"]
        for path in _modules(package)
        for read in _round_result_reads(path)
    ]
    assert offenders == [], "read round results through pulse_surveys.selectors"


_JOB_NAME = re.compile(r"""["'](tasks\.[a-z_]+\.[a-z_]+_task)["']""")


def test_every_job_sent_by_name_exists_and_has_its_queue():
    celery_app.loader.import_default_modules()
    sent = {
        name
        for package in [*APPS, "tasks", "config"]
        for path in _modules(package)
        for name in _JOB_NAME.findall(path.read_text())
    }
    assert "tasks.surveys.survey_round_close_task" in sent
    assert sorted(sent - set(celery_app.tasks)) == []
    assert sorted(sent - set(TASK_QUEUES)) == []


def _project_module_path(module: str) -> Path | None:
    parts = module.split(".")
    for path in (ROOT.joinpath(*parts).with_suffix(".py"), ROOT.joinpath(*parts, "__init__.py")):
        if path.is_file():
            return path
    return None


def _database_imports(path: Path) -> list[str]:
    """The database modules `path` imports, itself or through Prima's own modules it imports."""
    seen, todo, found = {path}, [path], []
    while todo:
        current = todo.pop()
        for module in sorted(_imported(current)):
            if module.startswith(("django.db", "django.contrib.postgres")) or ".models." in f".{module}.":
                found.append(f"{current.relative_to(ROOT)}: {module}")
            inner = _project_module_path(module)
            if inner is not None and inner not in seen:
                seen.add(inner)
                todo.append(inner)
    return found


def test_round_figures_are_worked_out_without_the_database():
    path = ROOT / "pulse_surveys" / "results.py"
    assert _database_imports(path) == [], "pulse_surveys.results works on plain data; the service reads and writes"
    # It is found through what it imports, too: the service itself is one that reads.
    assert any("django.db" in found for found in _database_imports(ROOT / "pulse_surveys" / "services.py"))


# What other apps may use of correlation: its reports (models, selectors, services), their
# wording (interpretation) and its pages (views, urls).
_CORRELATION_PUBLIC = {
    "models",
    "selectors",
    "services",
    "interpretation",
    "views",
    "urls",
    "api_urls",
    "hooks",
    "apps",
}


def test_only_correlation_uses_its_statistics_charts_and_pdf():
    offenders = [
        f"{path.relative_to(ROOT)}: {module}"
        for package in [*(app for app in APPS if app != "correlation"), "config"]
        for path in _modules(package)
        for module in sorted(_imported(path))
        if _top(module) == "correlation"
        and module.count(".") >= 1
        and module.split(".")[1] not in _CORRELATION_PUBLIC
        and _project_module_path(module) is not None
    ]
    assert offenders == [], "use correlation's selectors, services or views; its internals stay inside it"
