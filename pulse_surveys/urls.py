"""Pulse surveys: pages."""

app_name = "pulse_surveys"
urlpatterns: list = []
