from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmployeesConfig(AppConfig):
    name = "employees"
    verbose_name = _("Employees and departments")

    def ready(self):
        from core.jobs import JobKind, job_kind_register

        job_kind_register(
            JobKind(
                label=ORG_IMPORT_JOB,
                model=self.get_model("OrgImport"),
                restart=_restart_org_import,
                fail=_fail_org_import,
                running="applying",
                started_field="apply_started_at",
            )
        )


ORG_IMPORT_JOB = "org-import"


def _restart_org_import(org_import_id: int) -> None:
    from core.jobs import enqueue_on_commit

    enqueue_on_commit("tasks.employees.org_import_apply_task", org_import_id)


def _fail_org_import(org_import_id: int, reason: str) -> None:
    from employees.services import org_import_fail

    org_import_fail(org_import_id=org_import_id, reason=reason)
