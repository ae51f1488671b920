import html


def render_comment(author, website, text):
    """Return the HTML fragment of one visitor comment."""
    name = html.escape(author)
    if _is_web_address(website):
        # html.escape also escapes quotes, so the value cannot leave the attribute.
        name_html = f'<a href="{html.escape(website)}">{name}</a>'
    else:
        name_html = f"<strong>{name}</strong>"
    body = "<br>".join(html.escape(line) for line in text.split("\n"))
    return f'<div class="comment">{name_html}<p>{body}</p></div>'


def _is_web_address(url):
    # Allow-list the scheme: only http(s) links, never javascript:, data:, ...
    scheme, colon, _ = url.partition(":")
    return colon == ":" and scheme.lower() in ("http", "https")
