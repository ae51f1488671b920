def _clean(text):
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
        else:
            out.append(repr(ch)[1:-1])
    return "".join(out)


def format_audit_entry(timestamp, level, user, message):
    # The free-text message is the field that can contain anything.
    return "%s %s user=%s %s" % (timestamp, level, user, _clean(message))
