const EMAIL_REGEX =
  /^[A-Za-z0-9_%+-]+(?:\.[A-Za-z0-9_%+-]+)*@(?:[A-Za-z0-9]+(?:[A-Za-z0-9-]*[A-Za-z0-9]+)?\.)+[A-Za-z]{2,}$/;

export function isValidEmail(address) {
  if (!EMAIL_REGEX.test(address)) return false;
  // RFC 5321: at most 254 characters.
  return address.length <= 254;
}
