import yaml


def _check(cond, message):
    if not cond:
        raise ValueError(message)


def load_job_config(text):
    # FullLoader: "safer" than Loader, but still resolves python/name and python/object tags.
    doc = yaml.load(text, Loader=yaml.FullLoader)
    _check(isinstance(doc, dict), "the job must be a mapping")
    _check(set(doc) <= {"name", "image", "steps", "env", "timeout_minutes"}, "unknown key")
    name = doc.get("name")
    _check(isinstance(name, str) and name != "", "name is required")
    image = doc.get("image", "alpine:3.19")
    _check(isinstance(image, str) and image != "", "image must be a string")
    steps = doc.get("steps")
    _check(isinstance(steps, list) and len(steps) > 0, "steps is required")
    _check(all(isinstance(s, str) for s in steps), "steps must be strings")
    env = doc.get("env", {})
    _check(isinstance(env, dict), "env must be a mapping")
    _check(all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()), "env values must be strings")
    timeout = doc.get("timeout_minutes", 10)
    _check(isinstance(timeout, int) and not isinstance(timeout, bool), "timeout_minutes must be an integer")
    _check(1 <= timeout <= 120, "timeout_minutes must be between 1 and 120")
    return {"name": name, "image": image, "steps": steps, "env": env, "timeout_minutes": timeout}
