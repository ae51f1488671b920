#!/usr/bin/env python3
"""Property check for format_audit_entry on untrusted user/message values.

stdin: {"input": {timestamp, level, user, message}, "output": <result>, "args": []}

How control characters are neutralised is free (escaped, replaced or removed). The entry must:
- be a string with no character that ends a line or controls a terminal: CR, LF, VT, FF, the
  information separators 0x1C-0x1E, NEL (U+0085), U+2028, U+2029, and no other C0/C1 control or DEL
  (ESC sequences can move the cursor and erase lines); a tab is tolerated;
- start with "<timestamp> <level> user=";
- still contain every printable character of user and then of message, in order.
Exit 0 = holds, 1 = violated (the reason on stdout).
"""
import json
import sys
import unicodedata

LINE_BREAKS = set("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")


def fail(msg):
    print(msg)
    sys.exit(1)


def main():
    payload = json.load(sys.stdin)
    inp, out = payload["input"], payload["output"]
    if not isinstance(out, str):
        fail(f"the result is not a string: {json.dumps(out)[:200]}")
    for i, ch in enumerate(out):
        if ch in LINE_BREAKS:
            fail(f"line break U+{ord(ch):04X} at position {i}: the entry spans several lines: {out!r}")
        if ch != "\t" and unicodedata.category(ch) == "Cc":
            fail(f"control character U+{ord(ch):04X} at position {i} reaches the log: {out!r}")
    prefix = f"{inp['timestamp']} {inp['level']} user="
    if not out.startswith(prefix):
        fail(f"the entry does not start with {prefix!r}: {out!r}")
    rest = iter(out[len(prefix):])
    wanted = [ch for ch in inp["user"] + inp["message"] if ch.isprintable()]
    for ch in wanted:
        if not any(c == ch for c in rest):
            fail(f"printable text of the user or message is missing from the entry: {out!r}")
    sys.exit(0)


if __name__ == "__main__":
    main()
