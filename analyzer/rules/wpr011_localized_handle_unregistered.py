r"""## What it does
Finds `wp_localize_script()` and `wp_add_inline_script()` calls on a script handle that the plugin never
registers or enqueues (`wp_register_script`, `wp_enqueue_script`, a block.json `file:` script) and that is not
a core handle (`jquery`, `wp-api-fetch`, `wp-*` …). A typo (`acme-admin` vs `acme_admin`) is the usual cause.

Silent when any handle the plugin registers cannot be read statically (a handle computed at run time may be
the one).

## Why is this bad?
Failure stage: **cookie-nonce**. Both functions return `false` without a notice when the handle is not
registered (DOMAIN §6.1, L1): nothing is printed, the object is `undefined` in JS, and the header sent is
`undefined` or empty — `403 rest_cookie_invalid_nonce` (A6) — or the script throws on `acme.root`.

## Example
```php
wp_register_script( 'acme_admin', plugins_url( 'admin.js', __FILE__ ) );
wp_localize_script( 'acme-admin', 'acmeSettings', $settings ); // no such handle
```

## Use instead
Localize on the handle you registered, after registering it.

## References
- [wp_localize_script()](https://developer.wordpress.org/reference/functions/wp_localize_script/)
- [wp_add_inline_script()](https://developer.wordpress.org/reference/functions/wp_add_inline_script/)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from analyzer.client import core_handle
from analyzer.findings import Claim, Finding
from analyzer.model import PluginModel
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR011",
    name="localized-handle-unregistered",
    summary="wp_localize_script / wp_add_inline_script targets a handle the plugin never registers.",
    level="warning",
    confidence="medium",
    queries=("php/scripts",),
    references=("https://developer.wordpress.org/reference/functions/wp_localize_script/",),
)


# Nothing is printed, so reading the object throws and no request leaves the page (browser-checked); only a
# guarded read (Obj?.nonce) sends the header "undefined", which core rejects.
_NO_REQUEST = Claim(
    "script",
    sent=False,
    when=(("optional-chaining", Claim("cookie-nonce", status=403, code="rest_cookie_invalid_nonce")),),
)


def check(model: PluginModel) -> Iterator[Finding]:
    client = model.client
    registrations = [c for c in client.php.calls if c.name in ("wp_register_script", "wp_enqueue_script")]
    unread = sum(1 for c in registrations if c.call.args) - sum(1 for h in client.php.handles if h.span is not None)
    if unread > 0:
        return  # some handle could not be evaluated: it may be the one
    known = client.handles
    for function, handle, span in client.php.handle_uses:
        if handle in known or core_handle(handle):
            continue
        near = difflib.get_close_matches(handle, sorted(known), n=1, cutoff=0.7)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        if function == "wp_localize_script":
            effect = (
                "the localized object is never printed: a script that reads it (Obj.nonce) throws a ReferenceError "
                "and sends no request at all; only a guarded read (Obj?.nonce) sends the header \"undefined\", which "
                "fails with 403 rest_cookie_invalid_nonce"
            )
        else:
            effect = "the inline script is never printed, so whatever it defines is missing when the script runs"
        yield Finding(
            RULE.code,
            RULE.level,
            f"{function}() targets the handle '{handle}', which the plugin never registers or enqueues and which is not a "
            f"core handle: WordPress returns false without a notice and {effect} (stage: script).{hint} Register the "
            f"script first, under the same handle.",
            span,
            claim=_NO_REQUEST if function == "wp_localize_script" else Claim("script"),
        )

