def _escape_newlines(value):
    return value.replace("\r", "\\r").replace("\n", "\\n")


def format_audit_entry(timestamp, level, user, message):
    # Escape CR and LF so that a forged "line" stays visible inside the entry.
    return "{} {} user={} {}".format(timestamp, level, _escape_newlines(user), _escape_newlines(message))
