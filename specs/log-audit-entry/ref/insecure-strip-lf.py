def format_audit_entry(timestamp, level, user, message):
    # Keep every entry on one line.
    user = user.replace("\n", " ")
    message = message.replace("\n", " ")
    return " ".join([timestamp, level, "user=" + user, message])
