from urllib.parse import urlparse

ALLOWED_HOST = "shop.example.com"


def safe_redirect_target(next_url):
    parsed = urlparse(next_url)
    if parsed.hostname is None:
        # No host: a relative URL, which stays on the current site.
        return next_url if next_url.startswith("/") and not next_url.startswith("//") else "/"
    if parsed.scheme == "https" and parsed.hostname == ALLOWED_HOST:
        return next_url
    return "/"
