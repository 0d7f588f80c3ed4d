"""Text and JSON for explain's diagnoses. Decides nothing: it lays out what diagnose and rank found."""

from __future__ import annotations

import json
import textwrap

from analyzer import __version__
from analyzer.explain.diagnose import APPLIES, POSSIBLE, RULED_OUT, Diagnosis
from analyzer.explain.knowledge import STAGES
from analyzer.source import printable_path

WIDTH = 100


def _wrap(text: str, first: str, rest: str) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False) or [first.rstrip()]


def _headline(d: Diagnosis) -> str:
    x = d.exchange
    status = x.effective_status
    parts = [str(status) if status is not None else "", x.code or ""]
    label = " ".join(p for p in parts if p)
    return f"{label} — {d.card.title}" if label else d.card.title


def text(diagnoses: list[Diagnosis]) -> str:
    out: list[str] = []
    for number, d in enumerate(diagnoses):
        if number:
            out.append("")
            out.append("─" * 40)
        x, card = d.exchange, d.card
        request = f": {x.method or ''} {x.url}".rstrip() if x.url else ""
        out.append(f"{x.label}{request}")
        out.append(_headline(d))
        out.append("")
        out.append(f"Failure stage: {card.stage} ({STAGES[card.stage]})")
        rows = [("Endpoint reached?", card.reached), ("Cookie auth?", card.cookie_auth), ("Failed first:", card.failed_first)]
        if card.not_run:
            rows.append(("Has not run yet:", "; ".join(card.not_run)))
        for label, value in rows:
            if value:
                out.extend(_wrap(value, f"  {label:<18} ", " " * 21))
        cause = _plugin_cause(d)
        if cause:
            out.append("")
            out.extend(cause)
        out.append("")
        out.append("What the input shows")
        for line in d.observations:
            out.extend(_wrap(line, "  - ", "    "))
        shown = [e for e in d.evidence if e.state in (APPLIES, POSSIBLE)]
        if card.stage == "none":
            shown = [e for e in d.evidence if e.state == APPLIES]
        if shown:
            out.append("")
            out.append("Evidence → likely cause → first check")
            for e in shown:
                tag = "[applies] " if e.state == APPLIES else "[possible]"
                seen = f" (seen: {e.seen})" if e.seen else ""
                out.extend(_wrap(e.row.evidence + seen, f"  {tag} ", " " * 13))
                out.extend(_wrap("→ " + e.row.cause, " " * 13, " " * 15))
                if e.row.check:
                    out.extend(_wrap("→ check: " + e.row.check, " " * 13, " " * 15))
        ruled = [e for e in d.evidence if e.state == RULED_OUT and card.stage != "none"]
        if ruled:
            out.append("")
            out.extend(_wrap("Ruled out by the input: " + "; ".join(f"{e.row.evidence}" + (f" ({e.seen})" if e.seen else "") for e in ruled) + ".", "", "  "))
        if card.do_first:
            out.append("")
            out.append("Do this first")
            for i, step in enumerate(card.do_first, 1):
                out.extend(_wrap(step, f"  {i}. ", "     "))
        if card.do_not_yet:
            out.append("")
            out.append("Do not do this yet")
            for step in card.do_not_yet:
                out.extend(_wrap(step, "  - ", "    "))
        if d.plugin is not None:
            out.append("")
            out.extend(_plugin_text(d))
    return "\n".join(out) + "\n"


def _plugin_cause(d: Diagnosis) -> list[str]:
    """The line of the plugin that causes it, on the first screen: the best finding on this route."""
    if d.plugin is None:
        return []
    best = [r for r in d.plugin["ranked"] if r.relevant and (r.on_route or not d.plugin["route"])]
    if not best:
        return []
    f = best[0].finding
    lines = _wrap(f"{printable_path(f.span.path)}:{f.span.line}:{f.span.column} {f.code} {f.plain_message()}", "  ", "  ")
    more = f" (and {len(best) - 1} more below)" if len(best) > 1 else ""
    return [f"Cause found in the plugin{more}:", *lines]


def _plugin_text(d: Diagnosis) -> list[str]:
    plugin = d.plugin
    out = [f"In the plugin {plugin['root']}" + (f", for {plugin['method'] or ''} {plugin['route']}".replace("  ", " ") if plugin["route"] else "")]
    for note in plugin["notes"]:
        first, _, rest = note.partition("\n")
        out.extend(_wrap(first, "  - ", "    "))
        if rest:
            out.extend("  " + line for line in rest.split("\n"))
    relevant = [r for r in plugin["ranked"] if r.relevant]
    if relevant:
        out.append("  Findings that explain it, most likely first:")
        for i, r in enumerate(relevant[:8], 1):
            f = r.finding
            where = f"{printable_path(f.span.path)}:{f.span.line}:{f.span.column}"
            tag = " (on this route)" if r.on_route else ""
            out.extend(_wrap(f"{where} {f.code} [{f.level}]{tag} {f.plain_message()}", f"  {i}. ", "     "))
        if len(relevant) > 8:
            out.append(f"  … and {len(relevant) - 8} more")
    else:
        out.append("  No finding of the plugin explains this answer.")
    others = len(plugin["ranked"]) - len(relevant)
    if others:
        out.append(f"  {others} other finding{'s' if others != 1 else ''} in the plugin: wp-rest-lint scan {plugin['root']}")
    return out


def as_data(diagnoses: list[Diagnosis]) -> str:
    items = []
    for d in diagnoses:
        x, card = d.exchange, d.card
        item = {
            "input": {
                "label": x.label, "form": x.form, "status": x.effective_status, "code": x.code, "message": x.message,
                "method": x.method, "url": x.url, "route": x.route,
            },
            "title": card.title,
            "stage": card.stage,
            "stage_description": STAGES[card.stage],
            "endpoint_reached": card.reached,
            "cookie_auth": card.cookie_auth,
            "failed_first": card.failed_first,
            "not_run": list(card.not_run),
            "observed": d.observations,
            "evidence": [
                {"evidence": e.row.evidence, "cause": e.row.cause, "check": e.row.check, "state": e.state, "seen": e.seen}
                for e in d.evidence
            ],
            "do_first": list(card.do_first),
            "do_not_yet": list(card.do_not_yet),
        }
        if d.plugin is not None:
            item["plugin"] = {
                "root": d.plugin["root"], "route": d.plugin["route"], "method": d.plugin["method"], "notes": d.plugin["notes"],
                "findings": [
                    {
                        "code": r.finding.code, "level": r.finding.level, "message": r.finding.plain_message(),
                        "path": printable_path(r.finding.span.path), "line": r.finding.span.line, "column": r.finding.span.column,
                        "explains": r.relevant, "on_route": r.on_route,
                    }
                    for r in d.plugin["ranked"]
                ],
            }
        items.append(item)
    return json.dumps({"version": 1, "tool": {"name": "wp-rest-lint", "version": __version__}, "explanations": items}, indent=2, ensure_ascii=False) + "\n"
