package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory that does not grow with the keys a cache has seen: a layered cache over Redis (L1 of 10 000
 * entries, the invalidation channel) takes 1 000 000 distinct keys, each put with two tags and then
 * read, and the heap this JVM holds after a full GC is the same, within a bound, after 100 000 keys
 * and after 1 000 000: the L1, its tag index and key aliases, the epochs, the flights and the
 * channel's state are bounded by the L1's size, not by the keys seen. The figures go to the log and
 * docs/operations.md.
 */
class BoundedMemoryIT {
  private static final int L1_SIZE = 10_000;
  /**
   * What a full cache may hold, at most: 2 KiB per L1 entry (the entry, its key alias, its two tags'
   * index links, the values' strings), with the backend's connections and channel besides.
   */
  private static final long FULL_BOUND_BYTES = L1_SIZE * 2048L;
  /** What 900 000 more keys may add, at most: noise of a full GC's measure, far below 1 byte per key. */
  private static final long GROWTH_BOUND_BYTES = 4L * 1024 * 1024;

  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  @Test
  void millionDistinctTaggedKeys_heapAfterGcDoesNotGrowWithTheKeysSeen() throws Exception {
    long empty = heapAfterGc();
    try (Cache<String, String> cache =
        Cache.<String, String>builder("bounded")
            .inMemory(m -> m.maximumSize(L1_SIZE))
            .tier(redis.store())
            .valueCodec(StringCodec.create())
            .invalidation(redis.newChannel(RedisTests.RELAXED_TIMEOUT))
            .build()) {
      run(cache, 0, 100_000);
      long after100k = heapAfterGc();
      run(cache, 100_000, 1_000_000);
      long after1m = heapAfterGc();

      System.out.printf(
          "BoundedMemoryIT: heap after GC: empty %,d B; after 100 000 keys %,d B (+%,d); after 1 000 000 keys %,d B (+%,d more); L1 %,d entries%n",
          empty, after100k, after100k - empty, after1m, after1m - after100k, cache.inspect().localSize());
      assertThat(cache.inspect().localSize()).isLessThanOrEqualTo(L1_SIZE);
      assertThat(after100k - empty).as("heap held with a full L1 (bytes)").isLessThan(FULL_BOUND_BYTES);
      assertThat(after1m - after100k).as("heap growth over the last 900 000 keys (bytes)").isLessThan(GROWTH_BOUND_BYTES);
    }
  }

  /** Puts keys {@code from} to {@code to}, each with a tag of its own and one of 1 000 shared ones, and reads each once. */
  private static void run(Cache<String, String> cache, int from, int to) {
    Semaphore inFlight = new Semaphore(256);
    List<CompletableFuture<?>> tail = new ArrayList<>();
    for (int i = from; i < to; i++) {
      inFlight.acquireUninterruptibly();
      String key = "key-" + i;
      CompletableFuture<?> put =
          cache.async()
              .put(key, "value-" + i, Duration.ofMinutes(10), "item:" + i, "group:" + (i % 1_000))
              .thenCompose(done -> cache.async().get(key, k -> CompletableFuture.completedFuture("reloaded")))
              .whenComplete((value, error) -> inFlight.release());
      if (i >= to - 256) {
        tail.add(put);
      }
    }
    CompletableFuture.allOf(tail.toArray(CompletableFuture[]::new)).join();
    inFlight.acquireUninterruptibly(256); // every call has ended
    inFlight.release(256);
  }

  private static long heapAfterGc() {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) { // the least of three full collections' results
      System.gc();
      used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
