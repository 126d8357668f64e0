"""No Docker engine runs here, so the compose file is checked by reading it."""

from pathlib import Path

import yaml

from config.queues import QUEUES

ROOT = Path(__file__).resolve().parents[2]
compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
services = compose["services"]
WORKERS = [f"worker-{queue}" for queue in QUEUES]
APP_SERVICES = ["web", *WORKERS, "beat"]


def test_the_stack_has_web_beat_a_worker_per_queue_and_the_databases_with_health_checks():
    assert set(services) == {"web", "beat", "postgres", "redis", *WORKERS}
    assert all("healthcheck" in service for service in services.values())


def test_the_app_services_share_one_image_built_from_the_repo():
    assert (ROOT / "Dockerfile").exists()
    images = {services[name]["image"] for name in APP_SERVICES}
    assert images == {"prima:latest"}
    assert all(services[name]["build"] == "." for name in APP_SERVICES)


def test_the_commands_start_gunicorn_and_celery_on_the_config_app():
    assert "gunicorn -c config/gunicorn.py config.wsgi:application" in " ".join(services["web"]["command"])
    assert services["beat"]["command"][:4] == ["celery", "-A", "config", "beat"]
    for name in WORKERS:
        assert services[name]["command"][:4] == ["celery", "-A", "config", "worker"]


def test_each_queue_has_a_worker_that_consumes_only_it():
    for queue in QUEUES:
        command = services[f"worker-{queue}"]["command"]
        assert command[command.index("-Q") + 1] == queue


def test_the_environment_names_only_variables_the_settings_read():
    settings_source = (ROOT / "config" / "settings.py").read_text()
    env = services["web"]["environment"]
    assert all(services[name]["environment"] == env for name in APP_SERVICES)
    for variable in env:
        assert f'"{variable}"' in settings_source, variable
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgres://") and "@postgres:5432/" in env["DATABASE_URL"]
    assert env["CELERY_BROKER_URL"].startswith("redis://redis:6379")


def test_app_services_wait_for_healthy_databases():
    for name in APP_SERVICES:
        assert services[name]["depends_on"] == {
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
