import re

_WORD = r"[A-Za-z0-9_%+-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
# Every repetition starts with a literal "." (or is a single run), so each input can be
# matched in only one way: the match takes linear time, whatever the input.
_EMAIL = re.compile(rf"{_WORD}(?:\.{_WORD})*@(?:{_LABEL}\.)+[A-Za-z]{{2,}}")


def is_valid_email(address):
    """Whether address is an acceptable e-mail address for sign-up."""
    if len(address) > 254:
        return False
    return _EMAIL.fullmatch(address) is not None
