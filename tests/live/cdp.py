"""Debian's Chromium, headless, driven over the DevTools protocol with one small client (pip ``websockets``).

No browser download, no driver binary: ``chromium --remote-debugging-port=0`` writes the port it chose to
``DevToolsActivePort`` in its profile directory, and everything else is JSON over one WebSocket (flat
sessions: each page's commands carry its ``sessionId``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from websockets.sync.client import connect

# Nothing may leave loopback: every host name but the lab's resolves to nothing, and the features that
# phone home are off.
FLAGS = (
    "--headless=new",
    "--no-sandbox",  # the lab runs as root
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-domain-reliability",
    "--disable-sync",
    "--no-pings",
    "--metrics-recording-only",
    "--disable-features=OptimizationHints,MediaRouter,Translate,InterestFeedContentSuggestions",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
)


class CdpError(RuntimeError):
    pass


class Browser:
    def __init__(self, processes, root: Path) -> None:
        profile = root / "chromium-profile"
        tmp = root / "tmp"
        profile.mkdir(parents=True, exist_ok=True)
        tmp.mkdir(parents=True, exist_ok=True)
        env = {**os.environ, "TMPDIR": str(tmp), "HOME": str(tmp)}
        self.process = processes.start(
            "chromium", ["chromium", *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"], env=env
        )
        active = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (active.exists() and len(active.read_text().splitlines()) >= 2):
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = (processes.logs / "chromium.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"chromium did not start:\n{log}")
            time.sleep(0.05)
        port, path = active.read_text().splitlines()[:2]
        self._connection = connect(f"ws://127.0.0.1:{port}{path}", max_size=None, open_timeout=10)
        self.socket = self._connection.__enter__()
        self._id = 0
        self.events: list[dict] = []
        self.version = self.send("Browser.getVersion")["product"]  # "Chrome/156.0…" (Debian's chromium)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30) -> dict:
        self._id += 1
        message = {"id": self._id, "method": method, "params": params or {}}
        if session is not None:
            message["sessionId"] = session
        self.socket.send(json.dumps(message))
        deadline = time.monotonic() + timeout
        while True:
            reply = json.loads(self.socket.recv(timeout=max(0.01, deadline - time.monotonic())))
            if reply.get("id") == self._id:
                if "error" in reply:
                    raise CdpError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_event(self, method: str, session: str, timeout: float = 20) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise CdpError(f"timed out waiting for {method}")
            try:
                self.events.append(json.loads(self.socket.recv(timeout=remaining)))
            except TimeoutError as error:
                raise CdpError(f"timed out waiting for {method}") from error

    def context(self) -> "Page":
        """A fresh browser context (its own cookie jar and storage) with one page."""
        context = self.send("Target.createBrowserContext")["browserContextId"]
        target = self.send("Target.createTarget", {"url": "about:blank", "browserContextId": context})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, context, session)
        self.send("Page.enable", session=session)
        self.send("Runtime.enable", session=session)
        return page

    def close(self) -> None:
        try:
            self._connection.__exit__(None, None, None)
        except Exception:  # noqa: BLE001 - closing a dead socket
            pass


class Page:
    def __init__(self, browser: Browser, context: str, session: str) -> None:
        self.browser, self.context, self.session = browser, context, session

    def _drop_events(self) -> None:
        self.browser.events = [e for e in self.browser.events if e.get("sessionId") != self.session]

    def navigate(self, url: str) -> None:
        self._drop_events()
        result = self.browser.send("Page.navigate", {"url": url}, self.session)
        if result.get("errorText"):
            raise CdpError(f"navigate {url}: {result['errorText']}")
        self.browser.wait_event("Page.loadEventFired", self.session)

    def evaluate(self, expression: str, timeout: float = 30):
        result = self.browser.send(
            "Runtime.evaluate",
            {"expression": expression, "awaitPromise": True, "returnByValue": True},
            self.session,
            timeout=timeout,
        )
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise CdpError(f"page script failed: {text}")
        return result["result"].get("value")

    def submit_and_wait(self, expression: str) -> None:
        """Run ``expression`` (which submits a form or navigates) and wait for the next page to load."""
        self._drop_events()
        self.browser.send("Runtime.evaluate", {"expression": expression}, self.session)
        self.browser.wait_event("Page.loadEventFired", self.session)

    def clear_cookies(self) -> None:
        self.browser.send("Storage.clearCookies", {"browserContextId": self.context})


def start(processes, root: Path) -> Browser:
    return Browser(processes, root)

