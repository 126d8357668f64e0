"""Correlation reports: pages."""

from django.urls import path

from correlation import views

app_name = "correlation"
urlpatterns = [
    path("", views.reports, name="list"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/results.csv", views.report_results_csv, name="results-csv"),
    path("<int:pk>/points.csv", views.report_points_csv, name="points-csv"),
]
