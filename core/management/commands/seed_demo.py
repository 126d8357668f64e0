"""`manage.py seed_demo`: the demo organisation, built once (running it again changes nothing)."""

import random
from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from core.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoOrg

# The order matters: people first, then what they do, then what is measured about them.
DEMO_APPS = ["employees", "pulse_surveys", "leave", "rewards", "service_quality", "improvement", "correlation"]
DEMO_SEED = 2026


class Command(BaseCommand):
    help = "Loads the demo organisation (idempotent)."

    def handle(self, *args, **options):
        org = DemoOrg(today=timezone.localdate(), rng=random.Random(DEMO_SEED))
        for label in DEMO_APPS:
            config = apps.get_app_config(label)
            if not module_has_submodule(config.module, "demo"):
                continue
            with transaction.atomic():
                import_module(f"{config.name}.demo").seed(org)
            self.stdout.write(f"  {label}: done")
        for line in org.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS("Demo organisation ready."))
        logins = ", ".join(DEMO_LOGINS)
        self.stdout.write(f"Demo logins: {logins} — password {DEMO_PASSWORD}")
