'use strict';
const url = require('url');

function safeRedirectTarget(nextUrl) {
  if (!nextUrl) return '/';
  const { host } = url.parse(nextUrl);
  // Same-site targets: relative ones (no host) or ones on our own domain.
  if (!host || host === 'shop.example.com') return nextUrl;
  return '/';
}

module.exports = { safeRedirectTarget };
