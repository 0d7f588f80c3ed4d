r"""## What it does
Finds REST requests to the plugin's own namespace whose path and method match no route the plugin
registers: a typo in the path, a `GET` to a `POST`-only route, a `POST` to a route whose `methods` were left
out (they default to `GET`), an `id` that cannot match `(?P<id>\d+)`.

Path parameters match by their regex; parts of the URL that are not known statically match anything.
Silent when any route of that namespace could not be resolved, for other namespaces (`wp/v2`, other
plugins) and for other hosts. When the URL differs by branch or by call site (a helper called with several
paths), each possibility is checked and one that matches nothing is reported where its path is written.

## Why is this bad?
Failure stage: **route**. Core answers `404 rest_no_route` — also for a wrong method; there is no 405
(DOMAIN §2.4, B16, B19).

## Example
```php
register_rest_route( 'acme/v1', '/items', array( 'methods' => 'POST', … ) );
```
```js
fetch( acme.root + 'acme/v1/item', { method: 'POST', … } ); // 'item', not 'items'
```

## Use instead
Call the path and method the route registers.

## References
- [REST API Handbook: Routes and endpoints](https://developer.wordpress.org/rest-api/extending-the-rest-api/routes-and-endpoints/)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from analyzer.client import DYNAMIC
from analyzer.findings import Claim, Finding, Related, ref
from analyzer.model import PluginModel
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR015",
    name="rest-route-not-found",
    summary="A request to the plugin's own REST namespace matches no registered route and method.",
    level="warning",
    confidence="medium",
    queries=("php/scripts", "js/requests"),
    references=("https://developer.wordpress.org/rest-api/extending-the-rest-api/routes-and-endpoints/",),
)


_NO_ROUTE = Claim("route", status=404, code="rest_no_route")


def check(model: PluginModel) -> Iterator[Finding]:
    client = model.client
    if model.routes_failed:
        return  # a route the analyzer could not resolve may be the one (the failure is reported as an error)
    seen = set()
    for request in client.requests:
        r = request.request
        if r.url_span is None:
            continue
        # Any possibility of the URL that matches nothing is a request that gets 404 (a call site passing a
        # misspelt path to a helper); a fallback used only when the localized root is missing is not judged.
        for info, endpoints, path_matches, namespace in request.routes:
            if info.fallback or namespace is None or endpoints:
                continue
            if any(e.namespace is None or (e.namespace.strip("/") == namespace and e.route is None) for e in model.rest_endpoints):
                continue  # a route of this namespace is not known: it may be the one
            if any(e.methods is None for e in path_matches):
                continue
            where = info.site or r.url_span
            shown = info.path.replace(DYNAMIC, "…") if info.path else "?"
            if (where, shown, r.method) in seen:
                continue
            seen.add((where, shown, r.method))
            yield from _finding(model, r, namespace, shown, info.path, path_matches, where)


def _finding(model: PluginModel, r, namespace: str, shown: str, path: str | None, path_matches, where) -> Iterator[Finding]:
    if path_matches:
        endpoint = path_matches[0]
        methods = ", ".join(sorted(set().union(*(e.methods or set() for e in path_matches))))
        yield Finding(
            RULE.code,
            RULE.level,
            f"{r.method} {shown} matches the path of {ref(1, endpoint.display_path)}, which accepts only {methods}: "
            f"core answers 404 rest_no_route (stage: route; a wrong method gets no 405). Use {methods}, or add "
            f"{r.method} to the route's methods.",
            where,
            (Related(endpoint.registration, f"register_rest_route {endpoint.display_path}"),),
            claim=_NO_ROUTE,
        )
        return
    candidates = [e for e in model.rest_endpoints if e.namespace and e.namespace.strip("/") == namespace and e.path]
    if not candidates:
        return
    paths = {e.path: e for e in candidates}
    near = difflib.get_close_matches(path or "", sorted(paths), n=1, cutoff=0.0)
    nearest = paths[near[0]] if near else candidates[0]
    yield Finding(
        RULE.code,
        RULE.level,
        f"{r.method or 'The request'} {shown} matches no route the plugin registers in {namespace}: core answers 404 "
        f"rest_no_route (stage: route). The nearest route is {ref(1, nearest.display_path)}.",
        where,
        (Related(nearest.registration, f"register_rest_route {nearest.display_path}"),),
        claim=_NO_ROUTE,
    )
