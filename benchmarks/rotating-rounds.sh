#!/usr/bin/env bash
# Rounds of several JMH benchmarks from one jar: each round runs one fork of every benchmark, the
# order rotated by one each round, and prints every fork's score and each benchmark's ratio to the
# LAST one named (the baseline) in that round; the last lines give, per benchmark, the median and
# geometric mean of its ratios. It is PairedRatio for more than two benchmarks: every ratio of a
# round comes from forks run back to back, so that two benchmarks compared with the same baseline
# are compared in the same rounds. Scoring and the summary line are rounds-lib.sh's, as jar-vs-jar.sh's are.
#
#   benchmarks/rotating-rounds.sh ROUNDS JAR REGEX... BASELINE_REGEX -- [JMH options for each fork]
#
# e.g. benchmarks/rotating-rounds.sh 30 benchmarks/target/cascade-benchmarks.jar \
#        'L1HitBenchmark.cascadeGetIfPresent$' 'L1HitBenchmark.caffeineShippedCountGetIfPresent$' \
#        'L1HitBenchmark.caffeineGetIfPresent$' -- -wi 3 -w 2s -i 3 -r 2s -t 2 -p distribution=uniform
#      (pin every parameter with -p: the score read is the last row JMH writes)
set -euo pipefail
rounds=$1 jar=$2
shift 2
regexes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  regexes+=("$1")
  shift
done
[ $# -gt 0 ] && shift # the --
n=${#regexes[@]}
if ((n < 2)); then
  echo "usage: rotating-rounds.sh ROUNDS JAR REGEX... BASELINE_REGEX -- [JMH options]" >&2
  exit 2
fi
csv=$(mktemp)
trap 'rm -f "$csv"' EXIT
source "$(dirname "$0")/rounds-lib.sh"
score() { # REGEX [JMH options]: prints the benchmark's score in ops/s
  local regex=$1
  shift
  jmh_score "$jar" "$regex" "$csv" "$@"
}
declare -A ratios
for ((round = 1; round <= rounds; round++)); do
  declare -A scores=()
  for ((i = 0; i < n; i++)); do
    b=$(((i + round - 1) % n))
    scores[$b]=$(score "${regexes[$b]}" "$@")
  done
  line="round $round:"
  for ((b = 0; b < n; b++)); do
    line+=$(printf ' %.0f' "${scores[$b]}")
  done
  base=${scores[$((n - 1))]}
  for ((b = 0; b < n - 1; b++)); do
    r=$(awk -v s="${scores[$b]}" -v o="$base" 'BEGIN { printf "%.3f", s / o }')
    ratios[$b]+="$r "
    line+=" | ${regexes[$b]} / baseline $r"
  done
  echo "$line"
done
for ((b = 0; b < n - 1; b++)); do
  printf '%s\n' ${ratios[$b]} | summarize "${regexes[$b]} / ${regexes[$((n - 1))]}" rounds
done
