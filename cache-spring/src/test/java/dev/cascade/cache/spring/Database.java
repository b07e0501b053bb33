package dev.cascade.cache.spring;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The system of record behind {@link CachedService}: counts every call by name, so tests can tell
 * how often a cached method really ran. One instance is shared by every application context of a
 * test (the service instances share one database). Ids starting with {@code missing} have no row.
 */
final class Database {
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final Map<String, String> rows = new ConcurrentHashMap<>();
  volatile Duration latency = Duration.ZERO;

  String read(String counter, String id) {
    count(counter);
    pause();
    if (id.startsWith("missing")) {
      return null;
    }
    return rows.getOrDefault(id, "v:" + id);
  }

  void write(String id, String value) {
    count("write");
    rows.put(id, value);
  }

  void count(String counter) {
    calls.computeIfAbsent(counter, c -> new AtomicInteger()).incrementAndGet();
  }

  int calls(String counter) {
    AtomicInteger count = calls.get(counter);
    return count == null ? 0 : count.get();
  }

  /** A slow query (a stand-in for the database's own latency), not a means of synchronisation. */
  private void pause() {
    if (!latency.isZero()) {
      try {
        Thread.sleep(latency.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
