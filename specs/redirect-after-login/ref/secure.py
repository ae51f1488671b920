from urllib.parse import urlsplit

SITE = "shop.example.com"


def safe_redirect_target(next_url):
    """Return next_url if it designates a page of the shop, else "/"."""
    # Browsers drop tabs and line breaks from URLs and read "\" as "/": a value with
    # any of them (or other control characters) may point elsewhere than it seems.
    if not next_url or "\\" in next_url or any(ord(c) < 0x20 or ord(c) == 0x7F for c in next_url):
        return "/"
    if next_url.startswith("/"):
        # "//host/..." is a scheme-relative URL to another site, not a path.
        return "/" if next_url.startswith("//") else next_url
    parts = urlsplit(next_url)
    # The exact authority: no user info, no port, no look-alike host.
    if parts.scheme == "https" and parts.netloc.lower() == SITE:
        return next_url
    return "/"
