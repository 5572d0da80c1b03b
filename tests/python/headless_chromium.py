"""Headless Chromium for the tests, driven over the DevTools protocol on a pipe.

    with Browser(executable) as browser:
        page = browser.open("file:///…/index.html")   # waits for the load event
        page.evaluate("document.documentElement.lang")
        page.screenshot(Path("shot.png"))
        page.events                                     # console, exceptions, log, requests

Chromium runs with --remote-debugging-pipe: it reads commands from file descriptor 3 and
writes answers and events to descriptor 4, as NUL-terminated JSON messages. That needs
the standard library only (no websocket, no Playwright, which downloads its own
browsers, no pyppeteer, which is unmaintained) and no network port. Every host name
resolves to nothing (--host-resolver-rules), so a page that tried to fetch from the
network would fail to, and say so in its log.

Errors: ChromiumError when Chromium does not start, exits or answers a command with an
error; TimeoutError when an answer or the load event does not come in time.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

# The events a page test looks at.
CONSOLE_EVENTS = ("Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded")
REQUEST_EVENT = "Network.requestWillBeSent"


class ChromiumError(RuntimeError):
    pass


def find_chromium() -> str | None:
    """The Chromium executable on PATH (Debian: chromium), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


class Browser:
    def __init__(self, executable: str, timeout: float = 60.0):
        self.executable = executable
        self.timeout = timeout
        self._next_id = 0
        self._buffer = b""
        self._pending: list[dict] = []

    def __enter__(self) -> "Browser":
        self._profile = tempfile.mkdtemp(prefix="kzmig-chromium-")
        commands_read, commands_write = os.pipe()
        answers_read, answers_write = os.pipe()

        def descriptors() -> None:  # in the child: the pipe ends become descriptors 3 and 4
            reader, writer = os.dup(commands_read), os.dup(answers_write)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        self._process = subprocess.Popen(
            [self.executable, "--headless", "--no-sandbox", "--disable-gpu",
             "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
             "--disable-extensions", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             "--host-resolver-rules=MAP * ~NOTFOUND", f"--user-data-dir={self._profile}",
             "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            close_fds=False, preexec_fn=descriptors)
        os.close(commands_read)
        os.close(answers_write)
        self._commands = os.fdopen(commands_write, "wb", buffering=0)
        self._answers = os.fdopen(answers_read, "rb", buffering=0)
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self._process.poll() is None:
                self._send("Browser.close")
                self._process.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired, ChromiumError, TimeoutError):
            self._process.kill()
            self._process.wait()
        finally:
            for handle in (self._commands, self._answers):
                try:
                    handle.close()
                except OSError:
                    pass
            if self._process.stderr:
                self._process.stderr.close()
            shutil.rmtree(self._profile, ignore_errors=True)

    # --- the protocol --------------------------------------------------------------------

    def _send(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        try:
            self._commands.write(json.dumps(message).encode() + b"\0")
        except BrokenPipeError as error:
            raise ChromiumError(f"Chromium has exited ({self._process.poll()})") from error
        return self._next_id

    def _receive(self, wanted, timeout: float | None = None) -> dict:
        """The first message for which wanted(message) holds; the others are kept."""
        for index, message in enumerate(self._pending):
            if wanted(message):
                return self._pending.pop(index)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if wanted(message):
                    return message
                self._pending.append(message)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no answer from Chromium in time")
            ready, _, _ = select.select([self._answers], [], [], min(remaining, 1.0))
            if ready:
                chunk = self._answers.read(1 << 20)
                if not chunk:
                    error = self._process.stderr.read().decode(errors="replace")[-2000:]
                    raise ChromiumError(f"Chromium closed the pipe: {error}")
                self._buffer += chunk

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        number = self._send(method, params, session)
        answer = self._receive(lambda message: message.get("id") == number)
        if "error" in answer:
            raise ChromiumError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    def open(self, url: str, width: int = 1280, height: int = 900) -> "Page":
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget",
                            {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=session)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
                  session=session)
        self.call("Page.navigate", {"url": url}, session=session)
        self._receive(lambda message: message.get("sessionId") == session
                      and message.get("method") == "Page.loadEventFired")
        return page


class Page:
    def __init__(self, browser: Browser, session: str):
        self.browser = browser
        self.session = session

    def evaluate(self, expression: str) -> object:
        """The value of a JavaScript expression in the page (JSON-serialisable)."""
        result = self.browser.call("Runtime.evaluate",
                                   {"expression": expression, "returnByValue": True},
                                   session=self.session)
        if "exceptionDetails" in result:
            raise ChromiumError(f"{expression[:80]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> Path:
        """A PNG of the whole page (not only the window) at path."""
        data = self.browser.call("Page.captureScreenshot",
                                 {"format": "png", "captureBeyondViewport": True},
                                 session=self.session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self, path: Path) -> Path:
        """The page printed to PDF (print media: the page's @media print rules)."""
        data = self.browser.call("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True},
                                 session=self.session)["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def events(self, methods: tuple[str, ...]) -> list[dict]:
        """The events of this page so far whose method is one of methods: {'method', 'params'}."""
        self.evaluate("0")  # a round trip, so that every event sent before it has arrived
        return [message for message in self.browser._pending
                if message.get("sessionId") == self.session and message.get("method") in methods]
