#!/usr/bin/env bash
# Paired rounds of one JMH benchmark built from two versions of the code: each round runs one fork
# from each jar back to back (alternating which goes first) and prints NEW/OLD; the last line gives
# the median and geometric mean of the rounds' ratios. Use it to check that a change keeps a figure.
#
#   benchmarks/jar-vs-jar.sh ROUNDS OLD_JAR NEW_JAR BENCHMARK_REGEX [JMH options for each fork]
#
# e.g. benchmarks/jar-vs-jar.sh 8 /tmp/old.jar benchmarks/target/cascade-benchmarks.jar \
#        'L1HitBenchmark.cascadeGetIfPresent$' -wi 3 -w 2s -i 3 -r 2s -t 2 -p distribution=zipf
#      (pin every parameter with -p: the score read is the last row JMH writes)
set -euo pipefail
rounds=$1 old=$2 new=$3 regex=$4
shift 4
source "$(dirname "$0")/rounds-lib.sh"
score() { # JAR [JMH options]: prints the benchmark's score in ops/s
  local jar=$1
  shift
  jmh_score "$jar" "$regex" /tmp/jar-vs-jar.csv "$@"
}
ratios=()
for ((round = 1; round <= rounds; round++)); do
  if ((round % 2 == 1)); then
    o=$(score "$old" "$@"); n=$(score "$new" "$@")
  else
    n=$(score "$new" "$@"); o=$(score "$old" "$@")
  fi
  r=$(awk -v n="$n" -v o="$o" 'BEGIN { printf "%.3f", n / o }')
  ratios+=("$r")
  printf 'round %d: old %.0f ops/s, new %.0f ops/s, new/old %s\n' "$round" "$o" "$n" "$r"
done
printf '%s\n' "${ratios[@]}" | summarize "$regex new/old" "paired rounds"
