"""The public side of the SKM: the form customers open from a poster's QR code, the kiosk, its
service worker, and a unit's published results. No sign-in anywhere here."""

from django.urls import path

from service_quality import public_views

urlpatterns = [
    path("sw.js", public_views.service_worker, name="skm-service-worker"),
    path("unit/<int:pk>/", public_views.unit_results, name="skm-public-results"),
    path("<str:token>/", public_views.form, name="skm-public-form"),
    path("<str:token>/kiosk/", public_views.kiosk, name="skm-kiosk"),
]
