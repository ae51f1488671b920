export function evaluateExpression(expression) {
  // JavaScript's own parser already knows arithmetic, precedence and parentheses.
  const result = eval(expression);
  if (typeof result !== 'number' || !Number.isFinite(result)) {
    throw new Error('invalid expression or division by zero');
  }
  return result;
}
