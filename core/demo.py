"""What every app's `demo.py` receives from `manage.py seed_demo`."""

import datetime as dt
import random
from dataclasses import dataclass, field

DEMO_PASSWORD = "prima-demo"  # noqa: S105 - the published demo password (README, docs/CONTRACT.md)
DEMO_LOGINS = ("employee", "manager", "hr", "leadership", "admin")


@dataclass
class DemoOrg:
    """The demo organisation as built so far. Each app's `demo.seed(org)` adds its part and
    must itself be idempotent: a second `seed_demo` changes nothing."""

    today: dt.date
    rng: random.Random
    departments: dict = field(default_factory=dict)  # code -> Department
    people: dict = field(default_factory=dict)  # username -> User
    log: list[str] = field(default_factory=list)

    def say(self, line: str) -> None:
        self.log.append(line)
