package dev.cascade.examples;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Stands in for a real database: every query takes {@code latency} (a sleep, so it costs no CPU)
 * and is counted, so the demo can show how many queries a cache saves. Any id {@code >= 1} names a
 * product. Thread-safe.
 */
final class SlowDatabase {
  private final Duration latency;
  private final AtomicLong queries = new AtomicLong();

  SlowDatabase(Duration latency) {
    this.latency = latency;
  }

  /**
   * Returns product {@code id} after one (slow) query.
   *
   * @throws IllegalArgumentException if {@code id} is less than 1
   * @throws IllegalStateException if the calling thread is interrupted while the query runs
   */
  Product findProduct(long id) {
    if (id < 1) {
      throw new IllegalArgumentException("product ids start at 1, was " + id);
    }
    queries.incrementAndGet();
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while querying product " + id, e);
    }
    return new Product(id, "Product #" + id, 199 + Math.floorMod(id * 7_919, 20_000));
  }

  /** Returns the products of {@code ids} after one (slow) query for all of them. */
  java.util.Map<Long, Product> findProducts(java.util.Set<? extends Long> ids) {
    queries.incrementAndGet();
    try {
      Thread.sleep(latency.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while querying products " + ids, e);
    }
    java.util.Map<Long, Product> rows = new java.util.HashMap<>();
    for (long id : ids) {
      if (id >= 1) {
        rows.put(id, new Product(id, "Product #" + id, 199 + Math.floorMod(id * 7_919, 20_000)));
      }
    }
    return rows;
  }

  /** Returns the number of queries answered so far. */
  long queryCount() {
    return queries.get();
  }

  /** Returns how long each query takes. */
  Duration latency() {
    return latency;
  }
}
