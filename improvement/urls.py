"""Continuous improvement: pages."""

app_name = "improvement"
urlpatterns: list = []
