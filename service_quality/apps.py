from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

JOB_LABEL = "service_quality.import"


class ServiceQualityConfig(AppConfig):
    name = "service_quality"
    verbose_name = _("Service quality")

    def ready(self):
        from core.jobs import JobKind, job_kind_register

        job_kind_register(JobKind(label=JOB_LABEL, model=self.get_model("ScoreImport"), restart=_restart, fail=_fail))


def _restart(score_import_id: int) -> None:
    from core.jobs import enqueue_on_commit
    from service_quality.services import IMPORT_JOB

    enqueue_on_commit(IMPORT_JOB, score_import_id)


def _fail(score_import_id: int, reason: str) -> None:
    from service_quality.services import score_import_abandon

    score_import_abandon(score_import_id=score_import_id, reason=reason)
