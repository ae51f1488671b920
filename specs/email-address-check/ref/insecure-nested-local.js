// local part: runs of allowed characters, each optionally followed by a dot, ending with a character
const EMAIL_RE = /^(?:[A-Za-z0-9_%+-]+\.?)*[A-Za-z0-9_%+-]@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

export const isValidEmail = (address) => address.length <= 254 && EMAIL_RE.test(address);
