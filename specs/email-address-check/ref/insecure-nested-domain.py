import re

LOCAL_PART = r"[A-Za-z0-9_%+-]+(\.[A-Za-z0-9_%+-]+)*"
# a label: letters and digits, hyphens allowed in between
LABEL = r"([A-Za-z0-9]+-*)*[A-Za-z0-9]"
EMAIL = re.compile(rf"^{LOCAL_PART}@({LABEL}\.)+[A-Za-z]{{2,}}\Z")


def is_valid_email(address):
    if len(address) > 254:
        return False
    return EMAIL.match(address) is not None
