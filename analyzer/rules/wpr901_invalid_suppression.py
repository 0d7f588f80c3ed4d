r"""## What it does
Reports a `wp-rest-lint: ignore` comment that does not name a rule, or names one that does not exist
(`ignore WPR16`, `ignore WPR999`, or words of a reason written without `--` before them). A comment that
names no rule is refused: it suppresses nothing. Rules it names correctly still apply.

## Why is this bad?
Failure stage: none — this is about the analyzer's own comments. A blanket suppression would hide every
present and future finding on the line, including ones nobody has looked at; a mistyped rule hides
nothing, so the finding it was written for is still reported and the comment misleads its reader.

## Example
```php
'permission_callback' => '__return_true', // wp-rest-lint: ignore -- public form
```

## Use instead
```php
'permission_callback' => '__return_true', // wp-rest-lint: ignore WPR005 -- public form
```

## References
- [PHPStan: ignoring errors by identifier](https://phpstan.org/user-guide/ignoring-errors)
"""

from __future__ import annotations

from collections.abc import Iterator

from analyzer.findings import Finding
from analyzer.model import PluginModel
from analyzer.rules.base import Rule

RULE = Rule(
    code="WPR901",
    name="invalid-suppression",
    summary="A wp-rest-lint suppression comment names no rule, or a rule that does not exist.",
    level="warning",
    confidence="very-high",
    queries=(),  # reported by the filter step from comment directives, not from model facts
)


def check(model: PluginModel) -> Iterator[Finding]:
    """Reported by the filter step, which reads the comments; nothing to do on the model."""
    return iter(())
