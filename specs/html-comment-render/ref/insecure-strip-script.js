'use strict';

const SCRIPT = /<script\b[^>]*>[\s\S]*?<\/script\s*>/gi;

// Remove script elements so that visitors cannot inject JavaScript.
const clean = (value) => value.replace(SCRIPT, '');

function renderComment(author, website, text) {
  const who = clean(author);
  const name = /^https?:\/\//i.test(website)
    ? `<a href="${clean(website)}">${who}</a>`
    : `<strong>${who}</strong>`;
  return `<div class="comment">${name}<p>${clean(text).replace(/\n/g, '<br>')}</p></div>`;
}

module.exports = { renderComment };
