"""Offline (离线): the program makes no network connection.

The self-test (import with worker processes, checks, PDF and Excel export, the Qt window
check) runs in a Python whose sockets are blocked: a ``sitecustomize`` module installs an
audit hook in every process (the workers too) that refuses any socket connection, name
lookup or bind outside the machine's own Unix sockets, and writes each attempt to a file.
The self-test must pass and the file must stay empty.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BLOCKER = textwrap.dedent(
    '''
    """Test harness: no network in this process (tests/test_no_network.py)."""
    import os
    import socket
    import sys

    _LOG = os.environ["BW_NETWORK_LOG"]
    _EVENTS = {
        "socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg",
        "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
        "socket.gethostbyname_ex", "socket.getnameinfo",
    }


    def _local(event, args):
        # Unix sockets (multiprocessing's plumbing) never leave the machine.
        if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
            sock = args[0]
            return getattr(sock, "family", None) == getattr(socket, "AF_UNIX", object())
        return False


    def _hook(event, args):
        if event in _EVENTS and not _local(event, args):
            with open(_LOG, "a", encoding="utf-8") as fh:
                shown = args[1:] if args and isinstance(args[0], socket.socket) else args
                fh.write(f"{os.getpid()} {event} {shown!r}\\n")
            raise OSError(101, f"network blocked by the test: {event}")


    sys.addaudithook(_hook)
    '''
)


def _env(tmp_path: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH", "")]))
    env["BW_NETWORK_LOG"] = str(tmp_path / "network.log")
    env["BUDGET_WORKBENCH_HOME"] = str(tmp_path / "home")
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def test_the_blocker_blocks(tmp_path: Path) -> None:
    # Without this the main test could pass with a blocker that does nothing.
    code = (
        "import socket\n"
        "for attempt in (lambda: socket.create_connection(('localhost', 9), timeout=1),\n"
        "                lambda: socket.socket().connect(('127.0.0.1', 9))):\n"
        "    try:\n"
        "        attempt()\n"
        "    except OSError as exc:\n"
        "        print('blocked' if 'blocked by the test' in str(exc) else exc)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=_env(tmp_path), capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["blocked", "blocked"], result.stdout + result.stderr
    log = (tmp_path / "network.log").read_text(encoding="utf-8")
    assert "socket.getaddrinfo ('localhost', 9" in log
    assert "socket.connect (('127.0.0.1', 9),)" in log


@pytest.mark.slow
def test_self_test_makes_no_network_connection(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "--self-test"],
        env=_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "自检通过 / self-test passed" in result.stdout
    assert "(2 workers," in result.stdout  # the worker processes ran under the blocker too
    log = tmp_path / "network.log"
    attempts = log.read_text(encoding="utf-8") if log.exists() else ""
    assert attempts == "", f"network connection attempted:\n{attempts}"
