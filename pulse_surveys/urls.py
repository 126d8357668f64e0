"""Pulse surveys: pages."""

from django.urls import path

from pulse_surveys import views

app_name = "pulse_surveys"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("rounds/<int:pk>/answer/", views.answer, name="answer"),
    path("manage/", views.manage, name="manage"),
    path("manage/surveys/new/", views.survey_create, name="survey_create"),
    path("manage/surveys/<int:pk>/rounds/new/", views.round_schedule, name="round_schedule"),
    path("manage/rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("manage/rounds/<int:pk>/close/", views.round_close, name="round_close"),
    path("results/", views.results, name="results"),
    path("results.pdf", views.results_pdf, name="results-pdf"),
    path("heatmap/", views.heatmap, name="heatmap"),
]
