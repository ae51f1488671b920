import re

_TOKEN = re.compile(r"[0-9]+(?:\.[0-9]+)?|[-+*/()]")


def evaluate_expression(expression):
    """Evaluate an arithmetic expression (+ - * /, unary minus, parentheses) as a float.

    A recursive descent parser over the grammar: the input is data, never code.
    """
    tokens = _tokenize(expression)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        if pos == len(tokens):
            raise ValueError("unexpected end of expression")
        pos += 1
        return tokens[pos - 1]

    def sum_():
        value = product()
        while peek() in ("+", "-"):
            value = value + product() if take() == "+" else value - product()
        return value

    def product():
        value = factor()
        while peek() in ("*", "/"):
            # A zero divisor raises ZeroDivisionError.
            value = value * factor() if take() == "*" else value / factor()
        return value

    def factor():
        tok = take()
        if tok == "-":
            return -factor()
        if tok == "(":
            value = sum_()
            if take() != ")":
                raise ValueError("missing closing parenthesis")
            return value
        if tok[0].isdigit():
            return float(tok)
        raise ValueError(f"unexpected {tok!r}")

    value = sum_()
    if peek() is not None:
        raise ValueError(f"unexpected {peek()!r}")
    return value


def _tokenize(text):
    tokens, i = [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        m = _TOKEN.match(text, i)
        if m is None:
            raise ValueError(f"unexpected character {text[i]!r} at position {i}")
        tokens.append(m.group())
        i = m.end()
    return tokens
