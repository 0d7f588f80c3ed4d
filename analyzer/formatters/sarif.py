"""SARIF 2.1.0 for GitHub code scanning, built with sarif-om and serialized by a small walker.

sarif-om's classes are attrs classes whose JSON names live in each attribute's ``schema_property_name``
metadata; ``json.dumps`` cannot serialize them and ``attr.asdict`` gives snake_case plus every default. The
walker below emits the JSON names and drops unset values and spec defaults — except ``level``, which must
stay explicit: an absent result level means the rule's *default* level, not "warning".
"""

from __future__ import annotations

import json
from urllib.parse import quote

import attr
import sarif_om as om

from analyzer import DOCS_URL, __version__
from analyzer.findings import REFERENCE, Finding
from analyzer.formatters import OutputContext
from analyzer.rules import docs
from analyzer.scan import ScanResult
from analyzer.source import Span, path_bytes, printable_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_ALWAYS = frozenset({"level"})


def to_json(value):
    """Serialize a sarif-om object graph to JSON-ready data (attribute order, defaults dropped)."""
    if attr.has(type(value)):
        out = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            default = field.default
            if isinstance(default, attr.Factory):  # type: ignore[arg-type]
                default = default.factory()
            if item is None or (item == default and field.name not in _ALWAYS):
                continue
            out[field.metadata.get("schema_property_name", field.name)] = to_json(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    return value


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")


def sarif_message(finding: Finding) -> str:
    """The message with references as ``[label](N)`` links and other brackets escaped (§3.11.6)."""
    parts, last = [], 0
    for match in REFERENCE.finditer(finding.message):
        parts.append(_escape(finding.message[last : match.start()]))
        parts.append(f"[{_escape(match.group(2))}]({match.group(1)})")
        last = match.end()
    parts.append(_escape(finding.message[last:]))
    return "".join(parts)


def _uri(context: OutputContext, path: str) -> str:
    """A relative URI: the path's original bytes, percent-encoded (names need not be UTF-8)."""
    return quote(path_bytes(context.uri_prefix + path), safe="/")


def _physical(span: Span, context: OutputContext) -> om.PhysicalLocation:
    return om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(uri=_uri(context, span.path), uri_base_id=SRCROOT),
        region=om.Region(start_line=span.line, start_column=span.column, end_line=span.end_line, end_column=span.end_column),
    )


def _rule_descriptor(module) -> om.ReportingDescriptor:
    rule = module.RULE
    tags = ["wordpress", "rest-api", "php"]
    properties: dict = {"precision": rule.confidence}
    if rule.is_security:
        tags.insert(0, "security")
        properties["security-severity"] = rule.security_severity
    else:
        properties["problem.severity"] = "recommendation" if rule.level == "note" else rule.level
    tags.extend(f"external/cwe/cwe-{cwe}" for cwe in rule.cwe)
    properties = {"tags": tags, **properties}
    doc = docs.help_text(module)
    return om.ReportingDescriptor(
        id=rule.code,
        name=rule.name,
        short_description=om.MultiformatMessageString(text=rule.summary),
        full_description=om.MultiformatMessageString(text=docs.full_description(module)),
        help=om.MultiformatMessageString(text=doc, markdown=doc),
        help_uri=f"{DOCS_URL}{rule.code}.md",
        default_configuration=om.ReportingConfiguration(level=rule.level),
        properties=properties,
    )


def build(result: ScanResult, context: OutputContext) -> om.SarifLog:
    rules = list(result.rules)
    index = {module.RULE.code: i for i, module in enumerate(rules)}
    results = []
    for finding in result.findings:
        related = [
            om.Location(id=i, physical_location=_physical(r.span, context), message=om.Message(text=r.message))
            for i, r in enumerate(finding.related, 1)
        ]
        results.append(
            om.Result(
                rule_id=finding.code,
                rule_index=index[finding.code],
                level=finding.level,
                message=om.Message(text=sarif_message(finding)),
                locations=[om.Location(physical_location=_physical(finding.span, context))],
                related_locations=related or None,
                properties={"claim": finding.claim.as_dict()} if finding.claim is not None else None,
            )
        )
    notifications = [
        om.Notification(
            message=om.Message(text=f"{printable_path(error.path)}: {error.message}"),
            level="warning",
            locations=[
                om.Location(
                    physical_location=om.PhysicalLocation(
                        artifact_location=om.ArtifactLocation(uri=_uri(context, error.path), uri_base_id=SRCROOT)
                    )
                )
            ],
        )
        for error in result.errors
    ]
    run = om.Run(
        tool=om.Tool(
            driver=om.ToolComponent(
                name="wp-rest-lint",
                version=__version__,
                semantic_version=__version__,
                rules=[_rule_descriptor(m) for m in rules],
            )
        ),
        invocations=[om.Invocation(execution_successful=True, tool_execution_notifications=notifications or None)],
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(description=om.Message(text="The repository root."))},
        column_kind="utf16CodeUnits",
        results=results,
    )
    return om.SarifLog(runs=[run], version="2.1.0", schema_uri=SCHEMA_URI)


def render(result: ScanResult, context: OutputContext) -> str:
    data = to_json(build(result, context))
    ordered = {"$schema": data.pop("$schema"), "version": data.pop("version"), **data}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
