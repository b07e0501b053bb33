package dev.cascade.cache.redis;

/**
 * One line of a fault run's history: an operation of a cache instance, a loader call, or a fault
 * the nemesis injected ({@code instance} -1). {@code key} is a key, a tag, a comma-separated key
 * list or {@code *}; {@code value} the value written or read ({@code -} for none; for {@code
 * getAll}, {@code key=value} pairs); {@code start} and {@code end} wall-clock microseconds;
 * {@code outcome} {@code ok} or {@code err:<exception class>}.
 */
record HistoryEvent(int instance, String kind, String key, String value, long start, long end, String outcome) {

  String line() {
    return String.join("\t", Integer.toString(instance), kind, key, value, Long.toString(start), Long.toString(end), outcome);
  }

  static HistoryEvent parse(String line) {
    String[] f = line.split("\t", -1);
    if (f.length != 7) {
      throw new IllegalArgumentException("not a history line: " + line);
    }
    return new HistoryEvent(Integer.parseInt(f[0]), f[1], f[2], f[3], Long.parseLong(f[4]), Long.parseLong(f[5]), f[6]);
  }

  boolean ok() {
    return outcome.equals("ok");
  }

  @Override
  public String toString() {
    return (instance < 0 ? "nemesis" : "i" + instance) + " " + kind + " " + key + " " + value + " [" + start + ", " + end + "] "
        + outcome;
  }
}
