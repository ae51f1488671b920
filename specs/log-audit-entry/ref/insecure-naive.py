def format_audit_entry(timestamp, level, user, message):
    return f"{timestamp} {level} user={user} {message}"
