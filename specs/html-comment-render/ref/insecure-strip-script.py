import re

SCRIPT = re.compile(r"<script\b[^>]*>.*?</script\s*>", re.IGNORECASE | re.DOTALL)


def _clean(value):
    # Remove script elements so that visitors cannot inject JavaScript.
    return SCRIPT.sub("", value)


def render_comment(author, website, text):
    author = _clean(author)
    if re.match(r"https?://", website, re.IGNORECASE):
        name = f'<a href="{_clean(website)}">{author}</a>'
    else:
        name = f"<strong>{author}</strong>"
    return f'<div class="comment">{name}<p>{_clean(text).replace(chr(10), "<br>")}</p></div>'
