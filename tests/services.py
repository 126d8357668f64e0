"""Which real services this test run has: PostgreSQL, Redis (and so a Celery worker).

Tests that need them are marked `integration` (PostgreSQL + Redis + worker) or `postgres`
(PostgreSQL only). Without the services those tests skip with a reason that says how to run
them; with REQUIRE_SERVICES=1 a missing service fails the run instead.
"""

import os
from functools import cache

from django.conf import settings

HOW_TO = (
    "set DATABASE_URL=postgres://postgres@127.0.0.1:5432/prima and "
    "CELERY_BROKER_URL=redis://127.0.0.1:6379/0 (as .ci/run does) to run it"
)


def services_required() -> bool:
    return os.environ.get("REQUIRE_SERVICES", "") == "1"


@cache
def postgres_problem() -> str | None:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return "needs PostgreSQL: DATABASE_URL is not a postgres:// URL"
    import psycopg

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db.get("HOST") or None,
            port=db.get("PORT") or None,
            user=db.get("USER") or None,
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg.Error as error:
        return f"PostgreSQL is not reachable: {error}"
    return None


@cache
def redis_problem() -> str | None:
    if not settings.CELERY_BROKER_URL:
        return "needs Redis: CELERY_BROKER_URL is not set"
    import redis

    try:
        redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return f"Redis is not reachable: {error}"
    return None
