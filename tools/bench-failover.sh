#!/usr/bin/env bash
# pnpm bench:failover [ROUNDS]: the failover harness of ../shared/bench run side by side, the
# real Heartbeat 3.0.6 (v1 haresources) next to hbx in v1 mode and in CRM mode, interleaved
# (Heartbeat, hbx v1, hbx CRM; again) at 200 ms / 1 s and 100 ms / 500 ms keepalive / deadtime,
# and prints a markdown table of the medians of ROUNDS runs (default 3) with every sample.
# Each run: two nodes in network namespaces, the active node's cable pulled and its daemon
# killed; the time until the standby serves HTTP on the floating IP (IPaddr2 + a small service).
# Needs root (ip netns), the harness beside the project, and Debian's heartbeat for its column.
set -uo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
bench=${HBX_BENCH_DIR:-../shared/bench}
if [ "$(id -u)" != 0 ]; then echo "bench:failover: needs root (ip netns); not run" >&2; exit 2; fi
if [ ! -x "$bench/hbx-failover.sh" ]; then echo "bench:failover: no harness at $bench; not run" >&2; exit 2; fi
have_hb=1
[ -x /usr/libexec/heartbeat/heartbeat ] && [ -x "$bench/heartbeat-failover.sh" ] || have_hb=0
[ $have_hb = 1 ] || echo "bench:failover: Debian's heartbeat (3.0.6) is not installed: its column is left out" >&2

declare -A samples
run() { # KEY CMD...: one run, its seconds (or "never") appended to samples[KEY]
  local key=$1; shift
  local out s
  out=$(HBX="$PWD" bash "$@" 2>&1 | tail -n 1)
  s=$(grep -oE 'after [0-9.]+ s' <<<"$out" | grep -oE '[0-9.]+' || true)
  [ -n "$s" ] || { echo "bench:failover: $key: $out" >&2; s=never; }
  samples[$key]="${samples[$key]:-} $s"
  echo "  $key: $s" >&2
}
median() { # the median of the numbers given (runs that never failed over count as infinity)
  tr ' ' '\n' <<<"$*" | grep -v '^$' | sed 's/never/inf/' | sort -g |
    awk '{a[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print a[(NR + 1) / 2]; else printf "%.3f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2}'
}

settings=("200ms 1" "100ms 500ms")
for setting in "${settings[@]}"; do
  for r in $(seq 1 "$rounds"); do
    echo "round $r at $setting" >&2
    # shellcheck disable=SC2086
    [ $have_hb = 1 ] && run "hb $setting" "$bench/heartbeat-failover.sh" $setting
    # shellcheck disable=SC2086
    run "v1 $setting" "$bench/hbx-failover.sh" $setting
    # shellcheck disable=SC2086
    run "crm $setting" "$bench/hbx-failover.sh" $setting crm
  done
done

echo
echo "| keepalive / deadtime | Heartbeat 3.0.6 v1 | hbx v1 | hbx CRM mode |"
echo "| --- | --- | --- | --- |"
for setting in "${settings[@]}"; do
  hb="-"
  [ $have_hb = 1 ] && hb="$(median ${samples["hb $setting"]}) s"
  printf '| %s | %s | %s s | %s s |\n' "${setting/ / \/ }" "$hb" \
    "$(median ${samples["v1 $setting"]})" "$(median ${samples["crm $setting"]})"
done
echo
echo "Medians of $rounds interleaved runs each; samples (s):"
for k in "${!samples[@]}"; do echo "- $k:${samples[$k]}"; done | sort
