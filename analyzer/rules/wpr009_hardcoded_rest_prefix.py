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

from analyzer.findings import Finding
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


def check(model: PluginModel) -> Iterator[Finding]:
    seen = set()
    for request in model.client.requests:
        url = request.url
        if url.kind != "rest" or url.literal is None or url.literal in seen:
            continue
        seen.add(url.literal)
        prefix = "?rest_route=" if url.literal_text == "rest_route" else "/wp-json/"
        yield Finding(
            RULE.code,
            RULE.level,
            f"The URL is built from a literal '{prefix}': it breaks on plain permalinks, subdirectory installs and a "
            f"filtered rest_url_prefix (404, stage: route). Localize esc_url_raw( rest_url() ) and build on it, or use "
            f"apiFetch( {{ path }} ).",
            url.literal,
        )
