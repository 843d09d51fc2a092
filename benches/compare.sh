#!/usr/bin/env bash
# Whole-process comparison of menulint with the tools a user would pick instead,
# on the same generated menus. Installs the peers itself (PyPI, npm) under target/.
#
#   bash benches/compare.sh            # 1000 menus, median of 3 runs
#   N=10000 RUNS=5 bash benches/compare.sh
#
# Peers and what each does:
#   check-jsonschema, taplo lint --schema   the JSON-Schema part only
#   regopy (Rego), Spectral                 six crypto/scope rules (CRY003, CRY005,
#                                           CRY006, SCO001, SCO002, SCO003); the script
#                                           checks they report as many findings as
#                                           menulint does for those rules
set -euo pipefail
N=${N:-1000}
RUNS=${RUNS:-3}
SUBSET=CRY003,CRY005,CRY006,SCO001,SCO002,SCO003
ALL="menulint check (all rules in force + schema)"
source "$(dirname "$0")/common.sh"

# peers
if [ ! -x "$work/venv/bin/check-jsonschema" ]; then
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet check-jsonschema==0.39.0 regopy==1.5.2 taplo==0.9.3
fi
if [ ! -x "$work/npm/node_modules/.bin/spectral" ]; then
  npm install --silent --prefix "$work/npm" @stoplight/spectral-cli@6.16.3 >/dev/null
fi
py=$work/venv/bin/python

# the same menus for everyone
menus=$work/menus-$N
[ -d "$menus" ] || "$gen" --count "$N" --out "$menus"
# scale.sh makes the same menus without the JSON copies Spectral reads
if [ "$(find "$menus" -name '*.json' | wc -l)" -ne "$(find "$menus" -name '*.toml' | wc -l)" ]; then
  "$py" benches/peers/toml2json.py "$menus"/*.toml
fi
mapfile -t tomls < <(ls "$menus"/*.toml)
mapfile -t jsons < <(ls "$menus"/*.json)

declare -A wall mem
run() {
  local name=$1; shift
  read -r wall["$name"] mem["$name"] _ < <(measure "$@")
  echo "measured $name: ${wall[$name]} s" >&2
}

run "$ALL" "$bin" check --as-of 2026-11-25 --format json "$menus"
run "menulint check (6-rule subset + schema)" "$bin" check --as-of 2026-11-25 --format json --select "$SUBSET" "$menus"
run "check-jsonschema (schema only)" "$work/venv/bin/check-jsonschema" --schemafile schemas/menu.schema.json "${tomls[@]}"
run "taplo lint --schema (schema only)" "$work/venv/bin/taplo" lint --schema "file://$root/schemas/menu.schema.json" "${tomls[@]}"
run "regopy (6 Rego rules)" "$py" benches/peers/regopy_check.py benches/peers/policy.rego "${tomls[@]}"
run "spectral (6 rules, JSON input)" "$work/npm/node_modules/.bin/spectral" lint --quiet -r benches/peers/spectral.yaml "${jsons[@]}"

# fairness: the rule peers find what menulint finds for the same rules
ours=$( ("$bin" check --as-of 2026-11-25 --format json --select "$SUBSET" "$menus" || true) | "$py" -c 'import json,sys; print(sum(len(f["findings"]) for f in json.load(sys.stdin)["files"]))')
rego=$("$py" benches/peers/regopy_check.py benches/peers/policy.rego "${tomls[@]}")
spectral=$("$work/npm/node_modules/.bin/spectral" lint -r benches/peers/spectral.yaml -f json "${jsons[@]}" 2>/dev/null | "$py" -c 'import json,sys; print(len(json.load(sys.stdin)))' || true)
echo
echo "findings for $SUBSET: menulint $ours, regopy $rego, spectral $spectral"
[ "$ours" = "$rego" ] || { echo "regopy disagrees with menulint" >&2; exit 1; }
[ "$ours" = "$spectral" ] || { echo "spectral disagrees with menulint" >&2; exit 1; }

base=${wall[$ALL]}
echo
printf '| %-40s | %6s | %8s | %8s | %16s | %13s |\n' tool files "wall s" files/s "vs menulint (all)" "peak RSS MB"
printf '|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..42})" "--------" "----------" "----------" "------------------" "---------------"
for name in "$ALL" "menulint check (6-rule subset + schema)" "check-jsonschema (schema only)" "taplo lint --schema (schema only)" "regopy (6 Rego rules)" "spectral (6 rules, JSON input)"; do
  w=${wall[$name]}
  awk -v n="$name" -v f="$N" -v w="$w" -v b="$base" -v m="${mem[$name]}" \
    'BEGIN { printf "| %-40s | %6d | %8.2f | %8.0f | %15.1fx | %13.0f |\n", n, f, w, f / w, w / b, m / 1024 }'
done
