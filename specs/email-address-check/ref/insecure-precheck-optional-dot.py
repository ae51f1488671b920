import re

LOCAL = r"[A-Za-z0-9_%+-]+(?:\.?[A-Za-z0-9_%+-]+)*"
DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
PATTERN = re.compile(LOCAL + "@" + DOMAIN)


def is_valid_email(address):
    # Cheap structural checks first, so that most garbage never reaches the regex.
    if len(address) > 254 or address.count("@") != 1:
        return False
    local, domain = address.split("@")
    if not local or "." not in domain:
        return False
    return PATTERN.fullmatch(address) is not None
