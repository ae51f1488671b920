def _escape(s):
    # Escape the characters that start tags and entities.
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_comment(author, website, text):
    lines = [_escape(line) for line in text.split("\n")]
    if website.lower().startswith(("http://", "https://")):
        head = '<a href="' + _escape(website) + '">' + _escape(author) + "</a>"
    else:
        head = "<strong>" + _escape(author) + "</strong>"
    return '<div class="comment">' + head + "<p>" + "<br>".join(lines) + "</p></div>"
