# Shared by the round scripts in this directory (jar-vs-jar.sh, rotating-rounds.sh); sourced, not run.

# jmh_score JAR REGEX CSV [JMH options]: runs one fork of the benchmark matching REGEX from JAR and
# prints its score in ops/s (the last row JMH writes to CSV: pin every parameter with -p).
jmh_score() {
  local jar=$1 regex=$2 csv=$3
  shift 3
  java -jar "$jar" "$regex" -f 1 "$@" -rf csv -rff "$csv" >/dev/null 2>&1
  tail -n 1 "$csv" | awk -F, '{gsub(/"/, "", $5); print $5}'
}

# summarize LABEL NOUN: reads one ratio per line and prints
# "LABEL over N NOUN: median …, geometric mean …, min …, max …".
summarize() {
  sort -n | awk -v label="$1" -v noun="$2" '
    { v[NR] = $1; s += log($1) }
    END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%s over %d %s: median %.3f, geometric mean %.3f, min %.3f, max %.3f\n",
        label, NR, noun, m, exp(s / NR), v[1], v[NR]
    }'
}
