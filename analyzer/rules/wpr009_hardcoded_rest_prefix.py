r"""## What it does
Finds this site's REST URLs built from a literal `/wp-json/` (or `?rest_route=`) instead of the REST root
PHP prints (`rest_url()`, `wpApiSettings.root`) or `apiFetch( { path } )`:

- in browser code, a literal or template that flows into a URL position: a request call, the config object
  of a data library (`url`, `baseURL`, `endpoint`, `server: { url }`, `ajax: { url }`), or the page location;
- in PHP, `home_url()`, `site_url()`, `get_site_url()` … followed by `'/wp-json…'`, printed to JS (localized,
  printed into an inline script or a `data-*` attribute) or passed to `wp_remote_*()` (a request to the site
  itself, or the URL handed to another service that calls back).

Level: **warning** when every way the URL can be built uses the literal prefix; **note** when the literal is
only a fallback (`acme.root || '/wp-json/'`) used when the localized root is missing. Silent on URLs of
another host (`https://api.vendor.example/wp-json/…` is that vendor's API, not this site's; a nonce sent
there is WPR008) and on URLs whose origin is not known.

## Why is this bad?
Failure stage: **route**. `/wp-json/` exists only with pretty permalinks and the default prefix. Sites on
plain permalinks serve the API at `index.php?rest_route=/…`, sites in a subdirectory at `/blog/wp-json/`,
and the `rest_url_prefix` filter renames it: there the request gets `404` (DOMAIN §4.5). A root that already
contains `?` also breaks a URL built with `?x=1`.

## Example
```js
fetch( '/wp-json/acme/v1/items', … );
```

## Use instead
```php
wp_localize_script( 'acme', 'acme', array( 'root' => esc_url_raw( rest_url() ) ) );
```
```js
fetch( acme.root + 'acme/v1/items', … );   // or apiFetch( { path: '/acme/v1/items' } )
```

## References
- [rest_url()](https://developer.wordpress.org/reference/functions/rest_url/)
- [REST API Handbook: Routes and endpoints](https://developer.wordpress.org/rest-api/extending-the-rest-api/routes-and-endpoints/)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.findings import Claim, Finding
from analyzer.model import PluginModel
from analyzer.php.evaluate import ArrayV, Env, Value
from analyzer.php.scripts import JsonV, UrlV
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR009",
    name="hardcoded-rest-prefix",
    summary="This site's REST URL is built from a literal /wp-json/ instead of the localized REST root.",
    level="warning",
    confidence="high",
    queries=("js/requests", "php/scripts"),
    references=("https://developer.wordpress.org/reference/functions/rest_url/",),
    levels="warning (every possibility uses the literal), note (only a fallback does)",
)

_BREAKS = (
    "on plain permalinks nothing routes it to the REST API (a 404 page or the front page as 200 HTML, depending on the "
    "web server), and a subdirectory install or a filtered rest_url_prefix breaks it too (stage: route)"
)
_REMOTE = ("wp_remote_", "wp_safe_remote_")


def _js_literals(model: PluginModel) -> dict:
    """Literal prefix span -> (text, whether some possibility that is not a fallback uses it, where)."""
    found: dict = {}
    client = model.client
    urls = [(request.url, "request") for request in client.requests] + [(info, use.where) for use, info in client.url_uses]
    for url, where in urls:
        for info in url.possibilities:
            if info.kind != "rest" or info.literal is None or info.cross_origin is not False:
                continue
            text, primary, first_where = found.get(info.literal, (info.literal_text, False, where))
            found[info.literal] = (text, primary or not info.fallback, first_where)
    return found


def _site_urls(value: Value | None, depth: int = 0) -> Iterator[UrlV]:
    if isinstance(value, UrlV) and value.kind == "site" and value.prefix is not None:
        yield value
    elif isinstance(value, JsonV):
        yield from _site_urls(value.value, depth)
    elif isinstance(value, ArrayV) and depth < 4:
        for _, item in value.items:
            yield from _site_urls(item, depth + 1)


def _php_prefixes(model: PluginModel) -> dict:
    """Literal prefix span -> where this site's hand-built REST URL goes."""
    client = model.client
    found: dict = {}
    for item in client.php.localized:
        for url in _site_urls(item.value):
            found.setdefault(url.prefix, f"printed to JS as {item.name}")
    for _, value in client.php.script_outputs:
        for url in _site_urls(value):
            found.setdefault(url.prefix, "printed into an inline script")
    for attribute in client.php.data_attributes:
        for url in _site_urls(attribute.value):
            found.setdefault(url.prefix, f"printed into data-{attribute.name}")
    for call in client.php.calls:
        if not call.name.startswith(_REMOTE):
            continue
        for position, arg in enumerate(call.call.args):
            client.evaluator.reset()
            value = client.evaluator.evaluate(arg.value, Env(call.scope, call.scope.class_name, call.offset))
            for url in _site_urls(value):
                found.setdefault(url.prefix, f"requested with {call.name}()" if position == 0 else f"sent to another service with {call.name}()")
    return found


# A literal /wp-json/ on a plain-permalink site: nothing routes it to the REST API, and what answers depends on
# the web server (observed: PHP's built-in server serves the front page for any missing path).
_NO_PREFIX = Claim(
    "route",
    when=(
        ("apache", Claim("route", status=404)),
        ("php-builtin", Claim("route", status=200, body="html")),
    ),
)
# ?rest_route= works at a site's root on every permalink setting; it breaks where the site is not at the root.
_ROOT_RELATIVE = Claim("route")


def check(model: PluginModel) -> Iterator[Finding]:
    fix = "Localize esc_url_raw( rest_url() ) and build on it, or use apiFetch( { path } )."
    for span, (text, primary, where) in _js_literals(model).items():
        if not primary:
            prefix = "?rest_route=" if text == "rest_route" else "/wp-json/"
            message = (
                f"A literal '{prefix}' is the fallback when the localized REST root is missing: if it is ever used, "
                f"{_BREAKS}. Make sure the root is always printed (rest_url()), and drop the fallback."
            )
            yield Finding(RULE.code, "note", message, span, claim=_ROOT_RELATIVE if text == "rest_route" else _NO_PREFIX)
        elif text == "rest_route":
            message = (
                "The URL is built from a literal '?rest_route=': it works at the root of a site on any permalink "
                "setting, but not on a site installed in a subdirectory or a multisite subsite, where the request "
                f"reaches another page or site (stage: route). {fix}"
            )
            yield Finding(RULE.code, "warning", message, span, claim=_ROOT_RELATIVE)
        else:
            message = (
                "The URL is built from a literal '/wp-json/': on a site with plain permalinks no rewrite rule routes "
                "it to the REST API, and what answers depends on the web server — Apache sends a 404 page, PHP's "
                "built-in server (and servers that hand every path to index.php) the site's front page as 200 HTML, "
                "so the JSON parse fails; a subdirectory install or a filtered rest_url_prefix breaks it too (stage: "
                f"route). {fix}"
            )
            yield Finding(RULE.code, "warning", message, span, claim=_NO_PREFIX)
    for span, where in _php_prefixes(model).items():
        yield Finding(
            RULE.code,
            "warning",
            f"This site's REST URL is built from home_url() / site_url() and a literal '/wp-json' ({where}): {_BREAKS}. "
            f"Use rest_url( … ) (or get_rest_url()), which knows the site's permalinks and prefix.",
            span,
            claim=_NO_PREFIX,
        )
