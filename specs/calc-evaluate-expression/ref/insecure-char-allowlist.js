'use strict';

const ALLOWED = /^[0-9+\-*/(). ]+$/;

function evaluateExpression(expression) {
  // Only digits, operators, parentheses, dots and spaces can reach the evaluator.
  if (!ALLOWED.test(expression)) throw new Error('invalid characters in expression');
  const result = new Function(`"use strict"; return (${expression});`)();
  if (!Number.isFinite(result)) throw new Error('division by zero');
  return result;
}

module.exports = { evaluateExpression };
