#!/usr/bin/env bash
# How menulint scales with the number of menus: wall time and peak memory of one
# `menulint check DIR --format json` over 1k, 10k and 100k generated menus, and the
# projection to the ~720,000 401(k) plans in the US.
#
#   bash benches/scale.sh                 # 1000 10000 100000, median of 3
#   SIZES="1000 10000" RUNS=5 bash benches/scale.sh
#
# Menus are generated once under target/bench/ (about 19 KB each: 100k menus
# take 1.9 GB of disk).
set -euo pipefail
SIZES=${SIZES:-1000 10000 100000}
RUNS=${RUNS:-3}
PLANS=720000
source "$(dirname "$0")/common.sh"

printf '| %8s | %10s | %10s | %13s | %16s |\n' menus "wall s" menus/s "peak RSS MB" "720k projected s"
printf '|%s|%s|%s|%s|%s|\n' ---------- ------------ ------------ --------------- ------------------
for n in $SIZES; do
  menus=$work/menus-$n
  [ -d "$menus" ] || "$gen" --count "$n" --out "$menus" >/dev/null
  read -r wall rss worst < <(measure "$bin" check --as-of 2026-11-25 --format json "$menus")
  # exit 1 (findings) is the expected outcome on generated menus
  [ "$worst" -le 1 ] || { echo "menulint exited $worst on $menus" >&2; exit 1; }
  awk -v n="$n" -v w="$wall" -v m="$rss" -v p="$PLANS" \
    'BEGIN { printf "| %8d | %10.2f | %10.0f | %13.0f | %16.0f |\n", n, w, n / w, m / 1024, p * w / n }'
done
