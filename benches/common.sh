# Shared by the bench scripts: builds menulint and times commands.
# Sets root (the repository), work (scratch space under target/), bin and gen
# (the menu generator, `examples/generate.rs`).
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
work=${WORK:-$root/target/bench}
mkdir -p "$work"
cd "$root"

cargo build --release --quiet --bin menulint --example generate
bin=$root/target/release/menulint
gen=$root/target/release/examples/generate

# runs a command RUNS times; prints "median_wall_s max_rss_kb worst_exit_code"
measure() {
  local walls=() rss=0 worst=0 code out
  for _ in $(seq "$RUNS"); do
    code=0
    /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" >/dev/null 2>&1 || code=$?
    [ "$code" -gt "$worst" ] && worst=$code
    # time writes "Command exited with non-zero status N" first when it does
    out=$(tail -n 1 "$work/time.txt")
    walls+=("${out% *}")
    [ "${out#* }" -gt "$rss" ] && rss=${out#* }
  done
  printf '%s %s %s\n' "$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" "$rss" "$worst"
}
