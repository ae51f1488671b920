_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def format_audit_entry(timestamp, level, user, message):
    """Return one audit-log line; untrusted fields cannot start a new line or drive the terminal."""
    return f"{timestamp} {level} user={_neutralize(user)} {_neutralize(message)}"


def _neutralize(value):
    # Printable characters stay as they are; control characters and line or paragraph
    # separators (CR, LF, NEL, U+2028, ESC, ...) are written as visible escapes instead.
    return "".join(ch if ch.isprintable() else _escape(ch) for ch in value)


def _escape(ch):
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
