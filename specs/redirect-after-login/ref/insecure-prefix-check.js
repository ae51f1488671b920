export function safeRedirectTarget(nextUrl) {
  // A local path, but not "//other-site" ...
  if (nextUrl.startsWith('/') && !nextUrl.startsWith('//')) return nextUrl;
  // ... or an address on the shop itself.
  if (nextUrl.toLowerCase().startsWith('https://shop.example.com')) return nextUrl;
  return '/';
}
