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

from analyzer import DOCS_URL, INFORMATION_URI, __version__, languages
from analyzer.baseline import stable_ids
from analyzer.findings import REFERENCE, Finding
from analyzer.formatters import OutputContext
from analyzer.rules import docs
from analyzer.scan import ScanResult
from analyzer.source import Span, path_bytes, printable_path

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
_ALWAYS = frozenset({"level"})
# partialFingerprints key of our own id (rule, path, the code around the finding; no line number). GitHub
# reads only primaryLocationLineHash, which upload-sarif computes from the checked-out file.
FINGERPRINT = "wpRestLintContextHash/v1"
# GitHub takes a security alert's severity from its rule's security-severity, whatever the result's level:
# a note of a security rule would show as a High alert. Notes point at their own descriptor, which has none.
INFORMATIONAL = "informational"
_LANGUAGE_TAGS = {"php": "php", "javascript": "javascript", "typescript": "typescript", "tsx": "typescript"}


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


def _language(path: str) -> str:
    return _LANGUAGE_TAGS.get(languages.language_of(path) or "php", "php")


def _rule_languages(module) -> list[str]:
    """The languages a rule reports in, from the queries it reads (for a rule without results)."""
    found = {"php" if spec.startswith("php/") else "javascript" for spec in module.RULE.queries}
    return sorted(found or {"php"})


def _rule_descriptor(module, tags_languages: list[str], informational: bool = False) -> om.ReportingDescriptor:
    rule = module.RULE
    tags = ["wordpress", "rest-api", *tags_languages]
    properties: dict = {"precision": rule.confidence}
    if rule.is_security and not informational:
        tags.insert(0, "security")
        properties["security-severity"] = rule.security_severity
    else:
        properties["problem.severity"] = "recommendation" if rule.level == "note" or informational else rule.level
    tags.extend(f"external/cwe/cwe-{cwe}" for cwe in rule.cwe)
    properties = {"tags": tags, **properties}
    summary = rule.summary
    if informational:
        summary = f"{summary.rstrip('.')} (informational: the code guards against it, or it is not exploitable on its own)."
    return om.ReportingDescriptor(
        id=f"{rule.code}/{INFORMATIONAL}" if informational else rule.code,
        name=f"{rule.name}/{INFORMATIONAL}" if informational else rule.name,
        short_description=om.MultiformatMessageString(text=summary),
        full_description=om.MultiformatMessageString(text=docs.full_description(module)),
        help=om.MultiformatMessageString(text=docs.plain_text(module), markdown=docs.help_text(module)),
        help_uri=f"{DOCS_URL}{rule.code}.md",
        default_configuration=om.ReportingConfiguration(level="note" if informational else rule.level),
        properties=properties,
    )


def _one_line(span: Span) -> om.Region:
    """GitHub shows an alert on a pull request only when every line of its region changed: the region is
    the line the finding starts on (spans were cut to it by the scan; this holds for any caller)."""
    end_column = span.end_column if span.end_line == span.line else span.column + 1
    return om.Region(start_line=span.line, start_column=span.column, end_line=span.line, end_column=max(end_column, span.column + 1))


def build(result: ScanResult, context: OutputContext) -> om.SarifLog:
    rules = list(result.rules)
    by_code = {module.RULE.code: module for module in rules}
    languages_of: dict[str, set[str]] = {}
    informational: list[str] = []  # security rules with note results, in registry order
    for finding in result.findings:
        languages_of.setdefault(finding.code, set()).add(_language(finding.span.path))
        module = by_code[finding.code]
        if finding.level == "note" and module.RULE.is_security and finding.code not in informational:
            informational.append(finding.code)
    descriptors = [_rule_descriptor(m, sorted(languages_of.get(m.RULE.code, ())) or _rule_languages(m)) for m in rules]
    index = {module.RULE.code: i for i, module in enumerate(rules)}
    for code in sorted(informational, key=lambda c: index[c]):
        index[f"{code}/{INFORMATIONAL}"] = len(descriptors)
        descriptors.append(_rule_descriptor(by_code[code], sorted(languages_of[code]), informational=True))

    results = []
    for finding, stable in zip(result.findings, stable_ids(result.findings, result.sources), strict=True):
        related = [
            om.Location(id=i, physical_location=_physical(r.span, context), message=om.Message(text=r.message))
            for i, r in enumerate(finding.related, 1)
        ]
        rule_id = finding.code
        if finding.level == "note" and by_code[finding.code].RULE.is_security:
            rule_id = f"{finding.code}/{INFORMATIONAL}"
        primary = om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=_uri(context, finding.span.path), uri_base_id=SRCROOT),
            region=_one_line(finding.span),
        )
        results.append(
            om.Result(
                rule_id=rule_id,
                rule_index=index[rule_id],
                level=finding.level,
                message=om.Message(text=sarif_message(finding)),
                locations=[om.Location(physical_location=primary)],
                related_locations=related or None,
                partial_fingerprints={FINGERPRINT: stable},
                properties={"tags": [_language(finding.span.path)], **({"claim": finding.claim.as_dict()} if finding.claim is not None else {})},
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
                information_uri=INFORMATION_URI,
                rules=descriptors,
            )
        ),
        invocations=[om.Invocation(execution_successful=True, tool_execution_notifications=notifications or None)],
        original_uri_base_ids={
            SRCROOT: om.ArtifactLocation(uri=context.srcroot_uri, description=om.Message(text="The repository root."))
        },
        automation_details=om.RunAutomationDetails(id=f"{context.category.strip('/')}/"),
        column_kind="utf16CodeUnits",
        results=results,
    )
    return om.SarifLog(runs=[run], version="2.1.0", schema_uri=SCHEMA_URI)


def render(result: ScanResult, context: OutputContext) -> str:
    data = to_json(build(result, context))
    ordered = {"$schema": data.pop("$schema"), "version": data.pop("version"), **data}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"
