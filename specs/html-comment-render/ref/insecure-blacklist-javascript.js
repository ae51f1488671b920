'use strict';
const escapeHtml = require('escape-html');

function renderComment(author, website, text) {
  let name = escapeHtml(author);
  // Refuse javascript: links; every other website is linked.
  if (website && !website.trim().toLowerCase().startsWith('javascript:')) {
    name = '<a href="' + escapeHtml(website) + '">' + name + '</a>';
  } else {
    name = '<strong>' + name + '</strong>';
  }
  const body = text.split('\n').map((part) => escapeHtml(part)).join('<br>');
  return '<div class="comment">' + name + '<p>' + body + '</p></div>';
}

module.exports = { renderComment };
