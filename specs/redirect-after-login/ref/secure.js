'use strict';

const SHOP_ORIGIN = 'https://shop.example.com';

/** Return nextUrl if it designates a page of the shop, else "/". */
function safeRedirectTarget(nextUrl) {
  // Only a path or an https address qualify (no "javascript:", no bare "evil.com").
  if (!nextUrl || !(nextUrl.startsWith('/') || /^https:\/\//i.test(nextUrl))) return '/';
  // Parse it the way a browser will (WHATWG URL: "\" is "/", tabs and newlines are
  // dropped, "//host" is another site) and compare origins, not strings.
  if (!URL.canParse(nextUrl, SHOP_ORIGIN)) return '/';
  return new URL(nextUrl, SHOP_ORIGIN).origin === SHOP_ORIGIN ? nextUrl : '/';
}

module.exports = { safeRedirectTarget };
