"""No Docker engine runs here, so the compose file is checked by reading it."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
services = compose["services"]


def test_the_stack_has_its_five_services_with_health_checks():
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert all("healthcheck" in service for service in services.values())


def test_web_worker_and_beat_share_one_image_built_from_the_repo():
    assert (ROOT / "Dockerfile").exists()
    images = {services[name]["image"] for name in ("web", "worker", "beat")}
    assert images == {"prima:latest"}
    assert all(services[name]["build"] == "." for name in ("web", "worker", "beat"))


def test_the_commands_start_gunicorn_and_celery_on_the_config_app():
    assert "gunicorn config.wsgi:application" in " ".join(services["web"]["command"])
    assert services["worker"]["command"][:4] == ["celery", "-A", "config", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]


def test_the_environment_names_only_variables_the_settings_read():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    env = services["web"]["environment"]
    assert env is services["worker"]["environment"] or env == services["worker"]["environment"]
    for variable in env:
        assert f'"{variable}"' in settings_source, variable
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")


def test_app_services_wait_for_healthy_databases():
    for name in ("web", "worker", "beat"):
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
