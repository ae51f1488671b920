'use strict';

const WORD = '[A-Za-z0-9_%+-]+';
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?';
// Every repetition starts with a literal "." (or is a single run), so each input can be
// matched in only one way: the match takes linear time, whatever the input.
const EMAIL = new RegExp(`^${WORD}(?:\\.${WORD})*@(?:${LABEL}\\.)+[A-Za-z]{2,}$`);

/** Whether address is an acceptable e-mail address for sign-up. */
function isValidEmail(address) {
  if (address.length > 254) return false;
  return EMAIL.test(address);
}

module.exports = { isValidEmail };
