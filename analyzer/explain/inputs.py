"""What ``explain`` reads: a REST error body, a raw HTTP response as ``curl -i`` prints it, or a HAR file.

Each input becomes one or more :class:`Exchange` — what the answer (and, for a HAR, the request) shows.
Anything that is none of these raises :class:`InputError` with one line for the user.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

MAX_INPUT = 64 * 1024 * 1024  # a HAR of a long browsing session; beyond that it is not what we were given


class InputError(Exception):
    """The input is not something explain reads: one line saying what it is instead."""


@dataclass(frozen=True)
class Exchange:
    """One REST answer, and the request that got it when the input shows it.

    ``request_headers`` is None when the input does not show the request (a body, ``curl -i``).
    """

    label: str  # "the response body", "the HTTP response", "HAR entry 3"
    form: str  # json | http | har
    status: int | None
    response_headers: tuple[tuple[str, str], ...]
    body: str
    error: dict | None  # the parsed {"code", "message", "data"} body, if it is one
    method: str | None = None
    url: str | None = None
    request_headers: tuple[tuple[str, str], ...] | None = None
    request_body: str | None = None
    comment: str = ""

    def response_header(self, name: str) -> str | None:
        return _header(self.response_headers, name)

    def request_header(self, name: str) -> str | None:
        return _header(self.request_headers or (), name)

    @property
    def code(self) -> str | None:
        code = self.error.get("code") if self.error else None
        return code if isinstance(code, str) else None

    @property
    def message(self) -> str | None:
        message = self.error.get("message") if self.error else None
        return message if isinstance(message, str) else None

    @property
    def data(self) -> dict:
        data = self.error.get("data") if self.error else None
        return data if isinstance(data, dict) else {}

    @property
    def effective_status(self) -> int | None:
        """The HTTP status, else the one the body names (``data.status``)."""
        if self.status is not None:
            return self.status
        status = self.data.get("status")
        return status if isinstance(status, int) and not isinstance(status, bool) else None

    @property
    def route(self) -> str | None:
        return route_of(self.url) if self.url else None


def _header(headers, name: str) -> str | None:
    low = name.lower()
    values = [v for k, v in headers if k.lower() == low]
    return ", ".join(values) if values else None


def route_of(url: str) -> str | None:
    """The REST route a URL calls: ``?rest_route=/ns/v1/x`` or ``…/wp-json/ns/v1/x``; None if it is not a REST URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    query = parse_qs(parts.query, keep_blank_values=True)
    if "rest_route" in query:
        route = query["rest_route"][0]
        return "/" + route.lstrip("/") if route else "/"
    at = parts.path.find("/wp-json")
    if at != -1:
        rest = unquote(parts.path[at + len("/wp-json") :])
        return "/" + rest.lstrip("/") if rest.strip("/") else "/"
    return None


def _error_body(text: str) -> dict | None:
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        return value
    return None


_STATUS_LINE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})\b[^\n]*$", re.MULTILINE)


def _raw_response(text: str) -> Exchange:
    normal = text.replace("\r\n", "\n")
    # curl -i prints every response it got (100 Continue, redirects with -L): the last one is the answer.
    pos = 0
    while True:
        head_end = normal.find("\n\n", pos)
        if head_end == -1:
            head, body = normal[pos:], ""
            break
        if _STATUS_LINE.match(normal, head_end + 2):
            pos = head_end + 2
            continue
        head, body = normal[pos:head_end], normal[head_end + 2 :]
        break
    lines = head.split("\n")
    status = int(_STATUS_LINE.match(lines[0]).group(1))  # type: ignore[union-attr]
    headers = []
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if colon and name.strip():
            headers.append((name.strip(), value.strip()))
    return Exchange("the HTTP response", "http", status, tuple(headers), body, _error_body(body.strip()))


def _har(log: dict, entry: int | None) -> list[Exchange]:
    entries = log.get("entries")
    if not isinstance(entries, list):
        raise InputError("this HAR has no log.entries list")
    if entry is not None:
        if not 1 <= entry <= len(entries):
            raise InputError(f"--entry {entry}: this HAR has {len(entries)} entr{'y' if len(entries) == 1 else 'ies'} (numbered from 1)")
        chosen = [(entry, entries[entry - 1])]
    else:
        chosen = [(i, e) for i, e in enumerate(entries, 1) if _is_rest_entry(e)]
        if not chosen:
            raise InputError(f"this HAR holds no REST request (none of its {len(entries)} entries calls /wp-json/ or ?rest_route=, or answers with a REST body)")
    return [_har_exchange(i, e) for i, e in chosen]


