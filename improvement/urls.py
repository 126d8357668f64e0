"""Continuous improvement: pages."""

from django.urls import path

from improvement import views

app_name = "improvement"
urlpatterns = [
    path("", views.board, name="board"),
    path("actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("actions/<int:pk>/notes/", views.action_note, name="action_note"),
    path("trainings/", views.trainings, name="trainings"),
    path("trainings/new/", views.training_create, name="training_create"),
    path("trainings/<int:pk>/", views.training_detail, name="training_detail"),
]
