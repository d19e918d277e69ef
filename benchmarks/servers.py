"""Start and stop the servers under test; read their workers' memory from /proc."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Settings:
    """How to serve. `None` everywhere means: exactly `hsg-triage serve`'s defaults."""

    server: str | None = None
    workers: int | None = None
    threads: int | None = None

    def label(self) -> str:
        if self == Settings():
            return "hsg-triage serve defaults"
        return " ".join(f"{k}={v}" for k, v in vars(self).items() if v is not None)

    def cli_args(self) -> list[str]:
        args = []
        for name, value in vars(self).items():
            if value is not None:
                args += [f"--{name}", str(value)]
        return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _hsg_triage() -> list[str]:
    # The installed console script is what a clinic runs; fall back to the
    # same entry point through the interpreter if it is not on this venv.
    script = Path(sys.executable).with_name("hsg-triage")
    return [str(script)] if script.exists() else [sys.executable, "-c", "from triage.cli import main; main()"]


@dataclass
class Server:
    name: str
    command: list[str]
    ready_path: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        env = {k: v for k, v in os.environ.items() if not k.startswith("HSG_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), env.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [*self.command, "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as one, and only it
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}: {self.command}")
        self.stop()
        raise RuntimeError(f"{self.name} did not answer on {self.url} within 30 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def worker_pids(self) -> list[int]:
        """gunicorn's workers are the master's children; waitress is one process."""
        children = [pid for pid in _pids() if _ppid(pid) == self.process.pid]
        return children or [self.process.pid]

    def workers_rss_kib(self) -> int:
        return sum(_rss_kib(pid) for pid in self.worker_pids())


def product(settings: Settings) -> Server:
    return Server("hsg-triage serve", [*_hsg_triage(), "serve", *settings.cli_args()], "/healthz")


def bare(server: str, workers: int, threads: int) -> Server:
    command = [sys.executable, str(HERE / "bare_app.py"), "--server", server,
               "--workers", str(workers), "--threads", str(threads)]
    return Server(f"bare Flask ({server}, {workers} workers)", command, "/")


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _ppid(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
