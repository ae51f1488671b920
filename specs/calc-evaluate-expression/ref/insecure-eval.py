def evaluate_expression(expression):
    # Python's own parser already knows arithmetic, precedence and parentheses.
    return float(eval(expression))
