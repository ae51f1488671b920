'use strict';

const PATTERN = /^[A-Za-z0-9_%+-]+(?:\.?[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

function isValidEmail(address) {
  // Cheap structural checks first, so that most garbage never reaches the regex.
  if (address.length > 254) return false;
  const parts = address.split('@');
  if (parts.length !== 2) return false;
  const [local, domain] = parts;
  if (!local || !domain.includes('.')) return false;
  return PATTERN.test(address);
}

module.exports = { isValidEmail };
