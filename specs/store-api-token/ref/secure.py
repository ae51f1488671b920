import os


def store_api_token(path, token):
    """Store token in the file at path, readable and writable by its owner only."""
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    # O_NOFOLLOW: never write through a link planted at path (raises instead).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with open(fd, "w", encoding="utf-8", newline="") as f:
        # The mode given to os.open only applies to a new file: fix an existing one.
        os.fchmod(fd, 0o600)
        f.truncate(0)
        f.write(token)
