'use strict';

// Escape the characters that start tags and entities.
const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function renderComment(author, website, text) {
  const lines = text.split('\n').map(escape);
  const head = /^https?:\/\//i.test(website)
    ? '<a href="' + escape(website) + '">' + escape(author) + '</a>'
    : '<strong>' + escape(author) + '</strong>';
  return '<div class="comment">' + head + '<p>' + lines.join('<br>') + '</p></div>';
}

module.exports = { renderComment };
