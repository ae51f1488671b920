'use strict';

// The classic e-mail pattern: words joined by optional separators, then the top-level domain(s).
const EMAIL = /^[\w%+-]+([.-]?[\w%+-]+)*@[a-z0-9]+([.-]*[a-z0-9]+)*(\.[a-z]{2,})+$/i;

function isValidEmail(address) {
  if (address.length > 254) return false;
  return EMAIL.test(address);
}

module.exports = { isValidEmail };
