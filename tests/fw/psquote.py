#!/usr/bin/env python3
"""psquote.py: proves that text quoted for PowerShell reads back exactly.

PowerShell's single-quoted literal has one rule: each of the five quote
characters ' U+2018 U+2019 U+201A U+201B opens and closes it, and two of them
in a row stand for one literal quote (the second of the pair, as PowerShell's
tokenizer does); newlines are allowed inside and nothing else is an escape
($(...), backticks and double quotes are plain text). A generator that
forgets to double any one of the five lets a description end the string and
run the rest as code.

    psquote.py --literals FILE.ps1 [--expect TEXT ...]
        prints every single-quoted literal of the file, decoded, one JSON
        string per line (comments `# ...` and `<# ... #>`, double-quoted
        strings and backtick escapes outside strings are skipped; single-quoted
        here-strings @'...'@ are literals too). Exit 1 on an unterminated
        literal or comment, or when an --expect TEXT is not among the literals.
    psquote.py --selftest
        property test with a fixed seed: 2000 hostile strings quoted the way
        the generator must (double all five quotes, wrap in U+0027) read back
        exactly, and each one with a single quote left undoubled does not.
        Prints "N passed, M failed" last.

Simplifications: `#` starts a comment anywhere outside strings (PowerShell
keeps `a#b` inside a bare word), and a double-quoted string's $(...) is not
parsed for nested strings. Neither occurs in generated rule files.
"""
import argparse
import json
import random
import sys

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
DOUBLE_QUOTES = '"\u201c\u201d\u201e'
NEWLINES = "\r\n"


class Unterminated(ValueError):
    def __init__(self, what, offset):
        super().__init__(what)
        self.what, self.offset = what, offset


def quote_for_powershell(text):
    """How the generator must quote: double every quote character, wrap in '."""
    return "'" + "".join(c + c if c in SINGLE_QUOTES else c for c in text) + "'"


def read_single_quoted(text, i):
    """Decodes the literal whose body starts at i; returns (value, end)."""
    start, value = i - 1, []
    while i < len(text):
        c = text[i]
        if c in SINGLE_QUOTES:
            if i + 1 < len(text) and text[i + 1] in SINGLE_QUOTES:
                value.append(text[i + 1])       # a doubled quote: one literal quote
                i += 2
                continue
            return "".join(value), i + 1
        value.append(c)
        i += 1
    raise Unterminated("unterminated single-quoted string", start)


def here_string_body_start(text, i):
    """If a here-string header @' or @" starts at i, where its body begins."""
    if not (text.startswith("@", i) and i + 1 < len(text) and text[i + 1] in SINGLE_QUOTES + DOUBLE_QUOTES):
        return None
    j = i + 2
    while j < len(text) and text[j] in " \t":
        j += 1
    if text.startswith("\r\n", j):
        return j + 2
    return j + 1 if j < len(text) and text[j] in NEWLINES else None


def read_here_string(text, i, body):
    """A here-string ends at a line starting with quote + @; the newline before
    that line is not content. Returns (value, end)."""
    quotes = SINGLE_QUOTES if text[i + 1] in SINGLE_QUOTES else DOUBLE_QUOTES
    j = body
    while j < len(text):
        if text[j] in quotes and text.startswith("@", j + 1):
            end = j if j == body else j - (2 if text[j - 2:j] == "\r\n" else 1)
            return text[body:max(end, body)], j + 2
        j = next_line_start(text, j)
    raise Unterminated("unterminated here-string", i)


def next_line_start(text, j):
    while j < len(text) and text[j] not in NEWLINES:
        j += 1
    return j + 2 if text.startswith("\r\n", j) else j + 1


def skip_double_quoted(text, i):
    """Skips a double-quoted string whose body starts at i (backtick escapes, doubled quotes)."""
    start = i - 1
    while i < len(text):
        c = text[i]
        if c == "`":
            i += 2
        elif c in DOUBLE_QUOTES:
            if i + 1 < len(text) and text[i + 1] in DOUBLE_QUOTES:
                i += 2
            else:
                return i + 1
        else:
            i += 1
    raise Unterminated("unterminated double-quoted string", start)


def read_literals(text):
    """Every single-quoted literal (and single-quoted here-string) of a script, decoded."""
    literals, i = [], 0
    while i < len(text):
        c = text[i]
        if text.startswith("<#", i):
            end = text.find("#>", i + 2)
            if end < 0:
                raise Unterminated("unterminated <# comment", i)
            i = end + 2
        elif c == "#":
            while i < len(text) and text[i] not in NEWLINES:
                i += 1
        elif c == "`":
            i += 2                               # an escaped character outside strings
        elif here_string_body_start(text, i) is not None:
            single = text[i + 1] in SINGLE_QUOTES
            value, i = read_here_string(text, i, here_string_body_start(text, i))
            if single:
                literals.append(value)
        elif c in SINGLE_QUOTES:
            value, i = read_single_quoted(text, i + 1)
            literals.append(value)
        elif c in DOUBLE_QUOTES:
            i = skip_double_quoted(text, i + 1)
        else:
            i += 1
    return literals


