"""Production serving in the foreground (`make serve`): Streamlit replicas on loopback ports behind nginx.

    python deploy/serve.py [--port 8080] [--replicas 3] [--bind 0.0.0.0] [--frame-ancestors "'self'"]
    python deploy/serve.py replica [--address 0.0.0.0] [--port 8501]    # one replica, no proxy (the container)
    python deploy/serve.py config                                       # print the nginx config it would run

The supervisor renders `deploy/nginx.conf.template` into a temporary prefix, starts the replicas with the settings
of `deploy/streamlit-production.toml`, waits until each answers `/_stcore/health`, then runs nginx in the
foreground (`daemon off`). It restarts a replica that exits or stops answering its health check, and on SIGINT or
SIGTERM (Ctrl-C) stops nginx and every replica. Python's standard library only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_CONFIG = ROOT / "deploy" / "streamlit-production.toml"
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
HEALTH = "/_stcore/health"
# Hosted mode: replicas show published records only (the switch is defined in incidents/load/review.py; serve.py stays
# standard-library only, and tests/test_review.py checks the two names agree).
PUBLISHED_ONLY_ENV = "INCIDENTS_PUBLISHED_ONLY"
HEALTH_EVERY = 5.0  # seconds between health checks of a running replica
HEALTH_FAILURES = 3  # consecutive failed checks before a hung replica is killed and restarted
# The policy Streamlit 1.67 works under, checked in chromium on every page by tests/test_serve.py (a violation
# fails it): styles are inline (emotion); protobuf.js and deck.gl compile WebAssembly ('wasm-unsafe-eval', not
# 'unsafe-eval'); deck.gl fetches its icon atlas from a data: URI; the websocket is same-origin ('self' covers
# ws: and wss:). Carto serves the opt-in basemap (?basemap=true). index.html's one inline script is allowed by
# its hash, read from the installed Streamlit (see inline_script_hashes).
CARTO = "https://basemaps.cartocdn.com https://*.basemaps.cartocdn.com"
CSP = {
    "default-src": "'self'",
    "script-src": "'self' 'wasm-unsafe-eval'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": f"'self' data: blob: {CARTO}",
    "font-src": "'self' data:",
    "connect-src": f"'self' data: {CARTO}",
    "worker-src": "'self' blob:",
    "frame-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL)
# One frame-ancestors source: a keyword, a scheme, or scheme://host[:port] (the host may start with "*.").
ANCESTOR = re.compile(r"'self'|'none'|https?:|https?://(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*(:\d{1,5})?", re.IGNORECASE)


class NginxTemplate(string.Template):
    """`@{name}` placeholders: nginx itself uses `$`."""

    delimiter = "@"


def frame_ancestors(value: str) -> str:
    """The CSP `frame-ancestors` sources from FRAME_ANCESTORS, checked so nothing else reaches the nginx config."""
    sources = value.split()
    if not sources:
        raise ValueError("FRAME_ANCESTORS is empty; use \"'none'\" to forbid every frame")
    bad = [source for source in sources if not ANCESTOR.fullmatch(source)]
    if bad:
        raise ValueError(f"FRAME_ANCESTORS: not a frame-ancestors source: {' '.join(bad)}")
    if "'none'" in sources and len(sources) > 1:
        raise ValueError("FRAME_ANCESTORS: 'none' cannot be combined with other sources")
    return " ".join(sources)


def inline_script_hashes() -> list[str]:
    """CSP hash sources of the inline scripts in the installed Streamlit's index.html (no 'unsafe-inline')."""
    spec = importlib.util.find_spec("streamlit")
    if spec is None or spec.origin is None:
        raise SystemExit("streamlit is not installed in this Python")
    html = (Path(spec.origin).parent / "static" / "index.html").read_text(encoding="utf-8")
    digests = (hashlib.sha256(script.encode("utf-8")).digest() for script in INLINE_SCRIPT.findall(html))
    return [f"'sha256-{base64.b64encode(digest).decode('ascii')}'" for digest in digests]


