"""Correlation reports: pages."""

app_name = "correlation"
urlpatterns: list = []
