"""What PHP hands to browser code: script handles, nonces, localized objects, ``data-*`` attributes, nonce
form fields, REST roots, and browser code written in PHP strings.

The values themselves (nonces, URLs, JSON) and the evaluator that knows them are in
:mod:`analyzer.php.script_values`. :func:`collect` walks every call and every printed value of the plugin
once and returns the facts the client-side model joins with JS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from analyzer.php import ir
from analyzer.php.evaluate import ArrayV, Env, Known, Value, php_string, unknown
from analyzer.php.script_values import DEFAULT_ACTION, JsonV, NonceV, ScriptEvaluator, UrlV, func_name
from analyzer.php.symbols import SymbolIndex
from analyzer.source import Span

__all__ = ["DEFAULT_ACTION", "JsonV", "NonceV", "ScriptEvaluator", "UrlV", "collect"]


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


@dataclass(frozen=True, slots=True)
class Piece:
    """Part of a string PHP builds: literal ``text``, or a ``value`` slot (a concatenated or interpolated
    expression), with where it is written."""

    text: str | None
    value: Value | None
    span: Span


@dataclass(frozen=True, slots=True)
class EmbeddedScript:
    """Browser code written in PHP strings: the text handed to ``wp_add_inline_script`` (``whole``), or an
    echoed string holding ``<script>`` elements (only their content is code)."""

    pieces: tuple[Piece, ...]
    whole: bool


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
    embedded: list[EmbeddedScript]  # browser code written in PHP strings (see analyzer.js.embedded)


INTERESTING = frozenset(
    {
        "wp_localize_script", "wp_add_inline_script", "wp_register_script", "wp_enqueue_script", "wp_nonce_field",
        "wp_verify_nonce", "check_ajax_referer", "check_admin_referer", "add_action", "wp_create_nonce",
        "set_transient", "set_site_transient", "update_option", "add_option", "update_site_option", "wp_cache_set",
        "update_user_meta", "add_user_meta", "setcookie", "register_block_type", "wp_register_script_module", "wp_enqueue_script_module",
        "wp_remote_get", "wp_remote_post", "wp_remote_request", "wp_remote_head", "wp_safe_remote_get", "wp_safe_remote_post",
        "wp_safe_remote_request", "wp_print_inline_script_tag", "wp_get_inline_script_tag",
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
        self.facts = ScriptFacts([], [], [], [], [], [], [], [], [], [])

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
                    name = func_name(call.name)
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
        elif name in ("wp_print_inline_script_tag", "wp_get_inline_script_tag") and args:
            self._script_text(arg(0), scope, offset, call.span, None, "inline")
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

    def _pieces(self, expr: ir.Expr, scope: ir.FunctionFact, offset: int, depth: int = 0) -> list[Piece] | None:
        """A PHP string expression as literal text and value slots, each where it is written: concatenation,
        interpolation, ``sprintf( '%s' )``, and a variable assigned such an expression earlier in the function."""
        if depth > 8:
            return None
        if isinstance(expr, ir.Concat):
            out: list[Piece] = []
            for part in expr.parts:
                sub = self._pieces(part, scope, offset, depth + 1)
                out.extend(sub if sub is not None else [Piece(None, self.value(part, scope, offset), part.span)])
            return out
        if isinstance(expr, ir.Call) and func_name(expr.name) == "sprintf" and expr.args:
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
                    if position < len(values):
                        out.append(Piece(None, self.value(values[position], scope, offset), values[position].span))
                    else:
                        out.append(Piece(None, unknown("sprintf"), expr.span))
                else:
                    out.append(Piece(piece.replace("%%", "%"), None, expr.args[0].value.span))
            return out
        if isinstance(expr, ir.Var):  # $js = "…"; … wp_add_inline_script( 'h', $js )
            assigned = _assignment_before(scope, expr.name, offset)
            if assigned is not None and isinstance(assigned.value, (ir.Concat, ir.Call)):
                return self._pieces(assigned.value, scope, assigned.offset, depth + 1)
        value = self.value(expr, scope, offset)
        if isinstance(value, Known) and isinstance(value.value, str):
            return [Piece(value.value, None, expr.span)]
        return None

    def _script_text(self, expr: ir.Expr | None, scope, offset: int, span: Span, handle: str | None, channel: str) -> None:
        """JS text built in PHP: ``'var Acme = ' . wp_json_encode( $data )``, ``sprintf( 'window.Acme = %s;', … )``;
        kept whole as browser code to analyse (``ScriptFacts.embedded``)."""
        if expr is None:
            return
        pieces = self._pieces(expr, scope, offset)
        if pieces is None:
            return
        self.facts.embedded.append(EmbeddedScript(tuple(pieces), True))
        text = ""
        for piece in pieces:
            if piece.text is not None:
                text += piece.text
                continue
            self._slot(text, piece.value, span, handle, channel)
            self.facts.script_outputs.append((piece.span, _payload(piece.value)))
            text += "\x00"

    def _slot(self, text_before: str, value: Value, span: Span, handle: str | None, channel: str) -> None:
        tail = text_before[-300:]
        payload = _payload(value)
        match = _JS_GLOBAL.search(tail)
        if match:
            self.facts.localized.append(Localized(handle, match.group(1), payload, span, channel))
            return
        if _MIDDLEWARE.search(tail):
            self.facts.middlewares.append(InlineMiddleware(payload, span))

    def _output(self, output: ir.Output, facts: ir.PhpFacts) -> None:
        scope = output.scope
        html = output.html_before
        computed: list[Value] = []

        def value() -> Value:  # evaluated only where the output lands somewhere that matters
            if not computed:
                computed.append(self.value(output.value, scope, output.offset))
            return computed[0]

        if output.in_script:
            self.facts.script_outputs.append((output.span, _payload(value())))
        if html:
            if _in_script(html) or (output.in_script and _JS_GLOBAL.search(html[-300:])):
                self._slot(html, value(), output.span, None, "template")
            attribute = _DATA_ATTRIBUTE.search(html[-200:])
            if attribute:
                self.facts.data_attributes.append(DataAttribute(attribute.group(1).lower(), value(), output.span))
            field = _INPUT_NAME.search(html[-300:])
            if field and isinstance(value(), NonceV):
                form = _form_at(facts, output.offset)
                self.facts.form_fields.append(
                    FormField(field.group(1), value(), output.span, form.form_id if form else None, form.classes if form else (), facts.path)
                )
        # HTML built in PHP strings: echo '<div data-nonce="' . esc_attr( wp_create_nonce( 'x' ) ) . '">';
        pieces = self._pieces(output.value, scope, output.offset)
        if pieces:
            text = ""
            scripted = False
            for piece in pieces:
                if piece.text is not None:
                    text += piece.text
                    continue
                attribute = _DATA_ATTRIBUTE.search(text[-200:])
                if attribute:
                    self.facts.data_attributes.append(DataAttribute(attribute.group(1).lower(), piece.value, output.span))
                elif _in_script(text):
                    self._slot(text, piece.value, output.span, None, "template")
                    self.facts.script_outputs.append((piece.span, _payload(piece.value)))
                text += "\x00"
                scripted = scripted or _in_script(text)
            if scripted or _SCRIPT_OPEN.search(text):  # echo '<script>fetch( … )</script>': its JS, analysed
                self.facts.embedded.append(EmbeddedScript(tuple(pieces), False))
            elif output.in_script and not html and any(p.text for p in pieces):  # echo '<script>'; echo 'fetch( … )';
                self.facts.embedded.append(EmbeddedScript(tuple(pieces), True))


def _payload(value: Value) -> Value:
    return value.value if isinstance(value, JsonV) else value


def _assignment_before(scope: ir.FunctionFact, name: str, offset: int) -> ir.Assign | None:
    found = None
    for assign in scope.assignments:
        if isinstance(assign.target, ir.Var) and assign.target.name == name and assign.offset < offset:
            if found is None or assign.offset > found.offset:
                found = assign
    return found


def _form_at(facts: ir.PhpFacts, offset: int) -> ir.FormRange | None:
    inside = [f for f in facts.forms if f.start <= offset < f.end]
    return inside[-1] if inside else None


def collect(files: tuple[ir.PhpFacts, ...], index: SymbolIndex) -> tuple[ScriptFacts, ScriptEvaluator]:
    evaluator = ScriptEvaluator(index)
    return _Collector(files, evaluator).run(), evaluator

