"""deploy/: the nginx sites pass ``nginx -t``, the compose file is valid, the units start what exists.

``nginx -t`` runs when nginx is installed (apt-get install nginx-light) and ``docker-compose config`` when
the compose client is; the structural checks below run everywhere.
"""

import configparser
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

DEPLOY = Path(settings.BASE_DIR) / "deploy"
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def _size(value: str) -> int:
    number, unit = re.fullmatch(r"(\d+)([kKmMgG]?)", value).groups()
    return int(number) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[unit.lower()]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(  # noqa: S603
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"]  # noqa: S607
        + ["-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    return folder


def _nginx_test(site: str, tmp_path: Path, certificate: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` of a site inside a minimal nginx.conf whose paths all point into ``tmp_path``."""
    site = re.sub(r"ssl_certificate (\S+);", f"ssl_certificate {certificate / 'fullchain.pem'};", site)
    site = re.sub(r"ssl_certificate_key (\S+);", f"ssl_certificate_key {certificate / 'privkey.pem'};", site)
    site = site.replace("/etc/nginx/cmcn4_proxy_params", str(DEPLOY / "nginx" / "cmcn4_proxy_params"))
    site = site.replace("/var/log/nginx/", f"{tmp_path}/").replace("server web:8001", "server 127.0.0.1:8001")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n access_log off;\n client_body_temp_path {tmp_path};\n include {tmp_path}/site.conf;\n}}\n"
    )
    return subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True, check=False
    )  # noqa: S603


@pytest.mark.skipif(NGINX is None, reason="needs nginx (apt-get install nginx-light)")
@pytest.mark.parametrize("name", ["cmcn4.conf", "compose.conf"])
def test_the_nginx_sites_pass_nginx_dash_t(name, tmp_path, certificate):
    result = _nginx_test((DEPLOY / "nginx" / name).read_text(), tmp_path, certificate)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", ["cmcn4.conf", "compose.conf"])
def test_the_nginx_sites_take_uploads_up_to_the_portals_limit_and_never_serve_media(name):
    site = (DEPLOY / "nginx" / name).read_text()
    [limit] = re.findall(r"client_max_body_size (\S+);", site)
    # a body just over REQUEST_MAX_BYTES reaches the portal, which refuses it in Vietnamese; far more stops at nginx
    assert settings.REQUEST_MAX_BYTES < _size(limit) <= settings.REQUEST_MAX_BYTES + 2**20
    assert re.search(r"location /media/ \{\s*return 404;", site)
    assert "media" not in " ".join(re.findall(r"(?:alias|root) ([^;]+);", site))
    params = (DEPLOY / "nginx" / "cmcn4_proxy_params").read_text()
    assert "X-Forwarded-Proto $scheme" in params and "X-Forwarded-For $proxy_add_x_forwarded_for" in params
    assert "listen 443 ssl" in site and "return 301 https://" in site


def test_the_compose_file_runs_web_worker_one_beat_and_nginx_on_postgresql_and_redis():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"db", "redis", "migrate", "web", "worker", "beat", "nginx"} <= services.keys()
    assert services["web"]["command"][0] == "gunicorn" and "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"] and "deploy" not in services["beat"]  # one beat, never scaled
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["REDIS_URL"].startswith("redis://redis")
        assert "media:/srv/cmcn4/media" in services[name]["volumes"]
    assert not any("media" in volume for volume in services["nginx"]["volumes"])  # private files never reach nginx
    named = {volume.split(":")[0] for service in services.values() for volume in service.get("volumes", []) if not volume.startswith(".")}
    assert named <= set(compose["volumes"])
    assert (DEPLOY / services["web"]["build"]["dockerfile"].removeprefix("deploy/")).exists()
    # X-Forwarded-For is believed from the nginx container only, never from whoever reaches gunicorn
    nginx_address = services["nginx"]["networks"]["default"]["ipv4_address"]
    assert services["web"]["environment"]["TRUSTED_PROXIES"] == nginx_address
    assert "FORWARDED_ALLOW_IPS" not in services["web"]["environment"]


def test_gunicorn_runs_threads_and_believes_forwarded_headers_only_from_the_trusted_proxies(monkeypatch):
    import runpy

    monkeypatch.setenv("TRUSTED_PROXIES", "192.0.2.7")
    conf = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    from gunicorn.util import load_class
    from gunicorn.workers.gthread import ThreadWorker

    # a slow body holds a thread, not a worker; slow headers hold none (vinhlong_cmcn4.gunicorn_worker)
    assert issubclass(load_class(conf["worker_class"]), ThreadWorker) and conf["threads"] >= 4
    assert conf["forwarded_allow_ips"] == "192.0.2.7"


@pytest.mark.skipif(not shutil.which("docker-compose"), reason="needs the compose client (apt-get install docker-compose)")
def test_docker_compose_config_accepts_the_compose_file(tmp_path):
    (tmp_path / ".env").write_text("SECRET_KEY=x\n")
    text = (DEPLOY / "docker-compose.yml").read_text()
    text = text.replace("context: ..", f"context: {settings.BASE_DIR}").replace("env_file: ../.env", f"env_file: {tmp_path / '.env'}")
    (tmp_path / "docker-compose.yml").write_text(text)
    result = subprocess.run(  # noqa: S603
        [shutil.which("docker-compose"), "-f", str(tmp_path / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_the_systemd_units_start_web_worker_beat_and_a_nightly_backup():
    commands = {name: shlex.split(_unit(f"cmcn4-{name}.service")["Service"]["ExecStart"]) for name in ("web", "worker", "beat", "backup")}
    assert commands["web"][0].endswith("gunicorn") and "deploy/gunicorn.conf.py" in commands["web"][-1]
    assert commands["worker"][1:4] == ["-A", "vinhlong_cmcn4", "worker"]
    assert commands["beat"][1:4] == ["-A", "vinhlong_cmcn4", "beat"]
    assert commands["backup"][1:3] == ["manage.py", "backup"]
    timer = _unit("cmcn4-backup.timer")["Timer"]
    assert timer["OnCalendar"].startswith("*-*-* 02:30") and timer["Persistent"] == "true"
    for name in ("web", "worker", "beat", "backup"):
        assert _unit(f"cmcn4-{name}.service")["Service"]["EnvironmentFile"] == "/etc/cmcn4/cmcn4.env"


def _production_settings(**environment) -> dict:
    import json
    import os
    import sys

    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'cache': s.CACHES['default']['BACKEND'], 'session': s.SESSION_ENGINE, 'storage': s.STORAGES['default']}))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "STORAGE_BACKEND"}}
    env.update(DEBUG="0", SECRET_KEY="x" * 50, DJANGO_SETTINGS_MODULE="vinhlong_cmcn4.settings", **environment)
    result = subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=True)  # noqa: S603
    return json.loads(result.stdout)


def test_in_production_sessions_cache_and_throttles_are_shared_by_every_app_server_never_in_process_memory():
    without_redis = _production_settings()
    assert without_redis["cache"] == "django.core.cache.backends.db.DatabaseCache"
    assert without_redis["session"] == "django.contrib.sessions.backends.db"
    assert (
        _production_settings(REDIS_URL="redis://127.0.0.1:6379/0")["cache"] == "core.redis_breaker.RedisCache"
    )  # Django's, with a breaker


def test_files_go_to_an_s3_compatible_bucket_when_the_environment_says_so():
    assert _production_settings()["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    s3 = _production_settings(STORAGE_BACKEND="s3", S3_BUCKET="cmcn4", S3_ENDPOINT_URL="http://minio:9000")["storage"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "cmcn4" and s3["OPTIONS"]["default_acl"] is None and not s3["OPTIONS"]["file_overwrite"]