def content_security_policy(ancestors: str) -> str:
    """The Content-Security-Policy header value, with the checked `frame-ancestors` sources."""
    scripts = " ".join([CSP["script-src"], *inline_script_hashes()])
    directives = {**CSP, "script-src": scripts, "frame-ancestors": frame_ancestors(ancestors)}
    return "; ".join(f"{name} {sources}" for name, sources in directives.items())


def production_flags(path: Path = PRODUCTION_CONFIG) -> list[str]:
    """`deploy/streamlit-production.toml` as `streamlit run` flags (flags override `.streamlit/config.toml`)."""
    flags: list[str] = []
    for section, options in tomllib.loads(path.read_text(encoding="utf-8")).items():
        for name, value in options.items():
            text = str(value).lower() if isinstance(value, bool) else str(value)
            flags += [f"--{section}.{name}", text]
    return flags


def replica_command(port: int, address: str = "127.0.0.1") -> list[str]:
    """The command line of one production replica: boot.py, which serves app.py and loads the records as the
    replica starts, so a restarted replica's first reader does not wait for the load."""
    app = str(ROOT / "boot.py")
    return [sys.executable, "-m", "streamlit", "run", app, *production_flags(), "--server.address", address,
            "--server.port", str(port)]  # fmt: skip


def render_nginx_config(
    prefix: Path,
    listen: str,
    replica_ports: list[int],
    ancestors: str,
    access_log: str = "off",
    debug_upstream: bool = False,
    behind_tls: bool = False,
) -> str:
    """nginx.conf for `replica_ports` behind `listen`; `debug_upstream` adds an X-Upstream header (tests).

    `behind_tls` (the public address is https, `behind_tls_from`): the affinity cookie gets `Secure` and every
    response HSTS. Off for plain-HTTP localhost, where a Secure cookie would never come back and HSTS would pin
    http://localhost to https for a year."""
    servers = "\n".join(f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=10s;" for port in replica_ports)
    debug = "        add_header X-Upstream $upstream_addr always;\n" if debug_upstream else ""
    hsts = f'        add_header Strict-Transport-Security "{HSTS}" always;\n' if behind_tls else ""
    return NginxTemplate(TEMPLATE.read_text(encoding="utf-8")).substitute(
        prefix=prefix,
        listen=listen,
        servers=servers,
        csp=content_security_policy(ancestors),
        access_log=access_log,
        cookie_secure="; Secure" if behind_tls else "",
        debug_headers=debug + hsts,
    )


HSTS = "max-age=31536000"  # a year; no includeSubDomains: the monitor does not speak for its parent domain's hosts
PUBLIC_URL_ENVS = ("PUBLIC_URL", "INCIDENTS_PUBLIC_URL")


def behind_tls_from(environ: Mapping[str, str]) -> bool:
    """Whether `make serve` sits behind TLS: its public address (`PUBLIC_URL`, else `INCIDENTS_PUBLIC_URL`) is https."""
    url = next((environ[name] for name in PUBLIC_URL_ENVS if environ.get(name)), "")
    return url.strip().lower().startswith("https://")


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary(name: str) -> str:
    """The nginx executable; Debian puts it in /usr/sbin, which a non-root PATH may lack."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin")
    if found is None:
        raise SystemExit("nginx is missing: run 'make nginx' as root, or 'sudo apt-get install nginx'")
    return found


def healthy(url: str, timeout: float = 3.0) -> bool:
    """Whether `url` + /_stcore/health answers 200."""
    try:
        with urllib.request.urlopen(url + HEALTH, timeout=timeout) as response:  # noqa: S310 (loopback URL we built)
            return bool(response.status == 200)
    except OSError:
        return False


def wait_healthy(url: str, process: subprocess.Popen[bytes], what: str, timeout: float = 90.0) -> None:
    """Wait until `url` is healthy; fail fast if `process` exits first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with code {process.returncode} before answering {HEALTH}")
        if healthy(url, timeout=2.0):
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url}{HEALTH} within {timeout:.0f}s")


