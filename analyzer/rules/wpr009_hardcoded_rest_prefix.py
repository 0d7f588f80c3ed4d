r"""## What it does
Finds request URLs built from a literal `/wp-json/` (or `?rest_route=`) instead of the REST root PHP prints
(`rest_url()`, `wpApiSettings.root`) or `apiFetch( { path } )`.

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
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR009",
    name="hardcoded-rest-prefix",
    summary="A REST URL is built from a literal /wp-json/ instead of the localized REST root.",
    level="warning",
    confidence="high",
    queries=("js/requests",),
    references=("https://developer.wordpress.org/reference/functions/rest_url/",),
)


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
    seen = set()
    for request in model.client.requests:
        url = request.url
        if url.kind != "rest" or url.literal is None or url.literal in seen:
            continue
        seen.add(url.literal)
        fix = "Localize esc_url_raw( rest_url() ) and build on it, or use apiFetch( { path } )."
        if url.literal_text == "rest_route":
            message = (
                "The URL is built from a literal '?rest_route=': it works at the root of a site on any permalink "
                "setting, but not on a site installed in a subdirectory or a multisite subsite, where the request "
                f"reaches another page or site (stage: route). {fix}"
            )
            claim = _ROOT_RELATIVE
        else:
            message = (
                "The URL is built from a literal '/wp-json/': on a site with plain permalinks no rewrite rule routes "
                "it to the REST API, and what answers depends on the web server — Apache sends a 404 page, PHP's "
                "built-in server (and servers that hand every path to index.php) the site's front page as 200 HTML, "
                "so the JSON parse fails; a subdirectory install or a filtered rest_url_prefix breaks it too (stage: "
                f"route). {fix}"
            )
            claim = _NO_PREFIX
        yield Finding(
            RULE.code,
            RULE.level,
            message,
            url.literal,
            claim=claim,
        )
