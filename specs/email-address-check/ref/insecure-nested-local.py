import re

# local part: runs of allowed characters, each optionally followed by a dot, ending with a character
EMAIL_RE = re.compile(
    r"(?:[A-Za-z0-9_%+-]+\.?)*[A-Za-z0-9_%+-]"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)


def is_valid_email(address):
    if len(address) > 254:
        return False
    return bool(EMAIL_RE.fullmatch(address))
