'use strict';

const ALLOWED_HOST = 'shop.example.com';

function safeRedirectTarget(nextUrl) {
  let url;
  try {
    url = new URL(nextUrl);
  } catch {
    // Not an absolute URL: a relative path stays on the current site.
    return nextUrl.startsWith('/') && !nextUrl.startsWith('//') ? nextUrl : '/';
  }
  if (url.protocol === 'https:' && url.hostname === ALLOWED_HOST) return nextUrl;
  return '/';
}

module.exports = { safeRedirectTarget };
