"""People pages."""

from django.urls import path

from employees import views

app_name = "employees"
urlpatterns = [
    path("me/", views.profile, name="profile"),
]
