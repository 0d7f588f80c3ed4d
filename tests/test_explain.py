"""``wp-rest-lint explain``: every answer captured from a live WordPress (tests/data/explain/), in every input
form — the body alone, ``curl -i``, a HAR entry — checked against a text snapshot and against the facts it
must state (stage, evidence rows); malformed input gets one line and exit 2; ``--path`` ranks the plugin's
findings on the route first.

Snapshots: ``WP_REST_LINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_explain.py`` rewrites them; review
the diff.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest

from analyzer.cli import main
from analyzer.explain import explain
from analyzer.explain.diagnose import APPLIES, RULED_OUT

DATA = Path(__file__).resolve().parent / "data" / "explain"
SNAPSHOTS = DATA / "snapshots"
PLUGIN = DATA / "plugins" / "acme-save"
HAR = json.loads((DATA / "cases.har").read_text())
UPDATE = bool(os.environ.get("WP_REST_LINT_UPDATE_SNAPSHOTS"))

# case -> (stage, card title start): what each live answer is, whatever form it comes in.
STAGES = {
    "cookie_invalid_nonce_wrong_action": "cookie-nonce",
    "cookie_invalid_nonce_no_cookie": "cookie-nonce",
    "cookie_invalid_nonce_cross_origin": "cookie-nonce",
    "forbidden_401_no_nonce": "anonymous",
    "forbidden_403_capability": "permission",
    "not_logged_in": "anonymous",
    "no_route_method": "route",
    "no_route_path": "route",
    "invalid_param": "arguments",
    "missing_callback_param": "arguments",
    "invalid_json": "arguments",
    "cannot_create_403": "permission",
    "cannot_create_401": "anonymous",
    "incorrect_password": "application-password",
    "permission_callback_true_500": "server",
    "permission_callback_true_500_json": "server",
    "ok_user_0": "none",
    "ok_user_1": "none",
    "ok_no_permission_callback": "none",
    "ok_application_password": "none",
}
HAR_INDEX = {entry["comment"].split(":", 1)[0]: i for i, entry in enumerate(HAR["log"]["entries"], 1)}
FORMS = ("json", "http", "har")


def run(*argv: str, stdin: str | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old_stdin = os.sys.stdin
    try:
        if stdin is not None:
            os.sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()))
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["explain", *argv])
    finally:
        os.sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def _input(case: str, form: str) -> list[str]:
    if form == "json":
        return [str(DATA / f"{case}.json")]
    if form == "http":
        return [str(DATA / f"{case}.txt")]
    return [str(DATA / "cases.har"), "--entry", str(HAR_INDEX[case])]


def test_every_captured_case_is_listed() -> None:
    assert set(STAGES) == {p.stem for p in DATA.glob("*.txt")} == set(HAR_INDEX)


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("case", sorted(STAGES))
def test_snapshot(case: str, form: str) -> None:
    code, out, err = run(*_input(case, form))
    body = (DATA / f"{case}.json").read_text()
    if form == "json" and case.startswith("ok_"):
        # A success body alone says nothing about the request: explain asks for the whole response.
        assert code == 2 and out == "" and err.count("\n") == 1 and "not a WordPress REST error" in err
        return
    assert code == 0, err
    assert f"Failure stage: {STAGES[case]} (" in out
    snapshot = SNAPSHOTS / f"{case}.{form}.txt"
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        snapshot.write_text(out)
    assert out == snapshot.read_text(), f"{snapshot.name} differs (WP_REST_LINT_UPDATE_SNAPSHOTS=1 rewrites it)"
    if body.startswith("{") and "code" in json.loads(body):
        assert json.loads(body)["code"] in out


def _diagnosis(case: str, form: str = "har"):
    if form == "har":
        return explain((DATA / "cases.har").read_text(), entry=HAR_INDEX[case])[0]
    return explain((DATA / f"{case}.{'txt' if form == 'http' else 'json'}").read_text())[0]


def _state(diagnosis, evidence_start: str) -> str:
    rows = [e for e in diagnosis.evidence if e.row.evidence.startswith(evidence_start)]
    assert len(rows) == 1, [e.row.evidence for e in diagnosis.evidence]
    return rows[0].state


@pytest.mark.parametrize(
    ("case", "form", "row", "state"),
    [
        ("cookie_invalid_nonce_cross_origin", "har", "the request came from another origin", APPLIES),
        ("cookie_invalid_nonce_cross_origin", "har", "the answer allows the request's origin", APPLIES),
        ("cookie_invalid_nonce_wrong_action", "har", "the request came from another origin", "possible"),
        ("cookie_invalid_nonce_wrong_action", "har", "the request sent a nonce but no wordpress_logged_in_", RULED_OUT),
        ("cookie_invalid_nonce_wrong_action", "har", "the X-WP-Nonce header is empty", RULED_OUT),
        ("cookie_invalid_nonce_wrong_action", "http", "the nonce was created with another action", "possible"),
        ("forbidden_401_no_nonce", "har", "the request sent no X-WP-Nonce header", APPLIES),
        ("forbidden_401_no_nonce", "http", "the answer carries no refreshed X-WP-Nonce", APPLIES),
        ("forbidden_401_no_nonce", "json", "the request sent no X-WP-Nonce header", "possible"),
        ("forbidden_403_capability", "http", "the answer carries a refreshed X-WP-Nonce", APPLIES),
        ("cannot_create_401", "har", "the request sent no X-WP-Nonce header", APPLIES),
        ("incorrect_password", "har", "the request sent HTTP Basic credentials", APPLIES),
        ("invalid_param", "http", "the answer names the parameters", APPLIES),
        ("missing_callback_param", "json", "the answer names the missing parameters", APPLIES),
        ("invalid_json", "json", "the answer names the JSON error", APPLIES),
        ("permission_callback_true_500_json", "http", "the answer carries a refreshed X-WP-Nonce", APPLIES),
        ("ok_user_0", "http", "the answer carries no refreshed X-WP-Nonce", APPLIES),
        ("ok_user_1", "http", "the answer carries a refreshed X-WP-Nonce", APPLIES),
        ("ok_user_1", "http", "the answer carries no refreshed X-WP-Nonce", RULED_OUT),
        ("ok_no_permission_callback", "har", "the answer carries X-WP-DoingItWrong", APPLIES),
        ("ok_application_password", "har", "the answer carries no refreshed X-WP-Nonce", APPLIES),
    ],
)
def test_evidence_rows_follow_the_input(case: str, form: str, row: str, state: str) -> None:
    assert _state(_diagnosis(case, form), row) == state


def test_401_and_403_forbidden_are_different_stages() -> None:
    assert _diagnosis("forbidden_401_no_nonce").card.stage == "anonymous"
    assert _diagnosis("forbidden_403_capability").card.stage == "permission"
    not_run = _diagnosis("cookie_invalid_nonce_wrong_action").card.not_run
    assert "the route's permission_callback" in not_run and "route matching" in not_run


def test_do_not_do_yet_says_the_four_things() -> None:
    text = " ".join(_diagnosis("cookie_invalid_nonce_wrong_action").card.do_not_yet)
    for phrase in ("Do not loosen the route's permission_callback", "administrator's cookies", "missing route", "security or cache plugins"):
        assert phrase in text


def test_json_format_is_the_same_as_data() -> None:
    code, out, _ = run(str(DATA / "cases.har"), "--entry", str(HAR_INDEX["forbidden_401_no_nonce"]), "--format", "json")
    assert code == 0
    data = json.loads(out)
    (item,) = data["explanations"]
    assert item["input"] == {
        "label": f"HAR entry {HAR_INDEX['forbidden_401_no_nonce']}", "form": "har", "status": 401, "code": "rest_forbidden",
        "message": "Sorry, you are not allowed to do that.", "method": "POST",
        "url": "http://127.0.0.1:8080/index.php?rest_route=/t/v1/private", "route": "/t/v1/private",
    }
    assert item["stage"] == "anonymous" and item["not_run"] == ["the route's callback (your business logic)"]
    states = {e["evidence"]: e["state"] for e in item["evidence"]}
    assert states["the request sent no X-WP-Nonce header and no _wpnonce parameter"] == "applies"
    assert item["do_first"] and item["do_not_yet"]


def test_every_rest_entry_of_a_har_is_explained() -> None:
    code, out, _ = run(str(DATA / "cases.har"))
    assert code == 0
    assert out.count("\nHAR entry ") + out.startswith("HAR entry ") == len(HAR["log"]["entries"])


def test_inline_json_and_stdin() -> None:
    body = '{"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}}'
    code, inline, _ = run(body)
    assert code == 0 and "Failure stage: route (" in inline
    code, piped, _ = run("-", stdin=body)
    assert code == 0 and piped == inline


def test_curl_output_after_100_continue_uses_the_final_answer() -> None:
    raw = (DATA / "forbidden_401_no_nonce.txt").read_text()
    code, out, _ = run("-", stdin="HTTP/1.1 100 Continue\r\n\r\n" + raw)
    assert code == 0 and "401 rest_forbidden" in out


def test_har_content_in_base64_and_status_from_the_body() -> None:
    import base64

    entry = json.loads(json.dumps(HAR["log"]["entries"][HAR_INDEX["not_logged_in"] - 1]))
    content = entry["response"]["content"]
    content["text"], content["encoding"] = base64.b64encode(content["text"].encode()).decode(), "base64"
    code, out, _ = run("-", stdin=json.dumps({"log": {"entries": [entry]}}))
    assert code == 0 and "401 rest_not_logged_in" in out


@pytest.mark.parametrize(
    ("argv", "stdin", "says"),
    [
        (["-"], "", "the input is empty"),
        (["-"], "hello world", "not JSON, an HTTP response or a HAR file"),
        (["-"], '{"user": 0}', "not a WordPress REST error"),
        (["-"], "[1, 2]", "not a WordPress REST error"),
        (["-"], '{"code":"acme_quota_exceeded","message":"x","data":{"status":429}}', "explain does not know the error code 'acme_quota_exceeded' (status 429)"),
        (["-"], '{"log": {"entries": []}}', "holds no REST request"),
        (["-", "--entry", "99"], json.dumps(HAR), "--entry 99: this HAR has"),
        (["-", "--entry", "1"], '{"code":"rest_no_route","data":{"status":404}}', "--entry applies to HAR files only"),
        (["/no/such/file.json"], None, "no such file"),
        (["-", "--method", "FETCH"], '{"code":"rest_no_route","data":{"status":404}}', "not an HTTP method"),
        (["-"], "-1", "'-1' alone is not enough"),
        (["-"], json.dumps({"log": {"entries": [{"request": {"url": "https://a.example/wp-json/x/v1/y", "method": "POST"}, "response": {"status": 403, "content": {}}}]}}), "has no response body"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(argv: list[str], stdin: str | None, says: str) -> None:
    code, out, err = run(*argv, stdin=stdin)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("wp-rest-lint: error: ") and says in err


# --- --path: ranking on a fixture plugin -----------------------------------------------------------


def _plugin(body: str, route: str | None, method: str | None):
    (d,) = explain(body, path=str(PLUGIN), route=route, method=method)
    return d.plugin


def _first(plugin) -> tuple[str, str, int, bool]:
    r = plugin["ranked"][0]
    return r.finding.code, r.finding.span.path, r.finding.span.line, r.on_route


def test_invalid_nonce_ranks_the_wrong_action_nonce_on_that_route_first() -> None:
    plugin = _plugin((DATA / "cookie_invalid_nonce_wrong_action.json").read_text(), "acme/v1/save", "POST")
    assert _first(plugin) == ("WPR001", "assets/admin.js", 6, True)
    assert [r.finding.code for r in plugin["ranked"] if r.relevant] == ["WPR001"]
    assert any("acme_can_save" in n and "has not run" in n for n in plugin["notes"])


def test_forbidden_401_ranks_the_body_nonce_and_says_no_nonce_reached_the_callback() -> None:
    plugin = _plugin((DATA / "forbidden_401_no_nonce.txt").read_text(), "/wp-json/acme/v1/settings", "POST")
    assert _first(plugin) == ("WPR002", "assets/admin.js", 17, True)
    notes = " ".join(plugin["notes"])
    assert "permission_callback closure (acme-save.php:20" in notes
    assert "The plugin's request at assets/admin.js:13 (fetch) sends no nonce core reads" in notes


def test_forbidden_403_names_the_routes_permission_callback() -> None:
    plugin = _plugin((DATA / "forbidden_403_capability.json").read_text(), "/acme/v1/save", "POST")
    assert any(n.startswith("POST /acme/v1/save (acme-save.php:7): permission_callback 'acme_can_save'") and "defined at acme-save.php:26" in n for n in plugin["notes"])
    assert not any("has not run" in n for n in plugin["notes"])


def test_no_route_gives_the_route_table_and_the_nearest_route() -> None:
    plugin = _plugin((DATA / "no_route_path.json").read_text(), "acme/v1/item/5", "GET")
    assert _first(plugin) == ("WPR015", "assets/admin.js", 23, True)
    assert plugin["notes"][0] == "No route of the plugin matches /acme/v1/item/5; the nearest is GET /acme/v1/items/(?P<id>\\d+) (acme-save.php:12)."
    assert "POST               /acme/v1/settings  (acme-save.php:17)" in plugin["notes"][1]


def test_no_route_for_a_wrong_method_says_which_methods_the_route_has() -> None:
    plugin = _plugin((DATA / "no_route_method.json").read_text(), "/acme/v1/save", "GET")
    assert plugin["notes"][0] == "/acme/v1/save is registered (acme-save.php:7) for POST only, not GET: use one of those, or add GET to its 'methods'."


def test_route_and_method_come_from_the_har() -> None:
    entry = json.loads(json.dumps(HAR["log"]["entries"][HAR_INDEX["cookie_invalid_nonce_wrong_action"] - 1]))
    entry["request"]["url"] = "https://shop.example.org/wp-json/acme/v1/save"
    code, out, err = run("-", "--path", str(PLUGIN), stdin=json.dumps({"log": {"entries": [entry]}}))
    assert code == 0, err
    assert "for POST /acme/v1/save" in out
    assert "1. assets/admin.js:6:14 WPR001 [error] (on this route)" in out


def test_path_that_does_not_exist() -> None:
    code, out, err = run("-", "--path", "/no/such/plugin", stdin='{"code":"rest_no_route","data":{"status":404}}')
    assert code == 2 and out == "" and "--path /no/such/plugin: does not exist" in err


def test_a_finding_on_the_route_proves_its_evidence_row_and_comes_first(monkeypatch) -> None:
    monkeypatch.chdir(DATA)
    body = (DATA / "cookie_invalid_nonce_wrong_action.json").read_text()
    (d,) = explain(body, path="plugins/acme-save", route="/acme/v1/save", method="POST")
    first = d.evidence[0]
    assert first.row.evidence.startswith("the nonce was created with another action") and first.state == APPLIES
    assert first.seen == "WPR001 at assets/admin.js:6"
    code, out, _ = run(str(DATA / "cookie_invalid_nonce_wrong_action.json"), "--path", "plugins/acme-save", "--route", "/acme/v1/save", "--method", "POST")
    assert code == 0
    # One screen: the stage, what never ran, and the line that sends the wrong nonce, before the evidence table.
    head = out.split("What the input shows")[0]
    assert "Has not run yet:" in head and "Cause found in the plugin:\n  assets/admin.js:6:14 WPR001" in head
    snapshot = SNAPSHOTS / "path-acme-save.cookie_invalid_nonce.txt"
    if UPDATE:
        snapshot.write_text(out)
    assert out == snapshot.read_text()


@pytest.mark.parametrize(("code", "status", "stage"), [("rest_forbidden_context", 401, "anonymous"), ("rest_cannot_edit", 403, "permission"), ("rest_user_cannot_view", 401, "anonymous")])
def test_core_controller_refusals_follow_the_status(code: str, status: int, stage: str) -> None:
    (d,) = explain(json.dumps({"code": code, "message": "Sorry.", "data": {"status": status}}))
    assert d.card.stage == stage


def test_a_browser_har_entry_with_cookies_listed_and_fetch_metadata() -> None:
    """Chromium lists request cookies under request.cookies and sends Sec-Fetch-Site; both are evidence."""
    entry = json.loads(json.dumps(HAR["log"]["entries"][HAR_INDEX["cookie_invalid_nonce_wrong_action"] - 1]))
    entry["request"]["headers"] = [h for h in entry["request"]["headers"] if h["name"] != "Cookie"] + [
        {"name": "Sec-Fetch-Site", "value": "same-origin"}, {"name": "Sec-Fetch-Mode", "value": "cors"},
    ]
    entry["request"]["cookies"] = [{"name": "wordpress_logged_in_be47a88d", "value": "admin|1|x|y"}]
    (d,) = explain(json.dumps({"log": {"version": "1.2", "entries": [entry]}}))
    assert _state(d, "the request came from another origin") == RULED_OUT
    assert _state(d, "the request sent a nonce but no wordpress_logged_in_") == RULED_OUT
    assert "wordpress_logged_in_ cookie sent: yes" in d.observations and "Sec-Fetch-Site: same-origin" in d.observations
