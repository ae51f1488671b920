'use strict';
const escapeHtml = require('escape-html');

// Allow-list the scheme: only http(s) links, never javascript:, data:, ...
function isWebAddress(value) {
  try {
    // Parsed as a browser would (tabs and newlines removed, scheme lower-cased).
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Return the HTML fragment of one visitor comment. */
function renderComment(author, website, text) {
  const name = escapeHtml(author);
  // escape-html also escapes quotes, so the value cannot leave the attribute.
  const nameHtml = isWebAddress(website)
    ? `<a href="${escapeHtml(website)}">${name}</a>`
    : `<strong>${name}</strong>`;
  const body = text.split('\n').map(escapeHtml).join('<br>');
  return `<div class="comment">${nameHtml}<p>${body}</p></div>`;
}

module.exports = { renderComment };
