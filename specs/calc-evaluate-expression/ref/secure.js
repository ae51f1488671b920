'use strict';

const TOKEN = /[0-9]+(?:\.[0-9]+)?|[-+*/()]/y;

function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i += 1;
      continue;
    }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (m === null) throw new SyntaxError(`unexpected character ${JSON.stringify(text[i])} at position ${i}`);
    tokens.push(m[0]);
    i = TOKEN.lastIndex;
  }
  return tokens;
}

/**
 * Evaluate an arithmetic expression (+ - * /, unary minus, parentheses).
 * A recursive descent parser over the grammar: the input is data, never code.
 */
function evaluateExpression(expression) {
  const tokens = tokenize(expression);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = () => {
    if (pos === tokens.length) throw new SyntaxError('unexpected end of expression');
    return tokens[pos++];
  };

  function sum() {
    let value = product();
    while (peek() === '+' || peek() === '-') {
      value = take() === '+' ? value + product() : value - product();
    }
    return value;
  }

  function product() {
    let value = factor();
    while (peek() === '*' || peek() === '/') {
      if (take() === '*') {
        value *= factor();
      } else {
        const divisor = factor();
        if (divisor === 0) throw new RangeError('division by zero');
        value /= divisor;
      }
    }
    return value;
  }

  function factor() {
    const tok = take();
    if (tok === '-') return -factor();
    if (tok === '(') {
      const value = sum();
      if (take() !== ')') throw new SyntaxError('missing closing parenthesis');
      return value;
    }
    if (/^[0-9]/.test(tok)) return Number(tok);
    throw new SyntaxError(`unexpected ${JSON.stringify(tok)}`);
  }

  const value = sum();
  if (pos < tokens.length) throw new SyntaxError(`unexpected ${JSON.stringify(peek())}`);
  return value;
}

module.exports = { evaluateExpression };
