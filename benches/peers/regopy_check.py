"""Evaluates benches/peers/policy.rego over menus with regopy; prints the finding count."""
import json
import sys
import tomllib

from regopy import Interpreter

policy = open(sys.argv[1]).read()
files = sys.argv[2:]
count = 0
for path in files:
    with open(path, "rb") as f:
        menu = tomllib.load(f)
    rego = Interpreter()
    rego.add_module("menulint", policy)
    rego.set_input_json(json.dumps(menu, default=str))
    out = rego.query("x = data.menulint.deny")
    result = json.loads(str(out))
    count += len(result["result"][0]["bindings"]["x"]) if result.get("result") else 0
print(count)
