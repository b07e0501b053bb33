package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An in-process hit allocates nothing, with and without the metrics listener: over a million hits
 * after warm-up, the JVM's allocation counter of the calling thread (bytes, not time) moves by no
 * more than a small constant that does not grow with the number of hits. Even one 16-byte object per
 * thousand hits would be 16 KB, far above the allowance.
 *
 * <p>The keys are boxed once, before measuring, and every value is already cached, so nothing in the
 * test itself allocates per hit. The warm-up runs the hit path enough times for the JIT to compile
 * it: interpreted code allocates what compiled code does not (escape analysis). On a loaded machine
 * the compiler may still be behind after it, so up to {@link #MAX_ROUNDS} million-hit rounds are
 * measured and the least is asserted on: an allocation per hit shows in every round.
 */
class L1HitAllocationTest {
  private static final int KEYS = 1_000;
  private static final int WARM_UP_ROUNDS = 20;
  private static final int HITS = 1_000_000;
  private static final int MAX_ROUNDS = 5;
  /** Bytes the measurement itself may cost, whatever the number of hits. */
  private static final long ALLOWANCE = 1_024;

  private final com.sun.management.ThreadMXBean threads =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
  private final Integer[] keys = new Integer[KEYS];
  private final String[] values = new String[KEYS];

  L1HitAllocationTest() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = 1_000 + i; // outside Integer's cache of small values: a key boxed per call would show
      values[i] = "v" + i;
    }
  }

  @BeforeEach
  void enableAllocationCounting() {
    assertThat(threads.isThreadAllocatedMemorySupported())
        .as("this JVM cannot count allocated bytes per thread")
        .isTrue();
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  private Cache<Integer, String> filled(CacheBuilder<Integer, String> builder) {
    Cache<Integer, String> cache = builder.build();
    for (int i = 0; i < KEYS; i++) {
      cache.put(keys[i], values[i]);
    }
    return cache;
  }

  private static CacheBuilder<Integer, String> builder(String name) {
    return Cache.<Integer, String>builder(name).inMemory(m -> m.maximumSize(10_000));
  }

  /** The least bytes this thread allocated in one round of {@link #HITS} hits, and all hits made. */
  private record Measured(long leastBytes, long hits) {}

  /**
   * Measures rounds of {@link #HITS} hits on {@code cache}, after the warm-up, until one allocates no
   * more than {@link #ALLOWANCE} or {@link #MAX_ROUNDS} have run.
   */
  private Measured bytesPerMillionHits(Cache<Integer, String> cache) {
    long found = 0;
    for (int round = 0; round < WARM_UP_ROUNDS; round++) { // 200k hits: let the JIT compile the hit path
      found += hits(cache, HITS / 100);
    }
    long least = Long.MAX_VALUE;
    int rounds = 0;
    while (rounds < MAX_ROUNDS && least > ALLOWANCE) {
      long before = threads.getCurrentThreadAllocatedBytes();
      found += hits(cache, HITS);
      long after = threads.getCurrentThreadAllocatedBytes();
      least = Math.min(least, after - before);
      rounds++;
    }
    assertThat(found).isEqualTo(WARM_UP_ROUNDS * (HITS / 100) + (long) rounds * HITS); // every lookup was a hit
    return new Measured(least, found);
  }

  private long hits(Cache<Integer, String> cache, int count) {
    long found = 0;
    for (int i = 0; i < count; i++) {
      if (cache.getIfPresent(keys[i % KEYS]) != null) {
        found++;
      }
    }
    return found;
  }

  @Test
  void getIfPresent_plainCacheHit_allocatesNothing() {
    Cache<Integer, String> cache = filled(builder("plain"));

    assertThat(bytesPerMillionHits(cache).leastBytes()).isLessThanOrEqualTo(ALLOWANCE);
  }

  @Test
  void getIfPresent_meteredCacheHit_allocatesNothing() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Cache<Integer, String> cache =
        CacheMetrics.monitor(
            filled(builder("metered").eventListener(CacheMetrics.listener(registry))), registry);

    Measured measured = bytesPerMillionHits(cache);
    assertThat(measured.leastBytes()).isLessThanOrEqualTo(ALLOWANCE);
    // the hits were counted, by the meters that read the cache's own counts
    assertThat(new Meters(registry).count(CacheMeterNames.GETS, "cache", "metered.l1", "result", "hit"))
        .isEqualTo(measured.hits());
  }
}
