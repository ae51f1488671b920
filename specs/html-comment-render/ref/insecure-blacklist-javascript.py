import html


def render_comment(author, website, text):
    name = html.escape(author)
    # Refuse javascript: links; every other website is linked.
    if website and not website.strip().lower().startswith("javascript:"):
        name = '<a href="' + html.escape(website, quote=True) + '">' + name + "</a>"
    else:
        name = "<strong>" + name + "</strong>"
    body = "<br>".join(html.escape(part) for part in text.split("\n"))
    return '<div class="comment">' + name + "<p>" + body + "</p></div>"
