"""Correlation reports: reads."""

from django.db.models import Prefetch, QuerySet

from correlation.models import CorrelationPoint, CorrelationReport, ReportStatus


def report_list() -> QuerySet[CorrelationReport]:
    """Reports, newest first, without their (large) aggregated series."""
    return CorrelationReport.objects.defer("series").select_related("requested_by").order_by("-created_at", "-id")


def report_detail_queryset() -> QuerySet[CorrelationReport]:
    """Reports with their results and points (two more queries, whatever their number)."""
    return report_list().prefetch_related(
        "results", Prefetch("points", queryset=CorrelationPoint.objects.select_related("department"))
    )


def report_for_pdf(pk: int) -> CorrelationReport | None:
    """A report with its results and points (three queries), or None."""
    return report_detail_queryset().filter(pk=pk).first()


def latest_succeeded_report() -> CorrelationReport | None:
    """The newest finished standard report (else the newest finished one), with its results."""
    return (
        report_list()
        .filter(status=ReportStatus.SUCCEEDED)
        .order_by("-is_standard", "-created_at", "-id")
        .prefetch_related("results")
        .first()
    )
