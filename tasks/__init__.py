"""Celery entry points, one module per area. A job takes ids, calls a service, records status;
business logic lives in the apps' services."""
