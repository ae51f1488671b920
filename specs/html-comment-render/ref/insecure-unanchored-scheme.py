import html
import re

WEB_URL = re.compile(r"https?://", re.IGNORECASE)


def render_comment(author, website, text):
    # re.search finds "http://" anywhere in the value, not only at its start.
    if WEB_URL.search(website):
        name = '<a href="{}">{}</a>'.format(html.escape(website), html.escape(author))
    else:
        name = "<strong>{}</strong>".format(html.escape(author))
    body = html.escape(text).replace("\n", "<br>")
    return '<div class="comment">{}<p>{}</p></div>'.format(name, body)
