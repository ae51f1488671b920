from html import escape


def render_comment(author, website, text):
    # Link the name whenever the visitor gave a website.
    if website:
        who = '<a href="%s">%s</a>' % (escape(website), escape(author))
    else:
        who = "<strong>%s</strong>" % escape(author)
    paragraph = "<br>".join(escape(line) for line in text.splitlines() or [""])
    if text.endswith("\n"):
        paragraph += "<br>"
    return '<div class="comment">%s<p>%s</p></div>' % (who, paragraph)
