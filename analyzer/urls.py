"""Request URLs in browser code: which REST route a URL names, whether it stays on this site, whether it is
built from a literal ``/wp-json/``, and how core matches a path to a registered route.

A URL that differs by branch (an :class:`~analyzer.js.ir.Alt` anywhere in it) is read once per possibility,
up to :data:`MAX_VARIANTS`: :class:`UrlInfo` holds what every possibility agrees on, and its
``alternatives`` each possibility, marked ``fallback`` when it is used only if an earlier value is empty
(``acme.root || '/wp-json/'``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from itertools import product

from analyzer.js import ir as js
from analyzer.js.transports import literal_string
from analyzer.php.evaluate import Known
from analyzer.php.scripts import UrlV
from analyzer.source import Span

DYNAMIC = "\x00"  # a path segment whose value is not known
MAX_VARIANTS = 16
_WP_JSON = re.compile(r"/wp-json(?=[/?#\x00]|$)")  # '…/wp-json/', or '/wp-json' followed by a value or the end
_REST_ROUTE = re.compile(r"rest_route=")
_SAMPLES = ("1", "abc", "a-1_b", "1/2", "")


@dataclass(frozen=True, slots=True)
class UrlInfo:
    """kind: ``rest``, ``ajax``, ``other`` or ``unknown``. path: the REST route path (``/acme/v1/items/\\x00``)
    when known. cross_origin: True for an absolute URL to another host, False when this site's, None when not
    known."""

    kind: str
    path: str | None = None
    literal: Span | None = None  # a literal '/wp-json/' or 'rest_route=' the URL is built from
    literal_text: str = ""
    cross_origin: bool | None = None
    host: str | None = None
    query: tuple[js.Prop, ...] = ()
    root: Span | None = None  # PHP evidence for the REST root (the rest_url call's localize)
    fallback: bool = False  # this possibility is used only when an earlier value is empty
    site: Span | None = None  # where the value that makes this possibility differ is written
    alternatives: tuple[UrlInfo, ...] = ()  # every possibility, when the URL differs by branch

    @property
    def possibilities(self) -> tuple[UrlInfo, ...]:
        return self.alternatives or (self,)


PhpValue = Callable[[js.JExpr], tuple]  # ClientModel.php_value


def parts(expr: js.JExpr) -> list[js.JExpr]:
    """A URL expression as its concatenated pieces (``wp.url.addQueryArgs`` included)."""
    if isinstance(expr, js.Concat):
        out: list[js.JExpr] = []
        for part in expr.parts:
            out.extend(parts(part))
        return out
    if isinstance(expr, js.CallV) and expr.callee == "wp.url.addQueryArgs" and expr.args:
        return parts(expr.args[0]) + _query_parts(expr.args[1] if len(expr.args) > 1 else None)
    return [expr]


def variants(expr: js.JExpr) -> list[tuple[list[js.JExpr], bool, Span | None]]:
    """Every possibility of a URL: (its pieces, whether it takes a fallback, the span of the chosen option)."""
    pieces = parts(expr)
    choices: list[list[tuple[js.JExpr, bool, Span | None]]] = []
    for piece in pieces:
        if isinstance(piece, js.Alt):
            choices.append([(o, piece.fallback and i > 0, o.span) for i, o in enumerate(piece.options)])
        else:
            choices.append([(piece, False, None)])
    out = []
    for combo in product(*choices):
        flat: list[js.JExpr] = []
        for value, _, _ in combo:
            flat.extend(parts(value) if not isinstance(value, js.Alt) else [js.Unknown(value.span, "nested alternative")])
        sites = [site for _, _, site in combo if site is not None]
        out.append((flat, any(fb for _, fb, _ in combo), sites[-1] if sites else None))
        if len(out) >= MAX_VARIANTS:
            break
    return out


def _query_parts(args: js.JExpr | None) -> list[js.JExpr]:
    if not isinstance(args, js.Obj):
        return []
    out: list[js.JExpr] = []
    for i, prop in enumerate(args.props):
        if prop.key is None:
            continue
        out.append(js.Lit(prop.span, ("?" if i == 0 else "&") + prop.key + "="))
        out.append(prop.value)
    return out


def absolute(pieces: list[js.JExpr]) -> bool:
    first = literal_string(pieces[0]) if pieces else None
    return first is not None and bool(re.match(r"^([a-z][a-z\d+\-.]*:)?//", first, re.IGNORECASE))


def combine(infos: list[UrlInfo]) -> UrlInfo:
    """One UrlInfo for several possibilities: what the primary (non-fallback) ones agree on."""
    if len(infos) == 1:
        return infos[0]
    primary = [i for i in infos if not i.fallback] or infos

    def agreed(field: str, default=None):
        values = {getattr(i, field) for i in primary}
        return values.pop() if len(values) == 1 else default

    query = tuple(q for i in infos for q in i.query)
    root = next((i.root for i in primary if i.root is not None), None)
    return UrlInfo(agreed("kind", "unknown"), agreed("path"), None, "", agreed("cross_origin"), agreed("host"), query, root, alternatives=tuple(infos))


def literal_url(pieces: list[js.JExpr], origin_known: bool) -> UrlInfo:
    """A URL written out (apart from unknown parts): its host, and the REST path after a literal prefix."""
    text, spans = "", []
    for part in pieces:
        literal = literal_string(part)
        text += DYNAMIC if literal is None else literal
        spans.append((len(text), part))
    cross, host = (False if origin_known else None), None
    match = re.match(r"^(?:https?:)?//([^/?#\x00]+)", text)
    if match and not origin_known:
        cross, host = True, match.group(1)
    elif text.startswith("/") or origin_known:
        cross = False
    if "admin-ajax.php" in text:
        return UrlInfo("ajax", cross_origin=cross, host=host)
    for marker, name in ((_WP_JSON, "wp-json"), (_REST_ROUTE, "rest_route")):
        found = marker.search(text)
        if found is None:
            continue
        literal_part = next((p for end, p in spans if end > found.start()), None)
        remainder = text[found.end() :]
        if name == "rest_route":
            remainder = remainder.split("&", 1)[0]
        path, _ = _split_path(remainder)
        path = re.sub(r"/+", "/", path)
        return UrlInfo("rest", "/" + path.lstrip("/") if path else "/", literal_part.span if literal_part else None, name, cross, host, query_fields(pieces))
    return UrlInfo("other" if text.replace(DYNAMIC, "") else "unknown", cross_origin=cross, host=host, query=query_fields(pieces))


def variant_info(pieces: list[js.JExpr], php_value: PhpValue) -> UrlInfo:
    """What one possibility of a URL is (its pieces already joined with an axios baseURL)."""
    if not pieces:
        return UrlInfo("unknown")
    head = pieces[0]
    if isinstance(head, js.CallV) and head.callee == "URL.origin" and head.args:  # new URL( '/wp-json/…', base )
        base = parts(head.args[0])
        value = php_value(base[0])[0] if base and isinstance(base[0], (js.Ref, js.DataAttr, js.Printed)) else None
        if isinstance(value, UrlV) or (isinstance(base[0], js.Ref) and base[0].root == "location"):
            return literal_url(pieces[1:], origin_known=True)
        if absolute(base):
            origin = re.match(r"^((?:[a-z][a-z\d+\-.]*:)?//[^/?#]+)", literal_string(base[0]) or "", re.IGNORECASE)
            return literal_url([js.Lit(base[0].span, origin.group(1) if origin else ""), *pieces[1:]], origin_known=False)
        return literal_url([js.Unknown(head.span, "origin"), *pieces[1:]], origin_known=False)
    value, channel = php_value(head) if isinstance(head, (js.Ref, js.DataAttr, js.Printed)) else (None, None)
    if isinstance(value, Known) and isinstance(value.value, str):
        pieces = [js.Lit(head.span, value.value), *pieces[1:]]
        value = None
    if isinstance(value, UrlV):
        rest = pieces[1:]
        if value.kind == "rest":
            if value.path is None:
                return UrlInfo("rest", None, cross_origin=False, root=channel)
            path, query = path_text(rest, value.path)
            return UrlInfo("rest", path, cross_origin=False, query=query, root=channel)
        if value.kind == "ajax":
            return UrlInfo("ajax", cross_origin=False)
        if value.kind == "site":
            if value.path is None:
                return literal_url(rest, origin_known=True)
            # home_url( '/wp-json/…' ) printed by PHP: its literal is PHP's to report, not this JS's
            info = literal_url([js.Lit(value.span, value.path), *rest], origin_known=True)
            return dataclasses.replace(info, literal=None) if info.literal == value.span else info
        return UrlInfo("other", cross_origin=False)
    return literal_url(pieces, origin_known=False)


def _split_path(text: str) -> tuple[str, str]:
    for mark in ("?", "#", "&"):
        if mark in text:
            at = text.index(mark)
            return text[:at], text[at:]
    return text, ""


def path_text(pieces: list[js.JExpr], prefix: str = "") -> tuple[str | None, tuple[js.Prop, ...]]:
    """The route path of a REST URL after its root, with unknown parts as DYNAMIC, and its query fields."""
    text = prefix
    for part in pieces:
        literal = literal_string(part)
        if literal is None and isinstance(part, js.Lit) and isinstance(part.value, (int, float)):
            literal = str(int(part.value)) if float(part.value).is_integer() else str(part.value)
        text += DYNAMIC if literal is None else literal
        if literal is not None and ("?" in literal or "#" in literal):
            break
    if text.startswith(DYNAMIC):
        return None, ()
    path, _ = _split_path(text)
    if "rest_route=" in path:
        return None, ()
    return "/" + re.sub(r"/+", "/", path).lstrip("/"), query_fields(pieces)


def query_fields(pieces: list[js.JExpr]) -> tuple[js.Prop, ...]:
    """``…?_wpnonce=' + nonce`` and ``&_wpnonce=…`` in a URL."""
    fields = []
    for i, part in enumerate(pieces):
        literal = literal_string(part)
        if literal is None:
            continue
        match = re.search(r"[?&]_wpnonce=([^&#]*)$", literal)
        if match:
            value = js.Lit(part.span, match.group(1)) if match.group(1) or i + 1 >= len(pieces) else pieces[i + 1]
            fields.append(js.Prop("_wpnonce", value, value.span))
    return tuple(fields)


