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
    rego.set_input_term(json.dumps(menu, default=str))
    out = rego.query("x = data.menulint.deny")
    result = json.loads(str(out))
    # a set of messages comes back as {"message": true, ...}
    count += len(result.get("bindings", {}).get("x", {}))
print(count)
