"""Without DATABASE_REPLICA_URL there is one database and no router; with it, a `replica`
alias that tests mirror onto the primary, the router and the pinning middleware."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOW = (
    "import django,json,os;os.environ['DJANGO_SETTINGS_MODULE']='config.settings';django.setup();"
    "from django.conf import settings as s;"
    "print(json.dumps({'aliases': sorted(s.DATABASES), 'routers': s.DATABASE_ROUTERS,"
    "'pin': 'config.replica.ReplicaPinMiddleware' in s.MIDDLEWARE,"
    "'mirror': s.DATABASES.get('replica', {}).get('TEST', {}).get('MIRROR')}))"
)


def settings_with(**env) -> dict:
    clean = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    done = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_without_a_replica_there_is_one_database_and_no_router():
    shown = settings_with(DATABASE_URL="postgres://postgres@127.0.0.1:5432/prima")
    assert shown == {"aliases": ["default"], "routers": [], "pin": False, "mirror": None}


def test_a_replica_url_adds_the_alias_the_router_and_the_pin():
    shown = settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/prima",
        DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:5433/prima",
    )
    assert shown == {
        "aliases": ["default", "replica"],
        "routers": ["config.replica.ReplicaRouter"],
        "pin": True,
        "mirror": "default",
    }
