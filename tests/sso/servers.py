"""The directory's real servers for the sign-in tests, each on a free loopback port:

- an OpenID Connect provider (Node's `oidc-provider`, tests/sso/provider/provider.mjs);
- an LDAP server (Debian's `slapd`) in a temporary directory, loaded with an LDIF.

Both hold the same people (tests/sso/provider/users.json). Without Node, the provider's
packages or slapd, the tests that need them skip, or fail under REQUIRE_SERVICES=1.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.services import services_required

PROVIDER_DIR = Path(__file__).resolve().parent / "provider"
USERS = json.loads((PROVIDER_DIR / "users.json").read_text())
SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)
SLAPADD = shutil.which("slapadd") or ("/usr/sbin/slapadd" if Path("/usr/sbin/slapadd").exists() else None)
LDAP_SUFFIX = "dc=kementerian,dc=example"
LDAP_BIND_DN = f"cn=prima,ou=services,{LDAP_SUFFIX}"
LDAP_BIND_PASSWORD = "prima-service-pass"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def require(problem: str | None) -> None:
    """Skips the test for a missing server, or fails it under REQUIRE_SERVICES=1."""
    if problem is None:
        return
    if services_required():
        pytest.fail(f"REQUIRE_SERVICES=1 but {problem}", pytrace=False)
    pytest.skip(problem)


def provider_problem() -> str | None:
    if shutil.which("node") is None:
        return "Node.js is not installed (apt-get install nodejs npm)"
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        return "the test provider's packages are missing (npm ci --prefix tests/sso/provider)"
    return None


def slapd_problem() -> str | None:
    if SLAPD is None or SLAPADD is None:
        return "slapd is not installed (apt-get install slapd ldap-utils)"
    return None


def _wait_until(
    ready, what: str, process: subprocess.Popen, log: Path, seconds: float = 60, *, report: bool = False
) -> None:
    """Waits until `ready()`; fails with the end of the process's log if it stops or takes
    more than `seconds`. With `report`, a Node process that takes too long is first asked for
    its diagnostic report (SIGUSR2), whose JavaScript stack joins the message."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start: {log.read_text()[-2000:]}")
        if ready():
            return
        time.sleep(0.1)
    stack = ""
    if report:
        process.send_signal(signal.SIGUSR2)
        time.sleep(2)
        reports = sorted(log.parent.glob("report.*.json"), key=lambda path: path.stat().st_mtime)
        if reports:
            stack = json.dumps(json.loads(reports[-1].read_text()).get("javascriptStack"), indent=1)[:3000]
    process.kill()
    process.wait(timeout=10)
    raise RuntimeError(f"{what} did not start in {seconds} s: {log.read_text()[-2000:]} {stack}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _listens(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class OpenIDProvider:
    issuer: str
    users_file: Path
    process: subprocess.Popen

    def set_groups(self, account: str, groups: list[str]) -> None:
        """Moves `account` between the directory's groups (read at the next sign-in)."""
        people = json.loads(self.users_file.read_text())
        people[account]["groups"] = groups
        self.users_file.write_text(json.dumps(people))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_openid_provider(
    workdir: Path, *, redirect_uris: list[str], post_logout_uris: list[str] = ()
) -> OpenIDProvider:
    """The Node provider on a free port, once it answers. A start that hangs (seen twice on one
    machine, before it listened, with nothing in its log) is tried again once on another port;
    what Node was doing is kept in `workdir` (a diagnostic report) and printed."""
    require(provider_problem())
    users_file = workdir / "users.json"
    users_file.write_text(json.dumps(USERS))
    for attempt in (1, 2):
        port = free_port()
        log = workdir / f"provider-{attempt}.log"
        env = {
            **os.environ,
            "PORT": str(port),
            "USERS_FILE": str(users_file),
            "REDIRECT_URIS": ",".join(redirect_uris),
            "POST_LOGOUT_REDIRECT_URIS": ",".join(post_logout_uris),
        }
        report = ["--report-on-signal", "--report-signal=SIGUSR2", f"--report-directory={workdir}"]
        command = ["node", *report, str(PROVIDER_DIR / "provider.mjs")]
        process = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        issuer = f"http://127.0.0.1:{port}"
        try:
            _wait_until(
                lambda issuer=issuer: _answers(f"{issuer}/.well-known/openid-configuration"),
                "The OpenID provider",
                process,
                log,
                seconds=30,
                report=True,
            )
        except RuntimeError as problem:
            if attempt == 2:
                raise
            print(f"{problem} — starting it again", file=sys.stderr)
            continue
        return OpenIDProvider(issuer=issuer, users_file=users_file, process=process)
    raise AssertionError("unreachable")


def directory_ldif() -> str:
    """The people of users.json as inetOrgPerson entries under ou=people, their groups as
    groupOfNames under ou=groups, and Prima's service account."""
    blocks = [
        f"dn: {LDAP_SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: kementerian\no: Kementerian",
        f"dn: ou=people,{LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: people",
        f"dn: ou=groups,{LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: groups",
        f"dn: ou=services,{LDAP_SUFFIX}\nobjectClass: organizationalUnit\nou: services",
        f"dn: {LDAP_BIND_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
        f"cn: prima\nuserPassword: {LDAP_BIND_PASSWORD}",
    ]
    members: dict[str, list[str]] = {}
    for uid, person in USERS.items():
        lines = [
            f"dn: uid={uid},ou=people,{LDAP_SUFFIX}",
            "objectClass: inetOrgPerson",
            f"uid: {uid}",
            f"cn: {person['given_name']} {person['family_name']}",
            f"givenName: {person['given_name']}",
            f"sn: {person['family_name']}",
            f"mail: {person['email']}",
            f"userPassword: {person['password']}",
        ]
        if person.get("employee_number"):
            lines.append(f"employeeNumber: {person['employee_number']}")
        if person.get("locale"):
            lines.append(f"preferredLanguage: {person['locale']}")
        blocks.append("\n".join(lines))
        for group in person["groups"]:
            members.setdefault(group, []).append(f"uid={uid},ou=people,{LDAP_SUFFIX}")
    members.setdefault("prima-leaders", [])
    for group, dns in sorted(members.items()):
        dns = [LDAP_BIND_DN, *dns]  # a groupOfNames keeps one member when its people leave
        lines = [f"dn: cn={group},ou=groups,{LDAP_SUFFIX}", "objectClass: groupOfNames", f"cn: {group}"]
        lines += [f"member: {dn}" for dn in dns]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


SLAPD_CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {workdir}/slapd.pid
database mdb
maxsize 10485760
suffix "{suffix}"
rootdn "cn=admin,{suffix}"
rootpw {rootpw}
directory {workdir}/data
access to attrs=userPassword by anonymous auth by self read by * none
access to * by users read by * none
"""


@dataclass
class LDAPServer:
    uri: str
    root_dn: str
    root_password: str
    process: subprocess.Popen

    def modify(self, ldif: str) -> None:
        """Changes the directory as its administrators would (ldapmodify)."""
        subprocess.run(
            ["ldapmodify", "-x", "-H", self.uri, "-D", self.root_dn, "-w", self.root_password],
            input=ldif.encode(),
            check=True,
            capture_output=True,
            timeout=20,
        )

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def start_ldap_server(workdir: Path) -> LDAPServer:
    require(slapd_problem())
    root_password = "directory-admin-pass"
    (workdir / "data").mkdir()
    conf = workdir / "slapd.conf"
    conf.write_text(SLAPD_CONF.format(workdir=workdir, suffix=LDAP_SUFFIX, rootpw=root_password))
    ldif = workdir / "directory.ldif"
    ldif.write_text(directory_ldif())
    subprocess.run([SLAPADD, "-f", str(conf), "-l", str(ldif)], check=True, capture_output=True, timeout=60)
    port = free_port()
    log = workdir / "slapd.log"
    process = subprocess.Popen(
        [SLAPD, "-f", str(conf), "-h", f"ldap://127.0.0.1:{port}/", "-d", "0"],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    _wait_until(lambda: _listens(port), "slapd", process, log)
    return LDAPServer(
        uri=f"ldap://127.0.0.1:{port}", root_dn=f"cn=admin,{LDAP_SUFFIX}", root_password=root_password, process=process
    )
