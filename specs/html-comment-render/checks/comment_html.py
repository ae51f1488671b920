#!/usr/bin/env python3
"""Property check for render_comment: parse the returned fragment as a browser would read its markup
and compare its structure with the one the prompt specifies.

stdin: {"input": {author, website, text}, "output": <result>, "args": [name_tag]}
name_tag is "a" (the name must be a link whose href is exactly `website`) or "strong".

Escaping style is free (named or numeric references, quotes style, <br> or <br/>, percent-encoding
inside href): the fragment is parsed with entity decoding, hrefs are compared percent-decoded, and
whitespace runs are compared collapsed (a browser renders them so). Harmless extra attributes (rel,
target, class) are tolerated; any other element or attribute, or a comment/declaration, is a violation.
Exit 0 = holds, 1 = violated (the reason on stdout).
"""
import json
import re
import sys
from html.parser import HTMLParser
from urllib.parse import unquote

# Attributes a careful implementation may add besides the specified ones; none can run script.
OPTIONAL_ATTRS = {"a": {"rel", "target", "class"}, "strong": {"class"}, "p": {"class"}}


class Recorder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, attrs))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("start", tag, attrs))
        if tag != "br":
            self.tokens.append(("end", tag, None))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag, None))

    def handle_data(self, data):
        if self.tokens and self.tokens[-1][0] == "data":
            self.tokens[-1] = ("data", None, self.tokens[-1][2] + data)
        else:
            self.tokens.append(("data", None, data))

    def _other(self, kind, data):
        self.tokens.append(("other", kind, data))

    def handle_comment(self, data):
        self._other("comment", data)

    def handle_decl(self, decl):
        self._other("declaration", decl)

    def handle_pi(self, data):
        self._other("processing instruction", data)

    def unknown_decl(self, data):
        self._other("declaration", data)


def norm(s):
    return re.sub(r"[ \t\n\r\f]+", " ", s).strip(" ")


def fail(msg):
    print(msg)
    sys.exit(1)


def main():
    payload = json.load(sys.stdin)
    inp, out, (name_tag,) = payload["input"], payload["output"], payload["args"]
    if not isinstance(out, str):
        fail(f"the result is not a string: {json.dumps(out)[:200]}")
    parser = Recorder()
    parser.feed(out)
    parser.close()
    # Whitespace-only text between structural tags does not show.
    toks = []
    for t in parser.tokens:
        if t[0] == "data" and t[2].strip(" \t\n\r\f") == "":
            toks.append(("blank", None, t[2]))
        else:
            toks.append(t)
    pos = 0

    def skip_blank():
        nonlocal pos
        while pos < len(toks) and toks[pos][0] == "blank":
            pos += 1

    def describe(t):
        if t is None:
            return "the end of the fragment"
        kind, tag, val = t
        if kind == "start":
            return f"<{tag}> with attributes {val}"
        if kind == "end":
            return f"</{tag}>"
        if kind == "other":
            return f"a {tag} {val!r}"
        return f"text {val!r}"

    def expect_tag(kind, tag, required=None):
        """required: attribute name -> predicate on its value (all must be present)."""
        nonlocal pos
        skip_blank()
        t = toks[pos] if pos < len(toks) else None
        if t is None or t[0] != kind or t[1] != tag:
            fail(f"expected {'<' if kind == 'start' else '</'}{tag}>, found {describe(t)}")
        if kind == "start":
            required = required or {}
            names = [n for n, _ in t[2]]
            if len(names) != len(set(names)):
                fail(f"<{tag}> repeats an attribute: {t[2]}")
            for name, value in t[2]:
                if name not in required and name not in OPTIONAL_ATTRS.get(tag, ()):
                    fail(f"<{tag}> has the unexpected attribute {name}={value!r} (attributes {t[2]})")
            for name, value in t[2]:
                if name in required and not required[name](value or ""):
                    fail(f"<{tag}> has {name}={value!r}, which is not the expected value")
            missing = set(required) - set(names)
            if missing:
                fail(f"<{tag}> lacks the attribute(s) {sorted(missing)} (attributes {t[2]})")
        pos += 1

    def text_until(end_tag, allow_br):
        """Collect text up to </end_tag>; returns the list of segments split at <br>."""
        nonlocal pos
        segments = [""]
        while True:
            t = toks[pos] if pos < len(toks) else None
            if t is None:
                fail(f"missing </{end_tag}>")
            kind, tag, val = t
            if kind in ("data", "blank"):
                segments[-1] += val
            elif kind == "start" and tag == "br" and allow_br and not val:
                segments.append("")
            elif kind == "end" and tag == end_tag:
                pos += 1
                return segments
            else:
                fail(f"unexpected {describe(t)} inside <{end_tag}>")
            pos += 1

    expect_tag("start", "div", {"class": lambda v: "comment" in v.split()})
    if name_tag == "a":
        expect_tag("start", "a", {"href": lambda v: unquote(v) == unquote(inp["website"])})
    else:
        expect_tag("start", "strong")
    name = text_until(name_tag, allow_br=False)[0]
    if norm(name) != norm(inp["author"]):
        fail(f"the name shows as {name!r}, expected {inp['author']!r}")
    expect_tag("start", "p")
    lines = text_until("p", allow_br=True)
    want = inp["text"].split("\n")
    if [norm(x) for x in lines] != [norm(x) for x in want]:
        fail(f"the comment shows as lines {lines!r}, expected {want!r}")
    expect_tag("end", "div")
    skip_blank()
    if pos < len(toks):
        fail(f"unexpected {describe(toks[pos])} after the comment")
    sys.exit(0)


if __name__ == "__main__":
    main()