def line_of(text, offset):
    return text.count("\n", 0, offset) + 1


def print_literals(path, expected):
    with open(path, encoding="utf-8-sig", newline="") as f:   # keep CR as written
        text = f.read()
    try:
        literals = read_literals(text)
    except Unterminated as e:
        print(f"{path}:{line_of(text, e.offset)}: {e.what}", file=sys.stderr)
        return 1
    for value in literals:
        print(json.dumps(value))
    missing = [t for t in expected if t not in literals]
    for t in missing:
        print(f"{path}: no literal reads back as {json.dumps(t)}", file=sys.stderr)
    return 1 if missing else 0


# ---------------------------------------------------------------- selftest

HOSTILE = (list(SINGLE_QUOTES) + list(DOUBLE_QUOTES) + ["$(reboot)", "$env:PATH", "`", "``'", ";", "|",
           "&", "\n", "\r", "\r\n", "\t", "<#", "#>", "#", "@'", "'@", "@\"", "\U0001F525", "\U0001F600",
           "\\", " ", "\u00e9", "\u0000"] + list("abcxyzABC0189-_.,:/()[]{}"))
SEED = 20240611


def script_around(quoted):
    """Puts a quoted literal where a generated rule file would, among comments and strings."""
    return ("# generated: 'not a literal'\n<# block with 'quotes' and \u2019 #>\n"
            f"New-NetFirewallRule -DisplayName {quoted} -Group 'berth' -Note \"it's\" # tail '\r\n")


def reads_back(quoted, value):
    try:
        return read_literals(script_around(quoted)) == [value, "berth"]
    except Unterminated:
        return False


def quote_one_wrongly(value, rng):
    """Quoted like the generator, but one quote character left undoubled."""
    if not any(c in SINGLE_QUOTES for c in value):
        k = rng.randrange(len(value) + 1)
        value = value[:k] + rng.choice(SINGLE_QUOTES) + value[k:]
    spots = [k for k, c in enumerate(value) if c in SINGLE_QUOTES]
    skip = rng.choice(spots)
    body = "".join(c if (c not in SINGLE_QUOTES or k == skip) else c + c for k, c in enumerate(value))
    return value, "'" + body + "'"


def fixed_cases():
    """(script, expected literals, or None when it must be rejected)."""
    return [
        ("'it''s'", ["it's"]),
        ("'\u2018\u2019'", ["\u2019"]),                 # a mixed pair: the second one counts
        ("'a' 'b'", ["a", "b"]),
        ("\u2018curly\u2019", ["curly"]),
        ("'$(reboot) `n'", ["$(reboot) `n"]),
        ('"it\'s" "a `" \'q\'"', []),
        ("# 'x'\n<# 'y'\n#> 'z'", ["z"]),
        ("Write-Host `'x", []),
        ("@'\nline 'one'\n'@\n'two'", ["line 'one'", "two"]),
        ("@'\r\n'@ @\"\n'no'\n\"@", [""]),
        ("'multi\r\nline'", ["multi\r\nline"]),
        ("'open", None), ("'it's'", None), ("<# open", None),
    ]


def selftest():
    rng = random.Random(SEED)
    passed, failures = 0, []
    for script, want in fixed_cases():
        try:
            got = read_literals(script)
        except Unterminated:
            got = None
        if got == want:
            passed += 1
        else:
            failures.append(f"fixed case {script!r}: want {want!r}, got {got!r}")
    for _ in range(2000):
        value = "".join(rng.choice(HOSTILE) for _ in range(rng.randrange(0, 24)))
        if reads_back(quote_for_powershell(value), value):
            passed += 1
        else:
            failures.append(f"does not read back: {value!r} quoted {quote_for_powershell(value)!r}")
        wrong_value, wrong = quote_one_wrongly(value, rng)
        if not reads_back(wrong, wrong_value):
            passed += 1
        else:
            failures.append(f"wrong quoting not detected: {wrong!r}")
    for line in failures[:20]:
        print(f"FAIL: {line}")
    print(f"seed: {SEED}; {passed + len(failures)} checks")
    print(f"{passed} passed, {len(failures)} failed")
    return 0 if not failures else 1


def main():
    ap = argparse.ArgumentParser(description="Read PowerShell single-quoted literals exactly.")
    ap.add_argument("--literals", metavar="FILE.ps1")
    ap.add_argument("--expect", metavar="TEXT", nargs="+", default=[])
    ap.add_argument("--selftest", action="store_true")
    args = ap.parse_args()
    if args.selftest:
        return selftest()
    if args.literals:
        return print_literals(args.literals, args.expect)
    ap.error("give --literals FILE.ps1 or --selftest")


if __name__ == "__main__":
    sys.exit(main())