def _pairs(items) -> tuple[tuple[str, str], ...]:
    if not isinstance(items, list):
        return ()
    return tuple((str(h.get("name", "")), str(h.get("value", ""))) for h in items if isinstance(h, dict))


def _har_parts(e) -> tuple[dict, dict, str]:
    request = e.get("request") if isinstance(e, dict) else None
    response = e.get("response") if isinstance(e, dict) else None
    request = request if isinstance(request, dict) else {}
    response = response if isinstance(response, dict) else {}
    content = response.get("content") if isinstance(response.get("content"), dict) else {}
    text = content.get("text") if isinstance(content.get("text"), str) else ""
    if content.get("encoding") == "base64":
        import base64
        import binascii

        try:
            text = base64.b64decode(text).decode("utf-8", "replace")
        except (binascii.Error, ValueError):
            text = ""
    return request, response, text


def _is_rest_entry(e) -> bool:
    request, response, text = _har_parts(e)
    url = request.get("url")
    if isinstance(url, str) and route_of(url) is not None:
        return True
    if any(k.lower().startswith("x-wp-") for k, _ in _pairs(response.get("headers"))):
        return True
    body = _error_body(text.strip())
    return body is not None and str(body.get("code", "")).startswith("rest_")


def _har_exchange(index: int, e) -> Exchange:
    request, response, text = _har_parts(e)
    status = response.get("status")
    status = status if isinstance(status, int) and not isinstance(status, bool) and status > 0 else None
    headers = _pairs(request.get("headers"))
    cookies = request.get("cookies")
    if isinstance(cookies, list) and cookies and not any(k.lower() == "cookie" for k, _ in headers):
        joined = "; ".join(f"{c.get('name', '')}={c.get('value', '')}" for c in cookies if isinstance(c, dict))
        headers = (*headers, ("Cookie", joined))
    post = request.get("postData") if isinstance(request.get("postData"), dict) else {}
    url = request.get("url") if isinstance(request.get("url"), str) else None
    method = request.get("method") if isinstance(request.get("method"), str) else None
    comment = e.get("comment") if isinstance(e, dict) and isinstance(e.get("comment"), str) else ""
    return Exchange(
        f"HAR entry {index}",
        "har",
        status,
        _pairs(response.get("headers")),
        text,
        _error_body(text.strip()),
        method.upper() if method else None,
        url,
        headers,
        post.get("text") if isinstance(post.get("text"), str) else None,
        comment,
    )


def read(text: str, entry: int | None = None) -> list[Exchange]:
    """The exchanges an input holds (see the module doc)."""
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise InputError("the input is empty: give a REST error body, a `curl -i` response or a HAR file")
    if _STATUS_LINE.match(stripped.split("\n", 1)[0].rstrip("\r")):
        if entry is not None:
            raise InputError("--entry applies to HAR files only")
        return [_raw_response(stripped)]
    if stripped.strip() == "-1":
        raise InputError("'-1' alone is not enough to explain: give the whole response (`curl -i`) or a HAR entry")
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        if "critical error on this website" in stripped:  # WordPress's fatal-error page, pasted from the response tab
            return [Exchange("the response body", "html", None, (), stripped, None)]
        first = stripped.split("\n", 1)[0][:60]
        raise InputError(f"not JSON, an HTTP response or a HAR file (it starts with {first!r})") from None
    if isinstance(value, dict) and isinstance(value.get("log"), dict):
        return _har(value["log"], entry)
    if entry is not None:
        raise InputError("--entry applies to HAR files only")
    if isinstance(value, dict) and isinstance(value.get("code"), str):
        return [Exchange("the response body", "json", None, (), stripped, value)]
    raise InputError("this JSON is not a WordPress REST error (it has no \"code\"); for a success, give the whole response (`curl -i`) or a HAR")
