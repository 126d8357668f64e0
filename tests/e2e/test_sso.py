"""Single sign-on in the browser: a person clicks "Sign in with …", signs in on the real OpenID
provider's own page and lands on their Prima home with the role the directory gave them; another
signs in with their directory (slapd) password. Prima runs as a second `runserver` on the demo
database, configured through the README's environment variables."""

import subprocess
import sys
import time
import urllib.request

import pytest

from tests.e2e.conftest import ROOT, _free_port, screenshot
from tests.sso.servers import (
    LDAP_BIND_DN,
    LDAP_BIND_PASSWORD,
    LDAP_SUFFIX,
    USERS,
    start_ldap_server,
    start_openid_provider,
)

PEOPLE = f"""
from employees.models import User
for username, number, email in [
    ("siti.sso", "{USERS["siti"]["employee_number"]}", "siti.old@kementerian.example"),
    ("rudi.sso", "{USERS["rudi"]["employee_number"]}", "rudi@kementerian.example"),
]:
    User.objects.update_or_create(
        employee_number=number,
        defaults=dict(username=username, email=email, role="employee", first_name=username[:4].title()),
    )
"""


@pytest.fixture(scope="module")
def sso_server(demo_server, tmp_path_factory):
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    provider = start_openid_provider(
        tmp_path_factory.mktemp("e2e-oidc"),
        redirect_uris=[f"{url}/accounts/oidc/callback/"],
        post_logout_uris=[f"{url}/accounts/login/"],
    )
    directory = start_ldap_server(tmp_path_factory.mktemp("e2e-ldap"))
    env = {
        **demo_server["env"],
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": "prima",
        "OIDC_CLIENT_SECRET": "prima-test-secret",
        "OIDC_SCOPES": "openid email profile employee",
        "OIDC_PROVIDER_NAME": "Kementerian ID",
        "LDAP_SERVER_URI": directory.uri,
        "LDAP_BIND_DN": LDAP_BIND_DN,
        "LDAP_BIND_PASSWORD": LDAP_BIND_PASSWORD,
        "LDAP_USER_BASE": f"ou=people,{LDAP_SUFFIX}",
        "LDAP_GROUP_BASE": f"ou=groups,{LDAP_SUFFIX}",
        "SSO_ROLE_GROUPS": "leadership:prima-leaders;hr:prima-hr;manager:prima-managers",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "shell", "-c", PEOPLE], cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    log = (tmp_path_factory.getbasetemp() / "e2e-sso-server.log").open("wb")
    server = subprocess.Popen(
        [*manage, "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=2)
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("the single sign-on server exited") from None
            time.sleep(0.3)
    yield url
    server.terminate()
    server.wait(timeout=30)
    provider.stop()
    directory.stop()


@pytest.fixture
def sso_page(browser, sso_server):
    context = browser.new_context(base_url=sso_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def test_a_person_signs_in_on_the_providers_page_and_gets_the_directorys_role(sso_page, sso_server):
    page = sso_page
    # a browser that has chosen English (Siti's directory locale, id-ID, would otherwise be used)
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": sso_server}])
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Kementerian ID").click()
    # the provider's own page
    page.wait_for_selector("text=Directory sign-in")
    assert page.url.startswith("http://127.0.0.1:") and not page.url.startswith(sso_server)
    page.fill("#login", "siti")
    page.fill("#password", USERS["siti"]["password"])
    page.click("button[type=submit]")
    page.wait_for_selector(".who")
    assert page.url == f"{sso_server}/"
    assert page.locator(".who").inner_text().endswith("HR")
    screenshot(page, "sso-oidc-home")
    # signing out offers the provider's sign-out
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("text=You are signed out of Prima.")
    assert page.get_by_role("link", name="Sign out of Kementerian ID too").is_visible()


def test_a_person_signs_in_with_their_directory_password_and_gets_the_directorys_role(sso_page):
    page = sso_page
    page.goto("/accounts/login/")
    page.fill("#id_username", "rudi")
    page.fill("#id_password", USERS["rudi"]["password"])
    page.click("form.form button[type=submit]")
    page.wait_for_selector(".who")
    assert page.locator(".who").inner_text().endswith("Manager")


def test_a_wrong_directory_password_is_refused_on_the_page(sso_page):
    page = sso_page
    page.goto("/accounts/login/")
    page.fill("#id_username", "rudi")
    page.fill("#id_password", "not-the-directory-password")
    page.click("form.form button[type=submit]")
    assert page.get_by_role("alert").is_visible()
