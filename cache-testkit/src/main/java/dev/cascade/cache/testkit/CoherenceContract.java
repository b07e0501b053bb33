package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cascade.cache.Cache;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Cross-instance coherence of layered caches: three independent instances of one cache, each with
 * its own in-process tier, share a remote tier and an invalidation channel. After a write or
 * invalidation returns on one instance, no other instance serves the old value.
 *
 * <p>A backend extends this class and supplies {@link #newInstance}: a new instance (new
 * in-process tier, new channel end) of the cache named {@code name} over the shared remote tier.
 * {@link #iterations()} sets the number of racing rounds per operation.
 *
 * <p>Each test first checks that B and C serve the key from their in-process tiers right before A
 * writes or invalidates it, so that an implementation whose in-process tier never fills (and so
 * never goes stale) cannot pass by having nothing to drop. A read is known to come from the
 * in-process tier when it returns the very object of the read before it: a remote tier decodes a
 * new object on every read. A flush of a whole in-process tier (the channel's loss detection) may
 * excuse one such read.
 */
public abstract class CoherenceContract {
  private static final int KEYS = 64;

  private final List<Cache<String, String>> built = new ArrayList<>();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** Returns a new instance of cache {@code name}; every instance shares the remote tier. */
  protected abstract Cache<String, String> newInstance(String name);

  /**
   * Returns the number of rounds per operation: the system property {@code
   * cascade.coherence.iterations} if set, else 10 000.
   */
  protected int iterations() {
    return Integer.getInteger("cascade.coherence.iterations", 10_000);
  }

  /** Called with each propagation-free round's timing; backends may report them. */
  protected void report(String operation, Latencies latencies) {}

  @AfterEach
  final void closeInstances() {
    built.forEach(Cache::close);
  }

  private List<Cache<String, String>> instances(String base) {
    String name = base + "-" + run;
    List<Cache<String, String>> three = List.of(newInstance(name), newInstance(name), newInstance(name));
    built.addAll(three);
    return three;
  }

  @Test
  void put_onA_isSeenByBAndC_atOnce() {
    List<Cache<String, String>> caches = instances("put");
    Cache<String, String> a = caches.get(0);
    Latencies latencies = new Latencies();
    int stale = 0;
    int notFromL1 = 0;
    for (int i = 0; i < iterations(); i++) {
      String key = "k" + (i % KEYS);
      a.getIfPresent(key);
      for (Cache<String, String> reader : caches.subList(1, 3)) {
        // every instance holds the current value in its L1 (once the key was written)
        if (!servedFromL1(reader, key) && i >= KEYS) {
          notFromL1++;
        }
      }
      String value = "v" + i;
      long start = System.nanoTime();
      a.put(key, value);
      latencies.record(System.nanoTime() - start);
      for (Cache<String, String> reader : caches.subList(1, 3)) {
        if (!value.equals(reader.getIfPresent(key))) {
          stale++;
        }
      }
    }
    report("put", latencies);
    assertServedFromL1(caches, notFromL1);
    assertThat(stale).as("stale reads after put").isZero();
  }

  @Test
  void invalidate_onA_isSeenByBAndC_atOnce() {
    List<Cache<String, String>> caches = instances("invalidate");
    Cache<String, String> a = caches.get(0);
    Latencies latencies = new Latencies();
    int stale = 0;
    int notFromL1 = 0;
    for (int i = 0; i < iterations(); i++) {
      String key = "k" + (i % KEYS);
      a.put(key, "v" + i);
      for (Cache<String, String> reader : caches.subList(1, 3)) {
        if (!servedFromL1(reader, key)) {
          notFromL1++;
        }
      }
      long start = System.nanoTime();
      a.invalidate(key);
      latencies.record(System.nanoTime() - start);
      for (Cache<String, String> reader : caches.subList(1, 3)) {
        if (reader.getIfPresent(key) != null) {
          stale++;
        }
      }
    }
    report("invalidate", latencies);
    assertServedFromL1(caches, notFromL1);
    assertThat(stale).as("stale reads after invalidate").isZero();
  }

  @Test
  void invalidateTag_onA_isSeenByBAndC_atOnce() {
    List<Cache<String, String>> caches = instances("tag");
    Cache<String, String> a = caches.get(0);
    Latencies latencies = new Latencies();
    int stale = 0;
    int notFromL1 = 0;
    for (int i = 0; i < iterations(); i++) {
      String key = "k" + (i % KEYS);
      String tag = "t" + (i % 8);
      a.put(key, "v" + i, Duration.ofMinutes(5), tag);
      for (Cache<String, String> reader : caches.subList(1, 3)) {
        if (!servedFromL1(reader, key)) {
          notFromL1++;
        }
      }
      long start = System.nanoTime();
      a.invalidateTag(tag);
      latencies.record(System.nanoTime() - start);
      for (Cache<String, String> reader : caches.subList(1, 3)) {
        if (reader.getIfPresent(key) != null) {
          stale++;
        }
      }
    }
    report("invalidateTag", latencies);
    assertServedFromL1(caches, notFromL1);
    assertThat(stale).as("stale reads after invalidateTag").isZero();
  }
  @Test
  void write_onA_isSeenByBAndC_whenItReturns_aFailedWriteChangesNothing() {
    List<Cache<String, String>> caches = instances("write");
    Cache<String, String> a = caches.get(0);
    Map<String, String> database = new ConcurrentHashMap<>();
    int rounds = Math.min(iterations(), 1_000);
    int notFromL1 = 0;
    for (int i = 0; i < rounds; i++) {
      String key = "k" + (i % KEYS);
      String before = a.getIfPresent(key);
      for (Cache<String, String> reader : caches.subList(1, 3)) {
        if (i >= KEYS && !servedFromL1(reader, key)) {
          notFromL1++;
        }
      }
      // a write the database refuses changes nothing anywhere
      Throwable refused = catchThrowable(() -> a.write(key, "refused", (k, v) -> {
        throw new IllegalStateException("database down");
      }));
      assertThat(refused).hasMessage("database down");
      for (Cache<String, String> reader : caches) {
        assertThat(reader.getIfPresent(key)).as("after a refused write, round %d", i).isEqualTo(before);
      }
      String value = "w" + i;
      a.write(key, value, database::put);
      assertThat(database).containsEntry(key, value);
      for (Cache<String, String> reader : caches) {
        assertThat(reader.getIfPresent(key)).as("after the write, round %d", i).isEqualTo(value);
      }
    }
    assertServedFromL1(caches, notFromL1);
  }


  /**
   * Reads {@code key} on {@code reader} twice; returns whether it is present and the second read
   * came from the reader's in-process tier. The first read comes from the in-process tier, or from
   * the remote tier and fills the in-process tier on its way back; either way the in-process tier
   * then holds the very object returned, while a remote read would decode a new one.
   */
  @SuppressWarnings("ReferenceEquality") // identity tells an in-process copy from a decoded one
  private static boolean servedFromL1(Cache<String, String> reader, String key) {
    String first = reader.getIfPresent(key);
    return first != null && reader.getIfPresent(key) == first;
  }

  /**
   * Asserts that B and C served their reads from their in-process tiers before each write, but for
   * as many reads as they flushed their in-process tiers.
   */
  private static void assertServedFromL1(List<Cache<String, String>> caches, int notFromL1) {
    long flushes = caches.get(1).stats().localFlushCount() + caches.get(2).stats().localFlushCount();
    assertThat(notFromL1)
        .as("reads on B and C, right before A's write, that did not come from their in-process tiers")
        .isLessThanOrEqualTo((int) Math.min(flushes, Integer.MAX_VALUE));
  }

  /** Durations of the writes, which include the channel's propagation; nanoseconds. */
  public static final class Latencies {
    private final List<Long> samples = new ArrayList<>();

    void record(long nanos) {
      samples.add(nanos);
    }

    /** Returns the {@code q}-quantile (0..1) in microseconds. */
    public double quantileMicros(double q) {
      List<Long> sorted = new ArrayList<>(samples);
      sorted.sort(null);
      return sorted.isEmpty() ? 0 : sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size()))) / 1_000.0;
    }

    @Override
    public String toString() {
      return String.format("p50 %.0f us, p99 %.0f us over %d writes", quantileMicros(0.5), quantileMicros(0.99), samples.size());
    }
  }
}
