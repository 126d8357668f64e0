"""Prima's URLs and the baseline's one route (mounted only by `bench.settings`)."""

from django.urls import path

from bench.baseline import response_submit_raw
from config.urls import handler404, handler500
from config.urls import urlpatterns as prima_urlpatterns

urlpatterns = [
    path("bench/baseline/rounds/<int:round_id>/responses/", response_submit_raw, name="bench-baseline-responses"),
    *prima_urlpatterns,
]

__all__ = ["handler404", "handler500", "urlpatterns"]