_GROUP = re.compile(r"\(\?P<\w+>((?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*)\)")
_GROUP_SAMPLES = ("1", "a", "abc", "a-1", "0a1b2c3d4e", "a1b2c3d4e5f6a7b8")


def _route_sample(route: str) -> str | None:
    """A concrete path the route matches: each named group replaced by a value its pattern accepts."""

    def fill(match: re.Match) -> str:
        inner = match.group(1)
        for sample in _GROUP_SAMPLES:
            try:
                if re.fullmatch(inner, sample):
                    return sample
            except re.error:
                return "1"
        return "1"

    sample = _GROUP.sub(fill, route)
    return sample if re.fullmatch(r"[\w\-./~%]*", sample) else None


def route_matches(route: str, path: str) -> bool:
    """Whether ``path`` (with DYNAMIC parts) can match the route regex, as core does (``@^route$@i``).
    Unknown parts are tried with a few sample values; beyond three unknown parts, it matches."""
    try:
        pattern = re.compile("^" + route.rstrip("/") + "$", re.IGNORECASE) if route != "/" else re.compile("^/$")
    except re.error:
        return True  # a regex Python does not read (PCRE-only syntax): do not claim a mismatch
    holes = path.count(DYNAMIC)
    if holes == 0:
        return bool(pattern.match(path))
    sample = _route_sample(route)
    if sample is not None:  # the other way round: the route's own shape against the path's wildcards
        wildcard = "".join(re.escape(piece) if i % 2 == 0 else ".+" for i, piece in enumerate(re.split("(\x00)", path)))
        wildcard = wildcard.replace(re.escape(DYNAMIC), "")
        if re.fullmatch(wildcard.rstrip("/"), sample.rstrip("/") or "/", re.IGNORECASE):
            return True
    if holes > 3:
        return True
    pieces = path.split(DYNAMIC)
    for combo in product(_SAMPLES, repeat=holes):
        candidate = pieces[0] + "".join(c + p for c, p in zip(combo, pieces[1:], strict=True))
        candidate = re.sub(r"/+", "/", candidate).rstrip("/") or "/"
        if pattern.match(candidate):
            return True
    return False
