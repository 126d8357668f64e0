"""Service quality: pages."""

app_name = "service_quality"
urlpatterns: list = []
