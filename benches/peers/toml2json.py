"""Converts TOML menus to JSON files beside them (Spectral reads JSON, not TOML)."""
import json
import sys
import tomllib

for path in sys.argv[1:]:
    with open(path, "rb") as f:
        menu = tomllib.load(f)
    with open(path[: -len(".toml")] + ".json", "w") as f:
        json.dump(menu, f, default=str)
