def render_comment(author, website, text):
    if website.lower().startswith(("http://", "https://")):
        name = f'<a href="{website}">{author}</a>'
    else:
        name = f"<strong>{author}</strong>"
    body = text.replace("\n", "<br>")
    return f'<div class="comment">{name}<p>{body}</p></div>'
