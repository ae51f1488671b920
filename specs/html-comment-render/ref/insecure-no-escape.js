export function renderComment(author, website, text) {
  const name = /^https?:\/\//i.test(website)
    ? `<a href="${website}">${author}</a>`
    : `<strong>${author}</strong>`;
  const body = text.replace(/\n/g, '<br>');
  return `<div class="comment">${name}<p>${body}</p></div>`;
}
