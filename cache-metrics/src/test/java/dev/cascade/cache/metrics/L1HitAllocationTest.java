package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The metered in-process hit path allocates nothing per hit: over many hits, the metered cache
 * allocates no more than the same cache without metrics, by the JVM's per-thread allocation counter
 * (bytes, not time).
 */
class L1HitAllocationTest {
  private static final int KEYS = 1_000;
  private static final int HITS = 200_000;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final Integer[] keys = new Integer[KEYS];

  L1HitAllocationTest() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = i;
    }
  }

  private Cache<Integer, String> filled(boolean metered) {
    var builder = Cache.<Integer, String>builder("alloc").inMemory(m -> m.maximumSize(10_000));
    if (metered) {
      builder.eventListener(CacheMetrics.listener(new SimpleMeterRegistry()));
    }
    Cache<Integer, String> cache = builder.build();
    for (Integer key : keys) {
      cache.put(key, "v" + key);
    }
    return cache;
  }

  /** Returns the bytes this thread allocated while making {@link #HITS} hits. */
  private long bytesForHits(Cache<Integer, String> cache) {
    int found = 0;
    for (int round = 0; round < 3; round++) { // warm-up: let the JIT compile the hit path
      found += hits(cache);
    }
    long tid = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(tid);
    found += hits(cache);
    long after = threads.getThreadAllocatedBytes(tid);
    assertThat(found).isEqualTo(4 * HITS);
    return after - before;
  }

  private int hits(Cache<Integer, String> cache) {
    int found = 0;
    for (int i = 0; i < HITS; i++) {
      if (cache.getIfPresent(keys[i % KEYS]) != null) {
        found++;
      }
    }
    return found;
  }

  @Test
  void getIfPresent_meteredHit_allocatesNoMoreThanUnmetered() {
    long plain = bytesForHits(filled(false));
    long metered = bytesForHits(filled(true));

    // Under 1/50 of a byte per hit above the plain cache: nothing is allocated per hit.
    assertThat(metered).isLessThanOrEqualTo(plain + HITS / 50);
  }
}
