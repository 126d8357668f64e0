"""Insight pages."""

from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export/<slug:table>.csv", views.export, name="export"),
    path("reports/<int:pk>.pdf", views.report_pdf, name="report-pdf"),
]