def _die_with_parent() -> None:
    """In the child: get SIGTERM if the supervisor itself is killed, so no replica outlives it (Linux)."""
    if sys.platform == "linux":
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG


def spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A child in its own session: Ctrl-C reaches the supervisor only, which then stops the children in order."""
    return subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True, preexec_fn=_die_with_parent)  # noqa: S603 (our own argv)


@dataclass
class Replica:
    """One Streamlit process on a loopback port, and its restart bookkeeping."""

    index: int
    port: int
    process: subprocess.Popen[bytes] | None = None
    failed_checks: int = 0
    crashes: int = 0  # consecutive, for the restart backoff
    start_at: float = 0.0
    checked_at: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, env: dict[str, str]) -> None:
        self.process = spawn(replica_command(self.port), env)
        self.failed_checks = 0
        self.checked_at = time.monotonic()
        print(f"replica {self.index}: pid {self.process.pid} on 127.0.0.1:{self.port}", flush=True)


def replica_env() -> dict[str, str]:
    """The replicas' environment: one cookie secret shared by all (Streamlit signs its cookies with it), and hosted
    mode, always: a served instance never shows drafts."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", PUBLISHED_ONLY_ENV: "1"}
    env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
    return env


def tend(replica: Replica, env: dict[str, str], now: float) -> None:
    """Restart `replica` if it exited or failed its health checks, with a backoff that grows while it keeps dying."""
    process = replica.process
    if process is None:
        if now >= replica.start_at:
            replica.start(env)
        return
    if process.poll() is None and now - replica.checked_at >= HEALTH_EVERY:
        replica.checked_at = now
        replica.failed_checks = 0 if healthy(replica.url) else replica.failed_checks + 1
        replica.crashes = 0 if replica.failed_checks == 0 else replica.crashes
        if replica.failed_checks >= HEALTH_FAILURES:
            print(f"replica {replica.index}: {HEALTH} failed {HEALTH_FAILURES} times; killing it", flush=True)
            process.kill()
            process.wait()
    if process.poll() is not None:
        delay = min(2.0 ** replica.crashes, 30.0)
        print(f"replica {replica.index}: exited with code {process.returncode}; restart in {delay:.0f}s", flush=True)
        replica.crashes += 1
        replica.process = None
        replica.start_at = now + delay


def stop_all(processes: list[subprocess.Popen[bytes]], grace: float = 10.0) -> None:
    """SIGTERM every process (nginx first, so no request reaches a stopping replica), then SIGKILL stragglers."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Stop:
    """Set by SIGINT, SIGTERM or SIGHUP; the supervisor's loop checks it."""

    def __init__(self) -> None:
        self.requested = False
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, self._handle)

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        print(f"{signal.Signals(signum).name}: stopping nginx and the replicas", flush=True)
        self.requested = True


