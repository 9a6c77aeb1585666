"""A small client of Marionette, Firefox's own automation protocol, for the presenter tests.

Playwright drives only its own patched Firefox builds and geckodriver is not
packaged for Debian, so the distribution's Firefox is driven directly: the
protocol is length-prefixed JSON over TCP (``12:[0,1,"Cmd",{}]``), with
WebDriver's commands. Only what the tests use is here.
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Firefox:
    """A headless Firefox with a fresh profile under ``folder``, one WebDriver session."""

    def __init__(self, executable: str, folder: Path) -> None:
        port = _free_port()
        profile = folder / "profile"
        profile.mkdir(parents=True)
        (profile / "user.js").write_text(f'user_pref("marionette.port", {port});\n')
        env = dict(os.environ, HOME=str(folder), MOZ_HEADLESS="1")
        self._process = subprocess.Popen(
            [executable, "--headless", "--marionette", "-no-remote", "-profile", str(profile)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        deadline = time.monotonic() + 60
        while True:
            try:
                self._socket = socket.create_connection(("127.0.0.1", port), timeout=60)
                break
            except OSError:
                if time.monotonic() > deadline or self._process.poll() is not None:
                    self._process.kill()
                    raise RuntimeError("Firefox did not open its Marionette port") from None
                time.sleep(0.2)
        self._pending = b""
        self._last_id = 0
        self._receive()  # the server's greeting
        self.command("WebDriver:NewSession", {"capabilities": {}})

    def _receive(self):
        while b":" not in self._pending:
            self._pending += self._socket.recv(65536)
        length, rest = self._pending.split(b":", 1)
        while len(rest) < int(length):
            rest += self._socket.recv(65536)
        message, self._pending = rest[: int(length)], rest[int(length):]
        return json.loads(message)

    def command(self, name: str, parameters: dict | None = None):
        """Send one command and return its result (raises on the command's error)."""
        self._last_id += 1
        data = json.dumps([0, self._last_id, name, parameters or {}]).encode()
        self._socket.sendall(str(len(data)).encode() + b":" + data)
        while True:
            kind, message_id, error, result = self._receive()
            if kind == 1 and message_id == self._last_id:
                if error:
                    raise RuntimeError(f"{name}: {error}")
                return result

    def evaluate(self, script: str, *arguments):
        """The value the script's ``return`` gives, in the page."""
        return self.command("WebDriver:ExecuteScript", {"script": script, "args": list(arguments)})["value"]

    def press(self, key: str) -> None:
        """One key down and up (WebDriver key codes, e.g. "\\ue014" for ArrowRight)."""
        actions = [{"type": "keyDown", "value": key}, {"type": "keyUp", "value": key}]
        self.command("WebDriver:PerformActions", {"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})
        self.command("WebDriver:ReleaseActions")

    def close(self) -> None:
        try:
            self.command("WebDriver:DeleteSession")
        finally:
            self._socket.close()
            self._process.terminate()
            try:
                self._process.wait(10)
            except subprocess.TimeoutExpired:
                self._process.kill()
