"""The deployment files: Dockerfile (hadolint), deploy/k8s/ (kubernetes-validate), and how they fit together.

Docker cannot build here (no engine), so the image is checked by lint, by its pieces agreeing with each other,
and by running the app from exactly the files the Dockerfile copies.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy.serve import (
    content_security_policy,
    frame_ancestors,
    free_port,
    healthy,
    production_flags,
    render_nginx_config,
)
from deploy.smoke import smoke
from tests.conftest import ROOT

BIN = Path(sys.executable).parent
DOCKERFILE = ROOT / "Dockerfile"
K8S = ROOT / "deploy" / "k8s"
MANIFESTS = sorted(K8S.glob("*.yaml"))


def _tool(name: str) -> str:
    path = BIN / name
    assert path.exists(), f"{name} is missing: pip install -r requirements-dev.txt"
    return str(path)


def _hadolint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    result = subprocess.run([_tool("hadolint"), "-f", "json", str(path)], capture_output=True, text=True)
    return result.returncode, json.loads(result.stdout or "[]")


def test_dockerfile_passes_hadolint() -> None:
    code, findings = _hadolint(DOCKERFILE)
    assert findings == [] and code == 0, findings


@pytest.mark.parametrize(
    ("lines", "rule"),
    [
        ("FROM python:latest", "DL3007"),
        ("FROM python:3.11-slim\nRUN pip install -r requirements.txt", "DL3042"),
        ("FROM python:3.11-slim\nUSER root\nCMD [\"python\"]", "DL3002"),
    ],
    ids=["latest-tag", "pip-cache", "runs-as-root"],
)
def test_hadolint_reports_what_it_is_for(tmp_path: Path, lines: str, rule: str) -> None:
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text(lines + "\n")
    code, findings = _hadolint(dockerfile)
    assert code != 0 and rule in {finding["code"] for finding in findings}


def _validate(path: Path) -> subprocess.CompletedProcess[str]:
    command = [_tool("kubernetes-validate"), "--strict", str(path)]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.mark.parametrize("path", MANIFESTS, ids=lambda path: path.name)
def test_manifest_passes_kubernetes_validate(path: Path) -> None:
    result = _validate(path)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "passed" in output, output
    assert not re.search(r"\b(WARN|ERROR)", output), output


@pytest.mark.parametrize(
    ("spec", "why"),
    [
        ({"replicas": 1, "replicaz": 2}, "an unknown field"),
        ({"replicas": "three"}, "a string for a number"),
    ],
)
def test_kubernetes_validate_rejects_a_broken_deployment(tmp_path: Path, spec: dict[str, Any], why: str) -> None:
    manifest = _load("deployment.yaml")["Deployment"]
    manifest["spec"].update(spec)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(manifest))
    assert _validate(path).returncode != 0, why


def _load(name: str | None = None) -> dict[str, dict[str, Any]]:
    """Manifests by kind, from one file or all of deploy/k8s/."""
    paths = [K8S / name] if name else MANIFESTS
    return {doc["kind"]: doc for path in paths for doc in yaml.safe_load_all(path.read_text()) if doc}


def _dockerfile(instruction: str) -> list[str]:
    return [line.split(None, 1)[1] for line in DOCKERFILE.read_text().splitlines() if line.startswith(instruction)]


def test_the_manifests_fit_together() -> None:
    manifests = _load()
    kinds = ("Deployment", "Service", "Ingress", "HorizontalPodAutoscaler")
    deployment, service, ingress, hpa = (manifests[kind] for kind in kinds)
    pod = deployment["spec"]["template"]
    (container,) = pod["spec"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports["http"] == int(_dockerfile("EXPOSE")[0]), "the container port is the image's"
    assert str(pod["spec"]["securityContext"]["runAsUser"]) == _dockerfile("USER")[0], "the image's non-root user"
    for probe in ("startupProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/_stcore/health", "port": "http"}, probe
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}, "ready after the warm-up"
    assert {"cpu", "memory"} <= set(container["resources"]["limits"]) and container["resources"]["requests"]
    assert service["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    backend = ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": "http"}}
    annotations = ingress["metadata"]["annotations"]
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600, "websockets stay open"
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]


def test_the_cluster_sends_the_same_headers_as_make_serve() -> None:
    headers = _load("headers.yaml")["ConfigMap"]["data"]
    rendered = render_nginx_config(Path("/tmp/x"), "127.0.0.1:8080", [8501], "'self'")
    assert headers["Content-Security-Policy"] == content_security_policy("'self'")
    for name, value in headers.items():
        assert f'add_header {name} "{value}" always;' in rendered, name


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("'self'", "'self'"),
        ("'self'  https://news.example.org", "'self' https://news.example.org"),
        ("https://*.example.org:8443 'self'", "https://*.example.org:8443 'self'"),
        ("'none'", "'none'"),
        ("https:", "https:"),
        ("", ValueError),
        ("'self'; script-src *", ValueError),
        ('https://a.example" always; add_header X 1', ValueError),
        ("'none' 'self'", ValueError),
        ("javascript:alert(1)", ValueError),
        ("*", ValueError),
    ],
)
def test_frame_ancestors_accepts_only_sources(value: str, expected: str | type[Exception]) -> None:
    if isinstance(expected, str):
        assert frame_ancestors(value) == expected
        assert content_security_policy(value).endswith(f"frame-ancestors {expected}")
    else:
        with pytest.raises(expected):
            frame_ancestors(value)


def test_production_settings() -> None:
    flags = production_flags()
    settings = dict(zip(flags[::2], flags[1::2], strict=True))
    assert settings["--server.fileWatcherType"] == "none"
    assert settings["--server.runOnSave"] == "false"
    assert settings["--client.showErrorDetails"] == "none"
    assert settings["--server.enableXsrfProtection"] == "true"
    assert 1 <= int(settings["--server.maxMessageSize"]) < 200, "a bound below Streamlit's default of 200 MB"


@pytest.mark.parametrize("behind_tls", [False, True], ids=["http", "tls"])
def test_rendered_nginx_config_passes_nginx_t(tmp_path: Path, behind_tls: bool) -> None:
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if nginx is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Debian's nginx is not installed (make test installs it when run as root)")
        pytest.skip("Debian's nginx is not installed")
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_nginx_config(tmp_path, f"127.0.0.1:{free_port()}", [free_port(), free_port()], "'self'",
                                        behind_tls=behind_tls))
    result = subprocess.run([nginx, "-e", "stderr", "-p", str(tmp_path), "-c", str(conf), "-t"], capture_output=True)
    assert result.returncode == 0, result.stderr.decode()


def test_the_image_files_are_enough_to_serve(tmp_path: Path) -> None:
    """Copy exactly what the Dockerfile COPYs, then run its build check and its CMD from there (on loopback)."""
    app = tmp_path / "app"
    app.mkdir()
    for line in _dockerfile("COPY "):
        source = line.split()[0]
        target = app / source.rstrip("/")
        if (ROOT / source).is_dir():
            shutil.copytree(ROOT / source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / source, target)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("INCIDENTS_DATA_DIR", None)
    subprocess.run([sys.executable, "-m", "incidents", "validate", "data"], cwd=app, env=env, check=True)
    port = free_port()
    command = [sys.executable, "deploy/serve.py", "replica", "--address", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=app, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not healthy(f"http://127.0.0.1:{port}"):
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the replica did not answer /_stcore/health"
            time.sleep(0.3)
        runs = asyncio.run(smoke(f"http://127.0.0.1:{port}", ("", "map")))
        assert [run.page for run in runs] == ["", "map"]
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.mark.parametrize(
    ("env", "code", "needle"),
    [
        ({"FRAME_ANCESTORS": "https://news.example.org"}, 0, "frame-ancestors https://news.example.org\" always;"),
        ({"FRAME_ANCESTORS": "'self'; script-src *"}, 2, "not a frame-ancestors source"),
        ({"REPLICAS": "0"}, 2, "--replicas must be between 1 and 64"),
        ({"REPLICAS": "2", "PORT": "9090"}, 0, "listen 0.0.0.0:9090;"),
    ],
    ids=["ancestors", "bad-ancestors", "no-replicas", "port"],
)
def test_serve_reads_its_environment(env: dict[str, str], code: int, needle: str) -> None:
    command = [sys.executable, str(ROOT / "deploy" / "serve.py"), "config"]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **env})
    assert result.returncode == code and needle in result.stdout + result.stderr, result.stderr


def test_serve_fails_cleanly_when_nginx_rejects_its_config() -> None:
    """`nginx -t` runs before any replica starts: a failure is one line and exit code 1, not a traceback."""
    command = [sys.executable, str(ROOT / "deploy" / "serve.py"), "--nginx", "false", "--port", str(free_port())]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1
    assert "deploy/serve.py: Command" in result.stderr and "Traceback" not in result.stderr
    assert "replica 0" not in result.stdout


@pytest.mark.parametrize(("environ", "tls"), [
    ({}, False),
    ({"PUBLIC_URL": "http://localhost:8080"}, False),
    ({"PUBLIC_URL": "https://monitor.example.org"}, True),
    ({"INCIDENTS_PUBLIC_URL": "HTTPS://monitor.example.org/"}, True),
    ({"PUBLIC_URL": "http://monitor.example.org", "INCIDENTS_PUBLIC_URL": "https://x.example"}, False),
])
def test_behind_tls_the_cookie_is_secure_and_hsts_is_sent(environ: dict[str, str], tls: bool) -> None:
    """Issue 23, finding 15: behind TLS (PUBLIC_URL https) the affinity cookie is Secure and HSTS is sent; on plain
    HTTP neither (a Secure cookie would never come back)."""
    from deploy.serve import HSTS, behind_tls_from

    assert behind_tls_from(environ) is tls
    rendered = render_nginx_config(Path("/tmp/x"), "127.0.0.1:8080", [8501], "'self'", behind_tls=tls)
    (cookie,) = [line for line in rendered.splitlines() if "monitor_replica=$request_id" in line]
    assert ("; Secure" in cookie) is tls
    assert (f'add_header Strict-Transport-Security "{HSTS}" always;' in rendered) is tls


def test_make_serve_config_follows_public_url() -> None:
    for url, tls in (("https://monitor.example.org", True), ("http://127.0.0.1:8080", False)):
        env = {**os.environ, "PUBLIC_URL": url}
        done = subprocess.run([sys.executable, "deploy/serve.py", "config"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=60, check=True)
        assert ("Strict-Transport-Security" in done.stdout) is tls and ("; Secure" in done.stdout) is tls
