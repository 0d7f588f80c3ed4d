"""Requests with cookie credentials in shell scripts: ``curl`` and ``wget`` command lines.

Read line by line (backslash continuations joined, comments dropped) and split like the shell does
(:mod:`shlex`). ``NAME=value`` assignments earlier in the file are substituted into ``$NAME`` / ``${NAME}``,
so a header or cookie built in a variable is seen; nothing else is expanded.
"""

from __future__ import annotations

import re
import shlex

from analyzer.scripts.ir import LOGGED_IN, NONCE_HEADER, ScriptFacts, ScriptRequest, Sent
from analyzer.source import SourceFile, Span

_ASSIGN = re.compile(r"^\s*(?:export\s+|local\s+|readonly\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$")
_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?")
_TOOLS = ("curl", "wget")
_BEFORE_COMMAND = frozenset({";", "&&", "||", "|", "then", "do", "else", "sudo", "exec", "time", "command", "!"})


def _logical_lines(text: str):
    """(first line number, text) of each command line, continuations joined."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start, parts = i + 1, [lines[i].rstrip("\r")]
        while parts[-1].endswith("\\") and i + 1 < len(lines):
            parts[-1] = parts[-1][:-1]
            i += 1
            parts.append(lines[i].rstrip("\r"))
        yield start, " ".join(parts)
        i += 1


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line, comments=True, posix=True)
    except ValueError:  # an unbalanced quote: words as written
        return line.split()


def _sent(words: list[str], at: Span) -> Sent:
    sent = Sent()
    tool = words[0].rsplit("/", 1)[-1]
    i = 1
    while i < len(words):
        word = words[i]
        value = None
        if word in ("-H", "--header", "-b", "--cookie", "-u", "--user") and i + 1 < len(words):
            value = words[i + 1]
            i += 1
        elif word.startswith(("--header=", "--cookie=", "--user=", "--http-user=", "--http-password=")):
            word, value = word.split("=", 1)
        elif word.startswith("-H") and len(word) > 2 and tool == "curl":
            word, value = "-H", word[2:]
        elif word.startswith("-b") and len(word) > 2 and tool == "curl":
            word, value = "-b", word[2:]
        i += 1
        if value is None:
            continue
        low = value.lower()
        if word in ("-H", "--header"):
            name, _, content = low.partition(":")
            name = name.strip()
            if name == NONCE_HEADER:
                sent |= Sent(nonce=at)
            elif name == "cookie" and LOGGED_IN in content:
                sent |= Sent(cookie=at)
            elif name == "authorization" and content.strip().startswith("basic"):
                sent |= Sent(basic=True)
        elif word in ("-b", "--cookie") and LOGGED_IN in low:
            sent |= Sent(cookie=at)
        elif word in ("-u", "--user", "--http-user", "--http-password"):
            sent |= Sent(basic=True)
    return sent


def extract(source: SourceFile) -> ScriptFacts:
    text = source.data.decode("utf-8", "replace")
    variables: dict[str, str] = {}
    requests = []
    for line_number, line in _logical_lines(text):
        assign = _ASSIGN.match(line)
        if assign and "$(" not in assign.group(2) and "`" not in assign.group(2):
            words = _split(f"{assign.group(1)}={assign.group(2)}")
            if words and "=" in words[0]:
                variables[assign.group(1)] = _VAR.sub(lambda m: variables.get(m.group(1), m.group(0)), words[0].split("=", 1)[1])
            continue
        if not any(tool in line for tool in _TOOLS):
            continue
        expanded = _VAR.sub(lambda m: variables.get(m.group(1), m.group(0)), line)
        words = _split(expanded)
        # every curl / wget command on the line (after ;, &&, |, $( …)
        for index, word in enumerate(words):
            substituted = re.split(r"\$\(|`", word)[-1]  # RESULT=$(curl …  /  `curl …
            name = substituted.rsplit("/", 1)[-1]
            if name not in _TOOLS:
                continue
            starts_command = index == 0 or substituted != word or words[index - 1] in _BEFORE_COMMAND
            if not starts_command:
                continue  # echo "curl …", a URL or an argument that happens to say curl
            column = line.find(name) + 1 if name in line else 1
            at = Span(source.path, line_number, column, line_number, column + len(name))
            command = [name]
            for rest in words[index + 1 :]:
                if rest in (";", "&&", "||", "|"):
                    break
                command.append(rest)
            sent = _sent(command, at)
            if sent:
                requests.append(ScriptRequest(name, at, sent))
    return ScriptFacts(source.path, "shell", tuple(requests))
