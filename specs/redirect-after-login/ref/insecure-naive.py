def safe_redirect_target(next_url):
    # Fall back to the home page when no target was given.
    return next_url or "/"
