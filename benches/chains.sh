#!/usr/bin/env bash
# Time and peak memory of look-through over the longest chains of holdings: a menu
# of N options, each holding the next, for N = 1,000, 10,000 and 100,000 (the
# time should grow in proportion to N).
# RUNS=3 bash benches/chains.sh
set -euo pipefail
RUNS=${RUNS:-3}
source "$(dirname "$0")/common.sh"

python3 - "$work" <<'PY'
import sys
work = sys.argv[1]
for n in (1_000, 10_000, 100_000):
    with open(f"{work}/chain-{n}.toml", "w") as f:
        f.write('schema_version = 1\n[plan]\nname = "P"\nsponsor = "S"\n')
        for i in range(n):
            f.write(f'[[options]]\nid = "o{i}"\nname = "O{i}"\nvehicle = "cit"\n'
                    f'asset_class = "balanced"\nassets_usd = 1000\n')
            if i + 1 < n:
                f.write(f'[[options.holdings]]\noption = "o{i + 1}"\nweight_pct = 50.0\n')
            else:
                f.write('exposure = { crypto_pct = 4.0, crypto_assets = ["BTC"] }\n')
PY

printf '%-26s %10s %12s %5s\n' "chain" "wall (s)" "peak RSS KB" "exit"
for n in 1000 10000 100000; do
  read -r wall rss code < <(measure "$bin" check --as-of 2026-11-25 --format json \
    --max-file-size 100000000 "$work/chain-$n.toml")
  printf '%-26s %10s %12s %5s\n' "$n options" "$wall" "$rss" "$code"
done