def serve(options: argparse.Namespace) -> int:
    """Run nginx and the replicas until a signal; returns the exit code."""
    stop = Stop()
    nginx = nginx_binary(options.nginx)
    prefix = Path(tempfile.mkdtemp(prefix="incident-monitor-nginx-"))
    prefix.chmod(0o755)  # started by root, nginx's workers run as nobody and need its temp paths
    env = replica_env()
    replicas = [Replica(index, free_port()) for index in range(options.replicas)]
    conf = prefix / "nginx.conf"
    conf.write_text(
        render_nginx_config(prefix, f"{options.bind}:{options.port}", [r.port for r in replicas],
                            options.frame_ancestors, options.access_log, options.debug_upstream,
                            behind_tls_from(os.environ)),
        encoding="utf-8",
    )  # fmt: skip
    command = [nginx, "-e", "stderr", "-p", str(prefix), "-c", str(conf)]
    proxy: subprocess.Popen[bytes] | None = None
    try:
        subprocess.run([*command, "-t", "-q"], check=True)  # noqa: S603 (our own argv)
        # The changes feed is there before the first reader (each replica rewrites it after a new commit).
        subprocess.run([sys.executable, "-m", "incidents", "feed"], cwd=ROOT, env=env, check=False)  # noqa: S603
        for replica in replicas:
            replica.start(env)
        for replica in replicas:
            assert replica.process is not None
            wait_healthy(replica.url, replica.process, f"replica {replica.index}")
        proxy = spawn(command, env)
        host = "127.0.0.1" if options.bind in ("0.0.0.0", "*") else options.bind  # noqa: S104 (comparing, not binding)
        wait_healthy(f"http://{host}:{options.port}", proxy, "nginx", timeout=30)
        print(f"ready: http://{host}:{options.port} ({options.replicas} replicas)", flush=True)
        while not stop.requested:
            if proxy.poll() is not None:
                print(f"nginx exited with code {proxy.returncode}; stopping", flush=True)
                return 1
            for replica in replicas:
                tend(replica, env, time.monotonic())
            time.sleep(0.5)
        return 0
    finally:
        stop_all([p for p in [proxy, *(r.process for r in replicas)] if p is not None])
        shutil.rmtree(prefix, ignore_errors=True)


def _int_env(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options from the command line, defaulting to PORT, REPLICAS, BIND and FRAME_ANCESTORS."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", choices=("serve", "replica", "config"), default="serve")
    parser.add_argument("--port", type=int, help="listening port (PORT; 8080 behind nginx, 8501 for a replica)")
    parser.add_argument("--replicas", type=int, default=_int_env("REPLICAS", 3), help="Streamlit replicas (REPLICAS)")
    parser.add_argument("--bind", default=os.environ.get("BIND") or "0.0.0.0", help="nginx's address (BIND)")  # noqa: S104 (a server)
    parser.add_argument("--address", default="0.0.0.0", help="replica mode: Streamlit's address")  # noqa: S104 (a server)
    ancestors = os.environ.get("FRAME_ANCESTORS") or "'self'"
    parser.add_argument("--frame-ancestors", default=ancestors, help="who may embed it, CSP syntax (FRAME_ANCESTORS)")
    parser.add_argument("--nginx", default="nginx", help="the nginx executable")
    parser.add_argument("--access-log", default="off", help="nginx access_log target (off, or a file)")
    parser.add_argument("--debug-upstream", action="store_true", help="add X-Upstream (which replica answered)")
    options = parser.parse_args(argv)
    if options.port is None:
        options.port = _int_env("PORT", 8501 if options.mode == "replica" else 8080)
    if not 1 <= options.replicas <= 64:
        parser.error("--replicas must be between 1 and 64")
    try:
        frame_ancestors(options.frame_ancestors)
    except ValueError as error:
        parser.error(str(error))
    return options


def main(argv: list[str] | None = None) -> int:
    """Entry point: serve (default), replica or config."""
    options = parse_args(argv)
    if options.mode == "replica":
        command = replica_command(options.port, options.address)
        os.environ[PUBLISHED_ONLY_ENV] = "1"
        os.execv(command[0], command)  # noqa: S606 (replaces this process: the container's PID 1 is Streamlit)
    if options.mode == "config":
        prefix = Path(tempfile.gettempdir()) / "incident-monitor-nginx"
        ports = [8501 + index for index in range(options.replicas)]
        print(render_nginx_config(prefix, f"{options.bind}:{options.port}", ports, options.frame_ancestors,
                                  behind_tls=behind_tls_from(os.environ)))
        return 0
    try:
        return serve(options)
    except (RuntimeError, subprocess.CalledProcessError) as error:  # already torn down by serve's finally
        print(f"deploy/serve.py: {error}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
