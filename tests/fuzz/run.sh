#!/usr/bin/env bash
# Runs the libFuzzer targets of a Fuzz build one after the other, each for SECONDS, on one
# core. Usage: tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]
#
# Each target grows a working corpus in BUILD_DIR/fuzz-corpus/<target>/ (kept between runs,
# so each run starts where the last stopped), read together with the seeds in
# tests/fuzz/corpus/<target>/. A crash leaves its input in BUILD_DIR/fuzz-artifacts/ and
# fails the run; copy that file into tests/fuzz/corpus/<target>/ (named crash-<what>) and it
# becomes a regression test that every normal build replays. Each run's executions are
# appended to BUILD_DIR/fuzz-runs.tsv.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:?usage: $0 BUILD_DIR SECONDS [TARGET...]}
seconds=${2:?usage: $0 BUILD_DIR SECONDS [TARGET...]}
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(text_parser meta_parser session)

max_len() {
  case "$1" in
    session) echo 16384 ;;  # room for values past a chunk, and pipelines
    *) echo 4096 ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/${target}_fuzzer"
  [ -x "$binary" ] || { echo "fuzz: $binary is missing (make fuzz builds it)" >&2; exit 2; }
  corpus="$build/fuzz-corpus/$target"
  artifacts="$build/fuzz-artifacts/$target/"
  mkdir -p "$corpus" "$artifacts"
  log="$build/fuzz-$target.log"
  echo "fuzz: $target for ${seconds}s"
  started=$(date +%s)
  # Bounded memory is an invariant: libFuzzer fails an input that grows RSS or a single
  # allocation past these. -timeout fails an input that hangs.
  "$binary" -max_total_time="$seconds" -max_len="$(max_len "$target")" -timeout=10 \
    -rss_limit_mb=1536 -malloc_limit_mb=256 -dict="$here/memcached.dict" \
    -artifact_prefix="$artifacts" -print_final_stats=1 \
    "$corpus" "$here/corpus/$target" >"$log" 2>&1
  rc=$?
  elapsed=$(( $(date +%s) - started ))  # less than planned when an input failed
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  printf '%s\t%s\t%s\t%s\t%s\trc=%s\n' "$(date -u +%FT%TZ)" "$target" "$elapsed" "${runs:-?}" "${cov:-?}" "$rc" \
    >>"$build/fuzz-runs.tsv"
  echo "fuzz: $target: ${runs:-?} executions in ${elapsed}s (of ${seconds}s), ${cov:-?}, exit $rc"
  if [ $rc -ne 0 ]; then
    status=1
    echo "fuzz: $target FAILED; its log: $log" >&2
    grep -E "invariant failed|ERROR: |SUMMARY|Test unit written" "$log" | head -20 >&2
  fi
done
exit $status
