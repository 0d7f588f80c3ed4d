"""A private WordPress lab on loopback: MariaDB, a scratch copy of Debian's WordPress, PHP's built-in server.

Everything lives in one scratch directory; every process is started here, its pid written down, and stopped
by that pid (``Lab.stop``, also from ``atexit``). Nothing outside 127.0.0.1 is contacted: WordPress is told
to block outbound HTTP, and the browser (see cdp.py) is started with its network features off.

Hosts: the site is ``http://127.0.0.1:SITE``. The same WordPress also answers on a second port, so a page
at ``http://127.0.0.1:OTHER`` is another origin on the **same site** (cookies are host-only, ports do not
make another site), and ``http://localhost:OTHER`` is another **site**.
"""

from __future__ import annotations

import atexit
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

WORDPRESS = Path("/usr/share/wordpress")
PACKAGES = "wordpress php-cli php-mysql mariadb-server chromium"
TOOLS = ("php", "mariadbd", "mariadb-install-db", "mariadb", "chromium")
PASSWORD = "lab-password-1"
USERS = {"admin": 1, "subscriber": 2}  # login -> user id, as the install script creates them
LAB_DIR = Path(__file__).resolve().parent


def missing() -> str | None:
    """Why the lab cannot run here, in one line, or None."""
    absent = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not (WORDPRESS / "wp-includes" / "version.php").is_file():
        absent.insert(0, "wordpress")
    if absent:
        return f"live suite needs {', '.join(absent)}: apt-get install {PACKAGES} (see .ci/run)"
    if os.geteuid() != 0:
        return "live suite needs root (MariaDB runs as root on its own socket)"
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(predicate, what: str, timeout: float = 20.0, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    tail = log.read_text(errors="replace")[-2000:] if log is not None and log.exists() else ""
    raise RuntimeError(f"lab: {what} did not come up within {timeout:.0f} s\n{tail}")


class Processes:
    """Background processes started by the lab, stopped by pid (process group), never by name."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "wb")  # never the caller's stdout: CI pipes must see EOF
        try:
            process = subprocess.Popen(
                argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
            )
        finally:
            log.close()
        self.started.append((name, process))
        return process

    def stop(self) -> None:
        while self.started:
            name, process = self.started.pop()
            if process.poll() is not None:
                continue
            try:
                os.killpg(process.pid, signal.SIGTERM)  # its own session: the group id is its pid
            except ProcessLookupError:
                continue
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


class Lab:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.logs = root / "logs"
        self.docroot = root / "wordpress"
        self.socket = root / "mysqld.sock"
        self.processes = Processes(self.logs)
        self.site_port = 0
        self.other_port = 0
        self.versions: dict[str, str] = {}
        atexit.register(self.stop)

    # URLs -------------------------------------------------------------------------------------------
    @property
    def site(self) -> str:
        return f"http://127.0.0.1:{self.site_port}"

    @property
    def same_site(self) -> str:
        return f"http://127.0.0.1:{self.other_port}"

    @property
    def cross_site(self) -> str:
        return f"http://localhost:{self.other_port}"

    def origin(self, where: str) -> str:
        return {"site": self.site, "same-site": self.same_site, "cross-site": self.cross_site}[where]

    def ports(self) -> dict[str, str]:
        """Port numbers the probe sources are written with, and this run's."""
        return {":8080": f":{self.site_port}", ":8081": f":{self.other_port}"}

    # Start and stop -----------------------------------------------------------------------------------
    def start(self, probes: dict[str, Path], pages: Path) -> None:
        self.logs.mkdir(parents=True, exist_ok=True)
        self.site_port, self.other_port = free_port(), free_port()
        while self.other_port == self.site_port:
            self.other_port = free_port()
        for port in (self.site_port, self.other_port):
            if _answers(port):
                raise RuntimeError(f"lab: port {port} already answers; refusing to run")
        self._database()
        self._wordpress(probes, pages)
        self._install()
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        for name, port in (("site", self.site_port), ("other", self.other_port)):
            self.processes.start(f"php-{name}", ["php", "-S", f"127.0.0.1:{port}", "-t", str(self.docroot)], env=env)
        for name, port in (("site", self.site_port), ("other", self.other_port)):
            _wait(lambda: _answers(port), f"php -S ({name})", log=self.logs / f"php-{name}.log")

    def stop(self) -> None:
        self.processes.stop()

    def _database(self) -> None:
        datadir = self.root / "db"
        cnf = self.root / "my.cnf"
        cnf.write_text(
            "[mysqld]\n"
            f"datadir = {datadir}\nsocket = {self.socket}\npid-file = {self.root / 'mysqld.pid'}\n"
            f"log-error = {self.logs / 'mariadb-error.log'}\n"
            "skip-networking\nuser = root\ninnodb_buffer_pool_size = 64M\nperformance_schema = OFF\n"
            "skip-log-bin\n"
            "[client]\n"
            f"socket = {self.socket}\n"
        )
        subprocess.run(
            ["mariadb-install-db", f"--defaults-file={cnf}", "--auth-root-authentication-method=socket",
             "--skip-test-db", "--skip-name-resolve"],
            check=True, stdin=subprocess.DEVNULL, stdout=open(self.logs / "install-db.log", "wb"), stderr=subprocess.STDOUT,
        )
        self.processes.start("mariadb", ["mariadbd", f"--defaults-file={cnf}"])
        _wait(self.socket.exists, "MariaDB", log=self.logs / "mariadb-error.log")
        _wait(
            lambda: subprocess.run(["mariadb", f"--defaults-file={cnf}", "-e", "CREATE DATABASE IF NOT EXISTS wp"],
                                   stdin=subprocess.DEVNULL, capture_output=True).returncode == 0,
            "MariaDB (accepting queries)", log=self.logs / "mariadb-error.log",
        )
        out = subprocess.run(["mariadb", f"--defaults-file={cnf}", "-N", "-e", "SELECT VERSION()"],
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, check=True).stdout
        self.versions["mariadb"] = out.strip().split("-")[0]

    def _wordpress(self, probes: dict[str, Path], pages: Path) -> None:
        """A scratch copy of Debian's WordPress with the lab's config, theme, mu-plugin and probe plugins."""
        shutil.copytree(WORDPRESS, self.docroot, symlinks=True)
        (self.docroot / "wp-config.php").write_text((LAB_DIR / "wordpress" / "wp-config.php").read_text()
                                                    .replace("@SOCKET@", str(self.socket))
                                                    .replace("@HOME@", self.site)
                                                    .replace("@LOG@", str(self.logs / "wp-debug.log")))
        content = self.docroot / "wp-content"
        if content.is_symlink():  # Debian may point wp-content elsewhere: the lab needs its own
            content.unlink()
        content.mkdir(exist_ok=True)
        for sub in ("plugins", "themes", "mu-plugins", "uploads"):
            target = content / sub
            if target.is_symlink():
                target.unlink()
            target.mkdir(exist_ok=True)
        shutil.copytree(LAB_DIR / "wordpress" / "theme", content / "themes" / "wprl")
        shutil.copy(LAB_DIR / "wordpress" / "wprl-lab.php", content / "mu-plugins" / "wprl-lab.php")
        shutil.copy(LAB_DIR / "wordpress" / "harness.js", content / "mu-plugins" / "wprl-harness.js")
        for name, source in probes.items():
            self._copy_with_ports(source, content / "plugins" / name)
        self._copy_with_ports(pages, self.docroot / "wprl-pages")
        wp_version = (self.docroot / "wp-includes" / "version.php").read_text()
        self.versions["wordpress"] = wp_version.split("$wp_version = '", 1)[1].split("'", 1)[0]

    def _copy_with_ports(self, source: Path, target: Path) -> None:
        """Copy a probe, writing this run's ports where its sources say 8080 (the site) and 8081 (the other)."""
        target.mkdir(parents=True, exist_ok=True)
        for path in source.rglob("*"):
            if path.is_dir():
                continue
            text = path.read_text(encoding="utf-8")
            for old, new in self.ports().items():
                text = text.replace(old, new)
            out = target / path.relative_to(source)
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")

    def _install(self) -> None:
        script = LAB_DIR / "wordpress" / "install.php"
        result = subprocess.run(
            ["php", str(script), str(self.docroot), f"127.0.0.1:{self.site_port}", PASSWORD],
            stdin=subprocess.DEVNULL, capture_output=True, text=True,
        )
        (self.logs / "install.log").write_text(result.stdout + result.stderr)
        if result.returncode != 0 or "installed" not in result.stdout:
            raise RuntimeError(f"lab: WordPress install failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        self.versions["php"] = result.stdout.split("php=", 1)[1].split()[0]
