from urllib.parse import urlparse


def safe_redirect_target(next_url):
    if not next_url:
        return "/"
    netloc = urlparse(next_url).netloc
    # Same-site targets: relative ones (no netloc) or ones on our own domain.
    if netloc in ("", "shop.example.com"):
        return next_url
    return "/"
