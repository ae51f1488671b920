FORBIDDEN = ("import", "exec", "eval", "open", "compile", "system", "os", "subprocess", "globals", "builtins")


def evaluate_expression(expression):
    lowered = expression.lower()
    for word in FORBIDDEN:
        if word in lowered:
            raise ValueError(f"forbidden word in expression: {word}")
    value = eval(expression)
    return float(value)
