"""Insight pages: the leadership dashboard and its CSV exports (a correlation report as PDF is
`correlation.views.report_pdf`). Leadership and HR only (everyone else: 403)."""

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from config.replica import heavy_reads
from core.csv_files import csv_response
from core.web import page_for
from employees.permissions import is_hr
from insights import dashboard, selectors

# The dashboard's heatmap shows as many levels of the department tree as fit in this many rows
# (a thousand departments made it 3.9 MB); the full heatmap lists every department.
HEATMAP_ROWS = 100


@page_for(selectors.can_read_insights)
@heavy_reads()
def dashboard_page(request):
    today = timezone.localdate()
    period_from, period_to = selectors.dashboard_window(today)
    context = {
        "period_from": period_from,
        "period_to": period_to,
        "satisfaction": dashboard.satisfaction_section(today),
        "heatmap": selectors.latest_heatmap(max_rows=HEATMAP_ROWS),
        "quality": dashboard.quality_section(today),
        "digest": selectors.latest_report_digest(),
        "impact": selectors.latest_driver_impact(),
        "can_plan": is_hr(request.user),
        "comment_themes": selectors.comment_themes(today),
    }
    return render(request, "insights/dashboard.html", context)


@page_for(selectors.can_read_insights)
@heavy_reads()
def export(request, table: str):
    build = dashboard.CSV_TABLES.get(table)
    if build is None:
        raise Http404
    data = build(timezone.localdate())
    return csv_response(data.filename, data.header, data.rows)
