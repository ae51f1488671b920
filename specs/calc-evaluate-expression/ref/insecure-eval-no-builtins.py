def evaluate_expression(expression):
    if not expression.strip():
        raise ValueError("empty expression")
    # No builtins and no names: only arithmetic is left (or so it seems).
    result = eval(expression, {"__builtins__": {}}, {})
    if not isinstance(result, (int, float)):
        raise ValueError("not a number")
    return float(result)
