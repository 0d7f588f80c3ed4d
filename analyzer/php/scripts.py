"""What PHP hands to browser code: script handles, nonces, localized objects, ``data-*`` attributes, nonce
form fields and REST roots.

:class:`ScriptEvaluator` extends the evaluator with the values that matter on the way to JS: a
``wp_create_nonce( ACTION )`` result (:class:`NonceV`) and URLs (:class:`UrlV`: ``rest_url()``,
``admin_url( 'admin-ajax.php' )``, ``home_url()``, ``plugins_url( 'x.js', __FILE__ )``), kept through the
escaping and encoding functions plugins wrap them in. :func:`collect` walks every call and every printed
value of the plugin once and returns the facts the client-side model joins with JS.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from analyzer.php import ir
from analyzer.php.evaluate import (
    ArrayV,
    Env,
    Evaluator,
    Known,
    Value,
    php_string,
    unknown,
)
from analyzer.php.symbols import SymbolIndex
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
    prefix: Span | None = None  # a literal '/wp-json' (or 'rest_route=') this site's URL is built with


_REST_PREFIX = re.compile(r"(?:^|/)wp-json(?:/|$)|rest_route=")
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


def _func_name(name: str) -> str:
    return name.rsplit("\\", 1)[-1].lower()


class ScriptEvaluator(Evaluator):
    """The evaluator, plus nonce and URL values (see module doc)."""

    def _eval_Call(self, expr: ir.Call, env: Env) -> Value:
        name = _func_name(expr.name)
        args = [a.value for a in expr.args if not a.spread]
        if name == "wp_create_nonce":
            if not args:
                return NonceV(expr.span, DEFAULT_ACTION, expr.span)
            action = self.eval(args[0], env)
            if isinstance(action, Known) and isinstance(action.value, (str, int)) and not isinstance(action.value, bool):
                value = action.value
                return NonceV(expr.span, DEFAULT_ACTION if value in (-1, "-1") else value, expr.span)
            return NonceV(expr.span, None, expr.span)
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


# --- Facts -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScriptHandle:
    """A script the plugin registers or enqueues (or a block.json registers); ``file`` is the plugin-relative
    JS file when the URL is known."""

    handle: str
    file: str | None
    span: Span | None
    dependencies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Localized:
    """A JS global PHP prints: ``wp_localize_script`` (channel ``localize``), ``wp_add_inline_script``
    (``inline``) or an inline ``<script>`` in a template (``template``). ``value`` is the evaluated PHP value."""

    handle: str | None
    name: str
    value: Value
    span: Span
    channel: str


@dataclass(frozen=True, slots=True)
class DataAttribute:
    """``data-<name>="<?php echo … ?>"`` in a template or an HTML string."""

    name: str
    value: Value
    span: Span


@dataclass(frozen=True, slots=True)
class FormField:
    """A nonce field printed inside a form: ``wp_nonce_field( action, name )`` or a hidden input."""

    name: str
    value: Value
    span: Span
    form_id: str | None
    form_classes: tuple[str, ...]
    path: str


@dataclass(frozen=True, slots=True)
class InlineMiddleware:
    """``wp.apiFetch.createNonceMiddleware( "<?php … ?>" )`` or ``nonceMiddleware.nonce = …`` printed from PHP."""

    value: Value
    span: Span


@dataclass(frozen=True, slots=True)
class NonceCreation:
    value: NonceV
    scope: ir.FunctionFact
    offset: int


@dataclass(frozen=True, slots=True)
class CallFact:
    """A call of interest with the function it sits in, for rules that look at where it happens."""

    name: str
    call: ir.Call
    scope: ir.FunctionFact
    offset: int


@dataclass
class ScriptFacts:
    handles: list[ScriptHandle]
    localized: list[Localized]
    data_attributes: list[DataAttribute]
    form_fields: list[FormField]
    middlewares: list[InlineMiddleware]
    nonces: list[NonceCreation]
    calls: list[CallFact]  # wp_localize_script, wp_verify_nonce, set_transient … (see INTERESTING)
    handle_uses: list[tuple[str, str, Span]]  # (function, handle, call): localize / inline script on a handle
    script_outputs: list[tuple[Span, Value]]  # what PHP prints inside an inline <script> (see analyzer.js.inline)


INTERESTING = frozenset(
    {
        "wp_localize_script", "wp_add_inline_script", "wp_register_script", "wp_enqueue_script", "wp_nonce_field",
        "wp_verify_nonce", "check_ajax_referer", "check_admin_referer", "add_action", "wp_create_nonce",
        "set_transient", "set_site_transient", "update_option", "add_option", "update_site_option", "wp_cache_set",
        "update_user_meta", "add_user_meta", "setcookie", "register_block_type", "wp_register_script_module", "wp_enqueue_script_module",
        "wp_remote_get", "wp_remote_post", "wp_remote_request", "wp_remote_head", "wp_safe_remote_get", "wp_safe_remote_post",
        "wp_safe_remote_request",
    }
)
STORE_FUNCTIONS = {
    "set_transient": 1, "set_site_transient": 1, "update_option": 1, "add_option": 1, "update_site_option": 1,
    "wp_cache_set": 1, "update_user_meta": 2, "add_user_meta": 2, "setcookie": 1,
}

_JS_GLOBAL = re.compile(r"(?:\b(?:var|let|const)\s+|\bwindow\s*\.\s*|\bwindow\s*\[\s*['\"])([A-Za-z_$][\w$]*)['\"]?\s*\]?\s*=\s*$")
_DATA_ATTRIBUTE = re.compile(r"""\bdata-([\w-]+)\s*=\s*["']?$""", re.IGNORECASE)
_INPUT_NAME = re.compile(r"""<input\b[^>]*\bname\s*=\s*["']([^"']+)["'][^>]*\bvalue\s*=\s*["']?$""", re.IGNORECASE)
_MIDDLEWARE = re.compile(r"""(?:createNonceMiddleware\s*\(\s*|nonceMiddleware\.nonce\s*=\s*)["']?$""")
_SCRIPT_OPEN = re.compile(r"<script\b", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script\s*>", re.IGNORECASE)


def _in_script(html: str) -> bool:
    opened = [m.end() for m in _SCRIPT_OPEN.finditer(html)]
    closed = [m.end() for m in _SCRIPT_CLOSE.finditer(html)]
    return bool(opened) and (not closed or opened[-1] > closed[-1])


class _Collector:
    def __init__(self, files: tuple[ir.PhpFacts, ...], evaluator: ScriptEvaluator) -> None:
        self.files = files
        self.ev = evaluator
        self.facts = ScriptFacts([], [], [], [], [], [], [], [], [])

    def value(self, expr: ir.Expr | None, scope: ir.FunctionFact, offset: int) -> Value:
        if expr is None:
            return unknown("no value")
        self.ev.reset()
        try:
            return self.ev.evaluate(expr, Env(scope, scope.class_name, offset))
        except RecursionError:
            return unknown("too deep")

    def run(self) -> ScriptFacts:
        for facts in self.files:
            scopes = [facts.file_scope, *facts.all_functions]
            for scope in scopes:
                for site in scope.calls:  # every call of the body is a site, nested ones included
                    call = site.call
                    if not isinstance(call, ir.Call):
                        continue
                    name = _func_name(call.name)
                    if name in INTERESTING:
                        self.facts.calls.append(CallFact(name, call, scope, site.offset))
                        self._call(name, call, scope, site.offset, facts)
            for output in facts.outputs:
                self._output(output, facts)
        return self.facts

    def _call(self, name: str, call: ir.Call, scope: ir.FunctionFact, offset: int, facts: ir.PhpFacts) -> None:
        args = [a.value for a in call.args if not a.spread]
        arg = lambda i: args[i] if len(args) > i else None
        if name == "wp_create_nonce":
            nonce = self.value(call, scope, offset)
            if isinstance(nonce, NonceV):
                self.facts.nonces.append(NonceCreation(nonce, scope, offset))
        elif name in ("wp_register_script", "wp_enqueue_script") and args:
            handle = php_string(self.value(arg(0), scope, offset))
            if handle is None:
                return
            src = self.value(arg(1), scope, offset) if arg(1) is not None else None
            deps = self.value(arg(2), scope, offset) if arg(2) is not None else None
            dependencies = tuple(php_string(v) or "" for _, v in deps.items) if isinstance(deps, ArrayV) else ()
            self.facts.handles.append(ScriptHandle(handle, src.path if isinstance(src, UrlV) and src.kind == "plugin" else None, call.span, dependencies))
        elif name == "wp_localize_script" and len(args) >= 3:
            handle = php_string(self.value(arg(0), scope, offset))
            if handle is not None:
                self.facts.handle_uses.append((name, handle, call.span))
            object_name = php_string(self.value(arg(1), scope, offset))
            if object_name:
                self.facts.localized.append(Localized(handle, object_name, self.value(arg(2), scope, offset), call.span, "localize"))
        elif name == "wp_add_inline_script" and len(args) >= 2:
            handle = php_string(self.value(arg(0), scope, offset))
            if handle is not None:
                self.facts.handle_uses.append((name, handle, call.span))
            self._script_text(arg(1), scope, offset, call.span, handle, "inline")
        elif name == "wp_nonce_field":
            action = self.value(arg(0), scope, offset) if arg(0) is not None else Known(call.span, DEFAULT_ACTION)
            field = php_string(self.value(arg(1), scope, offset)) if arg(1) is not None else "_wpnonce"
            action_value = action.value if isinstance(action, Known) and isinstance(action.value, (str, int)) else None
            if action_value in (-1, "-1"):
                action_value = DEFAULT_ACTION
            form = _form_at(facts, offset)
            if field:
                self.facts.form_fields.append(
                    FormField(field, NonceV(call.span, action_value, call.span), call.span, form.form_id if form else None, form.classes if form else (), facts.path)
                )

    def _pieces(self, expr: ir.Expr, scope: ir.FunctionFact, offset: int) -> list[str | Value] | None:
        """A PHP string expression as literal text and value slots: concatenation and sprintf( '%s' )."""
        if isinstance(expr, ir.Concat):
            out: list[str | Value] = []
            for part in expr.parts:
                sub = self._pieces(part, scope, offset)
                if sub is None:
                    out.append(self.value(part, scope, offset))
                else:
                    out.extend(sub)
            return out
        if isinstance(expr, ir.Call) and _func_name(expr.name) == "sprintf" and expr.args:
            fmt = php_string(self.value(expr.args[0].value, scope, offset))
            if fmt is None:
                return None
            out = []
            values = [a.value for a in expr.args[1:]]
            index = 0
            for piece in re.split(r"(%(?:\d+\$)?[-+ 0']*\d*(?:\.\d+)?[sdfu])", fmt):
                if piece.startswith("%") and len(piece) > 1:
                    explicit = re.match(r"%(\d+)\$", piece)
                    position = int(explicit.group(1)) - 1 if explicit else index
                    index += 0 if explicit else 1
                    out.append(self.value(values[position], scope, offset) if position < len(values) else unknown("sprintf"))
                else:
                    out.append(piece.replace("%%", "%"))
            return out
        value = self.value(expr, scope, offset)
        if isinstance(value, Known) and isinstance(value.value, str):
            return [value.value]
        return None

    def _script_text(self, expr: ir.Expr | None, scope, offset: int, span: Span, handle: str | None, channel: str) -> None:
        """JS text built in PHP: ``'var Acme = ' . wp_json_encode( $data )``, ``sprintf( 'window.Acme = %s;', … )``."""
        if expr is None:
            return
        pieces = self._pieces(expr, scope, offset)
        if pieces is None:
            return
        text = ""
        for piece in pieces:
            if isinstance(piece, str):
                text += piece
                continue
            self._slot(text, piece, span, handle, channel)
            text += "\x00"

    def _slot(self, text_before: str, value: Value, span: Span, handle: str | None, channel: str) -> None:
        tail = text_before[-300:]
        payload = value.value if isinstance(value, JsonV) else value
        match = _JS_GLOBAL.search(tail)
        if match:
            self.facts.localized.append(Localized(handle, match.group(1), payload, span, channel))
            return
        if _MIDDLEWARE.search(tail):
            self.facts.middlewares.append(InlineMiddleware(payload, span))

    def _output(self, output: ir.Output, facts: ir.PhpFacts) -> None:
        scope = output.scope
        html = output.html_before
        value = self.value(output.value, scope, output.offset)
        if output.in_script:
            self.facts.script_outputs.append((output.span, value.value if isinstance(value, JsonV) else value))
        if html:
            if _in_script(html) or (output.in_script and _JS_GLOBAL.search(html[-300:])):
                self._slot(html, value, output.span, None, "template")
            attribute = _DATA_ATTRIBUTE.search(html[-200:])
            if attribute:
                self.facts.data_attributes.append(DataAttribute(attribute.group(1).lower(), value, output.span))
            field = _INPUT_NAME.search(html[-300:])
            if field and isinstance(value, NonceV):
                form = _form_at(facts, output.offset)
                self.facts.form_fields.append(
                    FormField(field.group(1), value, output.span, form.form_id if form else None, form.classes if form else (), facts.path)
                )
        # HTML built in PHP strings: echo '<div data-nonce="' . esc_attr( wp_create_nonce( 'x' ) ) . '">';
        pieces = self._pieces(output.value, scope, output.offset)
        if pieces:
            text = ""
            for piece in pieces:
                if isinstance(piece, str):
                    text += piece
                    continue
                attribute = _DATA_ATTRIBUTE.search(text[-200:])
                if attribute:
                    self.facts.data_attributes.append(DataAttribute(attribute.group(1).lower(), piece, output.span))
                elif _in_script(text):
                    self._slot(text, piece, output.span, None, "template")
                text += "\x00"


def _form_at(facts: ir.PhpFacts, offset: int) -> ir.FormRange | None:
    inside = [f for f in facts.forms if f.start <= offset < f.end]
    return inside[-1] if inside else None


def collect(files: tuple[ir.PhpFacts, ...], index: SymbolIndex) -> tuple[ScriptFacts, ScriptEvaluator]:
    evaluator = ScriptEvaluator(index)
    return _Collector(files, evaluator).run(), evaluator

