import re

EMAIL_REGEX = re.compile(
    r"[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*"
    r"@(?:[A-Za-z0-9]+(?:[A-Za-z0-9-]*[A-Za-z0-9]+)?\.)+[A-Za-z]{2,}"
)


def is_valid_email(address):
    if not EMAIL_REGEX.fullmatch(address):
        return False
    # RFC 5321: at most 254 characters.
    return len(address) <= 254
