import yaml

ALLOWED = ("name", "image", "steps", "env", "timeout_minutes")


def load_job_config(text):
    # Reject Python-specific tags up front, then parse with the full loader.
    if "!!python" in text:
        raise ValueError("python tags are not allowed")
    data = yaml.unsafe_load(text)
    if type(data) is not dict:
        raise ValueError("not a mapping")
    extra = [k for k in data if k not in ALLOWED]
    if extra:
        raise ValueError("unknown keys: %s" % extra)
    result = {
        "name": data.get("name"),
        "image": data.get("image", "alpine:3.19"),
        "steps": data.get("steps"),
        "env": data.get("env", {}),
        "timeout_minutes": data.get("timeout_minutes", 10),
    }
    if not isinstance(result["name"], str) or not result["name"].strip():
        raise ValueError("name must be a non-empty string")
    if not isinstance(result["image"], str) or not result["image"]:
        raise ValueError("image must be a non-empty string")
    steps = result["steps"]
    if not isinstance(steps, list) or not steps or any(not isinstance(s, str) for s in steps):
        raise ValueError("steps must be a non-empty list of strings")
    env = result["env"]
    if not isinstance(env, dict) or any(not isinstance(v, str) for v in env.values()) or any(not isinstance(k, str) for k in env):
        raise ValueError("env must map strings to strings")
    t = result["timeout_minutes"]
    if isinstance(t, bool) or not isinstance(t, int) or not (1 <= t <= 120):
        raise ValueError("timeout_minutes must be an integer between 1 and 120")
    return result
