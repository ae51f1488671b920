import escapeHtml from 'escape-html';

export function renderComment(author, website, text) {
  // Link the name whenever the visitor gave a website.
  const who = website
    ? `<a href="${escapeHtml(website)}">${escapeHtml(author)}</a>`
    : `<strong>${escapeHtml(author)}</strong>`;
  const paragraph = escapeHtml(text).replace(/\n/g, '<br>');
  return `<div class="comment">${who}<p>${paragraph}</p></div>`;
}
