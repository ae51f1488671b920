import yaml

DEFAULT_IMAGE = "alpine:3.19"
DEFAULT_TIMEOUT = 10
KEYS = {"name", "image", "steps", "env", "timeout_minutes"}


def load_job_config(text):
    """Parse and validate the YAML text of a build job; return the normalised job."""
    # safe_load builds plain data only (mappings, lists, strings, numbers...), never objects.
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError("the job must be a mapping")
    unknown = set(data) - KEYS
    if unknown:
        raise ValueError(f"unknown keys: {sorted(map(str, unknown))}")
    name = data.get("name")
    if not isinstance(name, str) or not name:
        raise ValueError("name must be a non-empty string")
    image = data.get("image", DEFAULT_IMAGE)
    if not isinstance(image, str) or not image:
        raise ValueError("image must be a non-empty string")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps or not all(isinstance(s, str) for s in steps):
        raise ValueError("steps must be a non-empty list of strings")
    env = data.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        raise ValueError("env must map names to strings")
    timeout = data.get("timeout_minutes", DEFAULT_TIMEOUT)
    if isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 120:
        raise ValueError("timeout_minutes must be an integer from 1 to 120")
    return {"name": name, "image": image, "steps": steps, "env": env, "timeout_minutes": timeout}
