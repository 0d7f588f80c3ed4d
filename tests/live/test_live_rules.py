"""Every rule, proven on a live WordPress in a real browser.

Each probe in ``tests/live/probes/<name>/`` is a small plugin: the bug and the corrected pattern side by side,
annotated like the fixtures (``// expect: WPR001``, ``// ok: WPR001``). For each probe the test

1. scans it and checks the annotations both ways (the finding on the bug, none on the correction);
2. runs its cases in Chromium — as the administrator, the subscriber or a visitor, from the site's own page or
   as a form on another origin — and records what each request got;
3. compares, for every finding, what the browser observed with the finding's claim (``Finding.claim``: stage,
   status, error code, the user it ran as, whether a request was sent at all), and for every corrected case
   with what it expects.

A finding names its cases with ``probe: NAME`` on its line, or lies inside ``probe( 'NAME', … )``; a case
that no finding names must say what it expects (``{ expect: {…} }``). ``when`` names the condition a case
reproduces (``analyzer.findings.CONDITIONS``); the claim's answer under that condition is the one compared.

The observations are written to ``analyzer/rules/observed.json`` with ``WPRL_UPDATE_OBSERVED=1``; otherwise
the last test fails when they differ from it. Rule docs render it as their "Observed" section
(``python tools/update_docs.py``).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from analyzer.findings import CONDITIONS, Claim
from tests.annotations import check_case
from tests.live import lab as lab_module
from tests.live.conftest import PROBES

ROOT = Path(__file__).resolve().parents[2]
OBSERVED = ROOT / "analyzer" / "rules" / "observed.json"
LOGINS = {"admin": "admin", "subscriber": "subscriber"}
FIELDS = ("sent", "status", "code", "user", "body")

# Conditions the lab cannot reproduce on every run, with what was seen when they were (lab notes, LAB.md).
STATED = [
    {
        "rule": "WPR007",
        "condition": "cross-site-form-late",
        "request": "a form on localhost:8081 (another site) POSTs to a route of a plugin that switches the nonce check off, 125 s after login",
        "observed": {"sent": True, "status": 401, "code": "rest_forbidden", "user": "visitor"},
        "source": "observed once in the lab (Chromium 156, WordPress 6.1.9); not repeated on every run: it needs a 2-minute wait",
    },
    {
        "rule": "WPR009",
        "condition": "apache",
        "request": "GET /wp-json/… on a plain-permalink site served by Apache",
        "observed": None,
        "source": "not observed: the lab serves WordPress with PHP's built-in server",
    },
]

_PROBE_TAG = re.compile(r"probe:\s*([\w-]+(?:\s*,\s*[\w-]+)*)")
_CASE_CALL = re.compile(r"probe\(\s*'([\w-]+)'")
_NONCE = re.compile(r"\b[0-9a-f]{10}\b")

# Filled by the probe tests, checked (or written) by the last test.
RESULTS: dict[str, list[dict]] = {}


# The browser's side ---------------------------------------------------------------------------------------
class Users:
    """One browser context per user (its own cookies and storage), logged in through wp-login.php."""

    def __init__(self, lab, browser) -> None:
        self.lab, self.browser = lab, browser
        self.pages: dict[str, object] = {}
        self.logged_in_at: dict[str, float] = {}

    def page(self, who: str):
        if who not in self.pages:
            self.pages[who] = self.browser.context()
            if who != "visitor":
                self.login(who)
        return self.pages[who]

    def login(self, who: str) -> None:
        page = self.pages[who]
        page.navigate(self.lab.site + "/wp-login.php")
        page.submit_and_wait(
            f"document.getElementById('user_login').value = {json.dumps(LOGINS[who])};"
            f"document.getElementById('user_pass').value = {json.dumps(lab_module.PASSWORD)};"
            "document.getElementById('wp-submit').click();"
        )
        cookies = self.browser.send("Storage.getCookies", {"browserContextId": page.context})["cookies"]
        assert any(c["name"].startswith("wordpress_logged_in_") for c in cookies), f"{who} could not log in"
        self.logged_in_at[who] = time.monotonic()

    def relogin(self, who: str) -> None:
        """A new session: drop the cookies (storage stays) and log in again."""
        self.pages[who].clear_cookies()
        self.login(who)

    def user_id(self, who: str) -> int:
        return lab_module.USERS.get(who, 0)


@pytest.fixture(scope="module")
def users(lab, browser):
    return Users(lab, browser)


def _normal(text: str, lab) -> str:
    """Ports back to the ones the probes are written with; nonces masked (they differ on every run)."""
    for written, actual in lab.ports().items():
        text = text.replace(actual, written)
    return _NONCE.sub("…", text)


def _observation(result: dict, user_id: int, lab) -> dict:
    requests = result["requests"]
    if not requests:
        return {"sent": False, "error": result["error"]}
    last = requests[-1]
    if "failed" in last:
        return {"sent": True, "request": f"{last['method']} {_normal(last['url'], lab)}", "failed": last["failed"]}
    user = last["user"]
    who = None if user is None else "visitor" if user == 0 else "logged-in" if user == user_id else f"user {user}"
    return {
        "sent": True,
        "request": f"{last['method']} {_normal(last['url'], lab)}",
        "status": last["status"],
        "code": last["code"],
        "user": who,
        "body": "html" if last["kind"] == "html" else _normal(last["body"], lab)[:120],
        "error": result["error"],
    }


def _form_observation(page, lab, origin: str, action: str, user_id: int) -> dict:
    """A top-level form POST from a page on ``origin`` to ``action`` (a CSRF attempt); the answer is the page."""
    page.navigate(origin + "/wprl-pages/blank.html")
    page.submit_and_wait(
        "const f = document.createElement('form'); f.method = 'POST'; "
        f"f.action = {json.dumps(action)}; document.body.appendChild(f); f.submit();"
    )
    text = page.evaluate("document.body.innerText")
    try:
        body = json.loads(text)
    except ValueError:
        return {"sent": True, "request": f"POST {_normal(action, lab)} (form)", "status": None, "body": text[:120]}
    error = isinstance(body, dict) and isinstance(body.get("code"), str)
    user = body.get("user") if isinstance(body, dict) else None
    return {
        "sent": True,
        "request": f"POST {_normal(action, lab)} (a form on {_normal(origin, lab)})",
        "status": body.get("data", {}).get("status") if error else 200,
        "code": body["code"] if error else None,
        "user": None if user is None else "visitor" if user == 0 else "logged-in" if user == user_id else f"user {user}",
        "body": _normal(text, lab)[:120],
        "error": None,
    }


def run_cases(name: str, lab, users) -> tuple[list[dict], dict[str, dict]]:
    """Every case of probe ``name``: its declaration and what the browser observed."""
    url = f"{lab.site}/?wprl={name}"
    admin = users.page("admin")
    admin.navigate(url)
    cases = admin.evaluate("wprlCases()")
    observed: dict[str, dict] = {}
    script_cases = [c for c in cases if not c["options"].get("form")]
    for who in sorted({c["options"].get("as", "admin") for c in script_cases if c["options"].get("phase", 1) == 1}):
        page = users.page(who)
        page.navigate(url)
        for case, result in page.evaluate(f"wprlRun({json.dumps(who)}, 1)").items():
            observed[case] = _observation(result, users.user_id(who), lab)
    if any(c["options"].get("phase", 1) == 2 for c in script_cases):
        users.relogin("admin")
        admin.navigate(url)
        for case, result in admin.evaluate("wprlRun('admin', 2)").items():
            observed[case] = _observation(result, users.user_id("admin"), lab)
    for case in (c for c in cases if c["options"].get("form")):
        form = case["options"]["form"]
        if time.monotonic() - users.logged_in_at["admin"] > 90:
            users.relogin("admin")  # keep cross-site forms inside Chromium's 2-minute Lax+POST window
        action = form["action"]
        for written, actual in lab.ports().items():
            action = action.replace(written, actual)
        observed[case["name"]] = _form_observation(admin, lab, lab.origin(form["from"]), action, users.user_id("admin"))
        observed[case["name"]]["seconds_after_login"] = round(time.monotonic() - users.logged_in_at["admin"])
    return cases, observed


# Claims against observations ------------------------------------------------------------------------------
def mismatches(expected: dict, observed: dict) -> list[str]:
    wrong = []
    if observed.get("failed"):
        return [f"the request failed in the browser: {observed['failed']}"]
    expected = {"sent": True, **expected}
    for field in FIELDS:
        if field not in expected:
            continue
        want, got = expected[field], observed.get(field)
        if field == "body" and want == "html":
            got = observed.get("body") if observed.get("body") == "html" else "not html"
        if want != got:
            wrong.append(f"{field}: claimed {want!r}, observed {got!r}")
    return wrong


def cases_of(finding, probe: Path) -> list[str]:
    lines = (probe / finding.span.path).read_text(encoding="utf-8").splitlines()
    tagged = _PROBE_TAG.search(lines[finding.span.line - 1])
    if tagged:
        return [n.strip() for n in tagged.group(1).split(",")]
    for line in reversed(lines[: finding.span.line]):
        call = _CASE_CALL.search(line)
        if call:
            return [call.group(1)]
    return []


@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(name: str, lab, users) -> None:
    probe = PROBES[name]
    result, problems = check_case(probe)
    assert not problems, "the probe's annotations:\n" + "\n".join(problems)
    cases, observed = run_cases(name, lab, users)
    by_name = {c["name"]: c for c in cases}
    findings_of: dict[str, list] = {c: [] for c in by_name}
    for finding in result.findings:
        linked = cases_of(finding, probe)
        assert linked, f"{finding.code} at {finding.span.path}:{finding.span.line} names no probe case"
        assert finding.claim is not None, f"{finding.code} at {finding.span.path}:{finding.span.line} makes no claim"
        for case in linked:
            assert case in by_name, f"{finding.code} names case {case!r}, which {name}'s script does not define"
            findings_of[case].append(finding)

    rows, failures = [], []
    for case in cases:
        options = case["options"]
        condition = options.get("when")
        assert condition is None or condition in CONDITIONS, f"{case['name']}: unknown condition {condition}"
        seen = observed.get(case["name"])
        assert seen is not None, f"case {case['name']} did not run"
        linked = findings_of[case["name"]]
        assert linked or "expect" in options, f"case {case['name']} is linked to no finding and expects nothing"
        row = {
            "case": case["name"],
            "description": _normal(case["description"], lab),
            "as": options.get("as", "admin"),
            "when": condition,
            "findings": sorted({f.code for f in linked}),
            "observed": seen,
        }
        for finding in linked:
            claim: Claim = finding.claim.under(condition)
            row.setdefault("claims", {})[finding.code] = claim.as_dict()
            for wrong in mismatches(claim.as_dict(), seen):
                failures.append(f"{case['name']}: {finding.code} ({finding.span.path}:{finding.span.line}) {wrong}")
        if "expect" in options:
            row["expected"] = options["expect"]
            for wrong in mismatches(options["expect"], seen):
                failures.append(f"{case['name']}: expected {wrong}")
        rows.append(row)
    RESULTS[name] = rows
    assert not failures, "the browser contradicts:\n" + "\n".join(failures)


def test_observed_json_is_current(lab, browser) -> None:
    """Runs last: the observations of this run are the ones committed in analyzer/rules/observed.json."""
    if set(RESULTS) != set(PROBES):
        pytest.skip("not every probe ran in this session")
    document = {
        "environment": {
            "wordpress": lab.versions["wordpress"],
            "php": lab.versions["php"],
            "mariadb": lab.versions["mariadb"],
            "server": "PHP's built-in server (php -S), plain permalinks",
            "browser": browser.version.replace("Chrome/", "Chromium "),
        },
        "probes": {name: RESULTS[name] for name in sorted(RESULTS)},
        "stated": STATED,
    }
    if os.environ.get("WPRL_UPDATE_OBSERVED"):
        OBSERVED.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    committed = json.loads(OBSERVED.read_text(encoding="utf-8"))

    def stable(doc: dict) -> dict:
        probes = {
            name: [{**row, "observed": {k: v for k, v in row["observed"].items() if k != "seconds_after_login"}} for row in rows]
            for name, rows in doc["probes"].items()
        }
        return {"probes": probes, "stated": doc["stated"]}

    now, then = stable(document), stable(committed)
    differ = [
        f"{name}/{row.get('case')}: now {json.dumps(row, sort_keys=True)}"
        for name in sorted(set(now["probes"]) | set(then["probes"]))
        for row in now["probes"].get(name, [])
        if row not in then["probes"].get(name, [])
    ]
    assert now == then, (
        "the browser's answers differ from analyzer/rules/observed.json: rerun with WPRL_UPDATE_OBSERVED=1 "
        "(python -m pytest tests/live) and then python tools/update_docs.py\n" + "\n".join(differ)
    )
