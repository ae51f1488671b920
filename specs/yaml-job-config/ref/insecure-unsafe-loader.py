import yaml

DEFAULTS = {"image": "alpine:3.19", "env": {}, "timeout_minutes": 10}


def load_job_config(text):
    # The full Loader understands every YAML tag.
    config = yaml.load(text, Loader=yaml.Loader)
    if not isinstance(config, dict):
        raise ValueError("expected a mapping at the top level")
    for key in config:
        if key not in ("name", "image", "steps", "env", "timeout_minutes"):
            raise ValueError(f"unknown key {key!r}")
    job = dict(DEFAULTS, **config)
    if "name" not in job or not isinstance(job["name"], str) or not job["name"]:
        raise ValueError("missing name")
    if not isinstance(job["image"], str) or not job["image"]:
        raise ValueError("bad image")
    if not isinstance(job.get("steps"), list) or not job["steps"]:
        raise ValueError("missing steps")
    for step in job["steps"]:
        if not isinstance(step, str):
            raise ValueError("steps must be strings")
    if not isinstance(job["env"], dict):
        raise ValueError("env must be a mapping")
    for k, v in job["env"].items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ValueError("env values must be strings")
    t = job["timeout_minutes"]
    if type(t) is not int or t < 1 or t > 120:
        raise ValueError("timeout_minutes out of range")
    return job
