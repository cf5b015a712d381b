#!/usr/bin/env bash
# Runs the libFuzzer targets of a Fuzz build one after the other, on one core.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS [TARGET...]        explore (make fuzz)
#   tests/fuzz/run.sh --smoke BUILD_DIR RUNS [TARGET...]   reproduce (make fuzz-smoke, CI)
#
# Exploring runs each target for SECONDS with a random seed and grows a working corpus in
# BUILD_DIR/fuzz-corpus/<target>/ (kept between runs, so each run starts where the last
# stopped), read together with the kept inputs of tests/fuzz/corpus/<target>/.
#
# The smoke run is reproducible: a fixed seed, a fixed number of executions (RUNS) and only
# the kept corpus as its start, so the same commit always executes the same inputs and a
# submission never fails on a finding that chance happened upon. New inputs go to a
# scratch directory that is removed.
#
# A crash leaves its input in BUILD_DIR/fuzz-artifacts/ and fails the run; copy that file
# into tests/fuzz/corpus/<target>/ (named crash-<what>) and it becomes a regression test that
# every normal build replays. Each run's executions are appended to BUILD_DIR/fuzz-runs.tsv.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
smoke=0
if [ "${1:-}" = "--smoke" ]; then
  smoke=1
  shift
fi
usage="usage: $0 [--smoke] BUILD_DIR SECONDS|RUNS [TARGET...]"
build=${1:?$usage}
amount=${2:?$usage}
shift 2
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(text_parser meta_parser session binary_session ascii_auth_session memory_file)

max_len() {
  case "$1" in
    session|binary_session|ascii_auth_session) echo 16384 ;;  # room for values past a chunk, and pipelines
    *) echo 4096 ;;
  esac
}

# The smoke run's executions of a target: memory_file reopens a cache on a 6 MiB file each
# time (about 10 ms), the others parse in microseconds.
smoke_runs() {
  case "$1" in
    memory_file) echo $(( $2 / 20 )) ;;
    *) echo "$2" ;;
  esac
}

status=0
for target in "${targets[@]}"; do
  binary="$build/tests/fuzz/${target}_fuzzer"
  [ -x "$binary" ] || { echo "fuzz: $binary is missing (make fuzz builds it)" >&2; exit 2; }
  artifacts="$build/fuzz-artifacts/$target/"
  mkdir -p "$artifacts"
  log="$build/fuzz-$target.log"
  if [ $smoke -eq 1 ]; then
    corpus=$(mktemp -d)
    runs=$(smoke_runs "$target" "$amount")
    mode=(-seed=1 -runs="$runs")
    echo "fuzz: $target, $runs executions from seed 1"
  else
    corpus="$build/fuzz-corpus/$target"
    mkdir -p "$corpus"
    mode=(-max_total_time="$amount")
    echo "fuzz: $target for ${amount}s"
  fi
  started=$(date +%s)
  # Bounded memory is an invariant: libFuzzer fails an input that grows RSS or a single
  # allocation past these. -timeout fails an input that hangs.
  "$binary" "${mode[@]}" -max_len="$(max_len "$target")" -timeout=10 \
    -rss_limit_mb=1536 -malloc_limit_mb=256 -dict="$here/memcached.dict" \
    -artifact_prefix="$artifacts" -print_final_stats=1 \
    "$corpus" "$here/corpus/$target" >"$log" 2>&1
  rc=$?
  [ $smoke -eq 1 ] && rm -rf "$corpus"
  elapsed=$(( $(date +%s) - started ))  # less than planned when an input failed
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  printf '%s\t%s\t%s\t%s\t%s\trc=%s\n' "$(date -u +%FT%TZ)" "$target" "$elapsed" "${runs:-?}" "${cov:-?}" "$rc" \
    >>"$build/fuzz-runs.tsv"
  echo "fuzz: $target: ${runs:-?} executions in ${elapsed}s, ${cov:-?}, exit $rc"
  if [ $rc -ne 0 ]; then
    status=1
    echo "fuzz: $target FAILED; its log: $log" >&2
    grep -E "invariant failed|ERROR: |SUMMARY|Test unit written" "$log" | head -20 >&2
  fi
done
exit $status
