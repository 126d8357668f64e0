from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

JOB_LABEL = "correlation.report"


class CorrelationConfig(AppConfig):
    name = "correlation"
    verbose_name = _("Correlation reports")

    def ready(self):
        from core.jobs import JobKind, job_kind_register

        job_kind_register(
            JobKind(label=JOB_LABEL, model=self.get_model("CorrelationReport"), restart=_restart, fail=_fail)
        )


def _restart(report_id: int) -> None:
    from correlation.services import correlation_report_start

    correlation_report_start(report_id=report_id)


def _fail(report_id: int, reason: str) -> None:
    from correlation.services import correlation_report_fail

    correlation_report_fail(report_id=report_id, error=reason)
