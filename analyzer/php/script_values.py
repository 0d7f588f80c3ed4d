"""Values PHP builds on the way to browser code, and the evaluator that knows them.

:class:`ScriptEvaluator` extends the evaluator with a ``wp_create_nonce( ACTION )`` result (:class:`NonceV`),
URLs (:class:`UrlV`: ``rest_url()``, ``admin_url( 'admin-ajax.php' )``, ``home_url( path )``,
``plugins_url( 'x.js', __FILE__ )``) and ``wp_json_encode()`` output (:class:`JsonV`), kept through the escaping
and encoding functions plugins wrap them in. A URL of this site built from a literal ``'/wp-json'``
(``home_url() . '/wp-json/acme/v1'``) remembers where that literal is (``UrlV.prefix``, for WPR009).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from analyzer.php import ir
from analyzer.php.evaluate import Env, Evaluator, Known, Value, php_string, unknown
from analyzer.source import Span

DEFAULT_ACTION = -1  # wp_create_nonce() / wp_nonce_field() without an action


@dataclass(frozen=True, slots=True)
class NonceV(Value):
    """A ``wp_create_nonce()`` result. action: the action string, DEFAULT_ACTION, or None when unknown."""

    action: str | int | None
    creation: Span  # the wp_create_nonce call


@dataclass(frozen=True, slots=True)
class UrlV(Value):
    """A URL PHP builds. kind: ``rest`` (REST root plus ``path``), ``ajax`` (admin-ajax.php), ``site``
    (home_url / site_url / admin_url: the site's own origin), ``plugin`` (the plugin's directory URL:
    ``path`` is the plugin-relative file)."""

    kind: str
    path: str | None
    prefix: Span | None = None  # a literal '/wp-json' this site's URL is built with


# Only the pretty-permalink prefix: home_url( '/?rest_route=/…' ) is what rest_url() itself builds on plain
# permalinks, works on every permalink setting, and home_url() already holds a subdirectory.
_REST_PREFIX = re.compile(r"(?:^|/)wp-json(?:/|$)")


@dataclass(frozen=True, slots=True)
class JsonV(Value):
    """``wp_json_encode( value )`` / ``json_encode( value )``: the JS literal PHP prints."""

    value: Value


_PASS_THROUGH = frozenset(
    {"esc_url_raw", "esc_url", "sanitize_url", "esc_attr", "esc_js", "esc_html", "trailingslashit", "untrailingslashit", "strval", "wp_unslash", "esc_textarea", "html_entity_decode"}
)
_REST_URL = frozenset({"rest_url", "get_rest_url"})
_SITE_URL = frozenset({"home_url", "site_url", "get_home_url", "get_site_url", "network_home_url", "network_site_url", "get_bloginfo"})
_PLUGIN_URL = frozenset({"plugins_url", "plugin_dir_url"})


def func_name(name: str) -> str:
    return name.rsplit("\\", 1)[-1].lower()


class ScriptEvaluator(Evaluator):
    """The evaluator, plus nonce and URL values (see module doc)."""

    def _eval_Call(self, expr: ir.Call, env: Env) -> Value:
        name = func_name(expr.name)
        args = [a.value for a in expr.args if not a.spread]
        if name == "wp_create_nonce":
            if not args:
                return NonceV(expr.span, DEFAULT_ACTION, expr.span)
            action = self.eval(args[0], env)
            if isinstance(action, Known) and isinstance(action.value, (str, int)) and not isinstance(action.value, bool):
                value = action.value
                return NonceV(expr.span, DEFAULT_ACTION if value in (-1, "-1") else value, expr.span)
            return NonceV(expr.span, None, expr.span)
        if name == "apply_filters" and len(args) > 1:
            # What a plugin localizes through its own filter is, unless someone hooks it, its default.
            return self.eval(args[1], env)
        if name in ("wp_json_encode", "json_encode") and args:
            return JsonV(expr.span, self.eval(args[0], env))
        if name in _PASS_THROUGH and args:
            inner = self.eval(args[0], env)
            if isinstance(inner, (NonceV, UrlV)):
                return inner
        if name in _REST_URL:
            path_arg = args[1] if name == "get_rest_url" and len(args) > 1 else (args[0] if name == "rest_url" and args else None)
            path = php_string(self.eval(path_arg, env)) if path_arg is not None else ""
            return UrlV(expr.span, "rest", None if path is None else "/" + path.lstrip("/"))
        if name == "admin_url":
            path = php_string(self.eval(args[0], env)) if args else ""
            if path is not None and path.lstrip("/").startswith("admin-ajax.php"):
                return UrlV(expr.span, "ajax", path)
            return UrlV(expr.span, "site", None if path is None else "/wp-admin/" + path.lstrip("/"))
        if name in _SITE_URL:
            if name == "get_bloginfo" and not (args and php_string(self.eval(args[0], env)) in ("url", "wpurl")):
                return super()._eval_Call(expr, env)
            # home_url( $path ): the site's origin and home path, then '/' . ltrim( $path, '/' )
            position = 1 if name in ("get_home_url", "get_site_url") else 0
            path_arg = args[position] if len(args) > position and name != "get_bloginfo" else None
            path = php_string(self.eval(path_arg, env)) if path_arg is not None else ""
            path = None if path is None else ("/" + path.lstrip("/") if path else "")
            prefix = path_arg.span if path is not None and path_arg is not None and _REST_PREFIX.search(path) else None
            return UrlV(expr.span, "site", path, prefix)
        if name in _PLUGIN_URL:
            return self._plugin_url(name, args, expr.span, env)
        if name in ("dirname", "plugin_dir_path") and args:
            inner = self.eval(args[0], env)
            if isinstance(inner, Known) and isinstance(inner.value, str):
                return Known(expr.span, posixpath.dirname(inner.value) if name == "dirname" else posixpath.dirname(inner.value) + "/")
        return super()._eval_Call(expr, env)

    def _plugin_url(self, name: str, args: list[ir.Expr], span: Span, env: Env) -> Value:
        if name == "plugin_dir_url":
            base = self.eval(args[0], env) if args else None
            if isinstance(base, Known) and isinstance(base.value, str):
                return UrlV(span, "plugin", posixpath.dirname(base.value) + "/" if not base.value.endswith("/") else base.value)
            return UrlV(span, "plugin", None)
        relative = php_string(self.eval(args[0], env)) if args else ""
        base = self.eval(args[1], env) if len(args) > 1 else None
        if relative is not None and isinstance(base, Known) and isinstance(base.value, str):
            directory = base.value if base.value.endswith("/") else posixpath.dirname(base.value)
            return UrlV(span, "plugin", posixpath.normpath(posixpath.join(directory, relative.lstrip("/"))))
        return UrlV(span, "plugin", None)

    def _eval_Const(self, expr: ir.Const, env: Env) -> Value:
        upper = expr.name.upper()
        if upper == "__FILE__":
            return Known(expr.span, env.function.key[0] or env.function.span.path)
        if upper == "__DIR__":
            return Known(expr.span, posixpath.dirname(env.function.key[0] or env.function.span.path) + "/")
        return super()._eval_Const(expr, env)

    def _eval_Concat(self, expr: ir.Concat, env: Env) -> Value:
        values = [self.eval(part, env) for part in expr.parts]
        if values and isinstance(values[0], UrlV):
            rest = [php_string(v) for v in values[1:]]
            first = values[0]
            prefix = first.prefix
            if first.kind == "site" and prefix is None:  # home_url() . '/wp-json/acme/v1/'
                text = first.path or ""
                for part, piece in zip(expr.parts[1:], rest, strict=True):
                    if piece is None:
                        break
                    text += piece
                    if _REST_PREFIX.search(text):
                        prefix = part.span
                        break
            if first.path is None or any(r is None for r in rest):
                return UrlV(expr.span, first.kind, None, prefix)
            path = first.path + "".join(rest)  # type: ignore[arg-type]
            if first.kind == "plugin":
                path = posixpath.normpath(path)
            return UrlV(expr.span, first.kind, path, prefix)
        texts = [php_string(v) for v in values]
        if all(t is not None for t in texts):
            return Known(expr.span, "".join(texts))  # type: ignore[arg-type]
        return unknown("concatenation of unknown values", expr.span)
