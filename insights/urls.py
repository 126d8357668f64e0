"""Insight pages."""

from django.urls import path

from correlation import views as correlation_views
from insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export/<slug:table>.csv", views.export, name="export"),
    # A correlation report as PDF, under the address it has always had.
    path("reports/<int:pk>.pdf", correlation_views.report_pdf, name="report-pdf"),
]
