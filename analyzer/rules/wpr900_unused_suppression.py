r"""## What it does
Reports a `wp-rest-lint: ignore …` (or `ignore-file`) comment that suppresses nothing: no finding of the
codes it names starts on its line, on the line after it, or (for `ignore-file`) anywhere in its file.

## Why is this bad?
Failure stage: none — this is about the analyzer's own comments. A suppression that outlived the code it
was written for hides the next real finding on that line, and tells readers a problem exists where there
is none.

## Example
```php
register_rest_route( 'acme/v1', '/items', array(
    'methods'             => 'GET',
    'permission_callback' => '__return_true', // wp-rest-lint: ignore WPR005 -- public
) );
```
The route is read-only, so WPR005 never reports it.

## Use instead
Delete the comment.

## References
- [ruff RUF100: unused-noqa](https://docs.astral.sh/ruff/rules/unused-noqa/)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.findings import Finding
from analyzer.model import PluginModel
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR900",
    name="unused-suppression",
    summary="A wp-rest-lint suppression comment suppresses nothing.",
    level="warning",
    confidence="very-high",
    queries=(),  # reported by the filter step from comment directives, not from model facts
)


def check(model: PluginModel) -> Iterator[Finding]:
    """Reported by the filter step, which sees the other rules' findings; nothing to do on the model."""
    return iter(())
