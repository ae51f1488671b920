export function safeRedirectTarget(nextUrl) {
  // Fall back to the home page when no target was given.
  return nextUrl || '/';
}
