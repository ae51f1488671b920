def safe_redirect_target(next_url):
    # A local path, but not "//other-site" ...
    if next_url.startswith("/") and not next_url.startswith("//"):
        return next_url
    # ... or an address on the shop itself.
    if next_url.lower().startswith("https://shop.example.com"):
        return next_url
    return "/"
