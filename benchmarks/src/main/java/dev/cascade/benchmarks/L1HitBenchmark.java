package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.internal.TieredCache;
import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of an in-process (L1) hit through Cascade versus raw Caffeine, on the same keys in the same
 * run. Every cache holds the same {@code size} entries and every lookup hits: the key sequence is
 * precomputed over present keys only, and {@link Caches#verify()} fails the trial if any Cascade
 * lookup missed or any raw cache lost an entry.
 *
 * <ul>
 *   <li>{@code cascade*}: {@code Cache.builder(..).inMemory(m -> m.maximumSize(size)).build()};
 *       {@code cascadeTtl*} adds {@code .ttl(Duration.ofMinutes(10))}.
 *   <li>{@code tierGetIfPresent}: the {@link CaffeineTier} alone (no policy layer), to split the
 *       Cascade overhead into "tier" and "policy" parts.
 *   <li>{@code caffeine*}: raw {@code Caffeine.newBuilder().maximumSize(size).build()}.
 *   <li>{@code caffeineExpiry*}: raw Caffeine with variable expiry ({@code expireAfter}), as
 *       Cascade's tier uses per-entry expiry, which makes Caffeine read the clock on every hit.
 * </ul>
 *
 * <p>Defaults below are the full-length run; see {@code docs/benchmarks.md} for the short mode.
 * Throughput is the sum over all benchmark threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(2)
@Threads(2)
public class L1HitBenchmark {

  /** Never called while measuring: every lookup hits. Non-capturing, so no allocation per call. */
  private static final Function<Integer, String> LOADER = key -> "loaded-" + key;

  /** Power of two, so that the cursor wraps with a mask. */
  private static final int SEQUENCE_LENGTH = 1 << 16;

  private static final int MASK = SEQUENCE_LENGTH - 1;

  /** The caches under test and the shared, read-only key sequence. */
  @State(Scope.Benchmark)
  public static class Caches {

    /** Number of entries in each cache (and each cache's maximum size). */
    @Param({"10000"})
    public int size;

    /** {@code zipf}: scrambled Zipf (s = 0.99) over the present keys; {@code uniform}: uniform. */
    @Param({"zipf"})
    public String distribution;

    Integer[] keys;
    int[] indices;

    Cache<Integer, String> cascade;
    Cache<Integer, String> cascadeTtl;
    CaffeineTier<Integer, String> tier;
    com.github.benmanes.caffeine.cache.Cache<Integer, String> caffeine;
    com.github.benmanes.caffeine.cache.Cache<Integer, String> caffeineExpiry;

    @Setup(Level.Trial)
    public void setUp() {
      keys = new Integer[size];
      for (int i = 0; i < size; i++) {
        keys[i] = i; // one boxed instance per key, shared by every cache
      }
      indices = sequence(size, distribution, new SplittableRandom(42));

      cascade = Cache.<Integer, String>builder("bench").inMemory(m -> m.maximumSize(size)).build();
      cascadeTtl =
          Cache.<Integer, String>builder("bench-ttl")
              .inMemory(m -> m.maximumSize(size))
              .ttl(Duration.ofMinutes(10))
              .build();
      tier = CaffeineTier.<Integer, String>builder("l1").maximumSize(size).build();
      caffeine = Caffeine.newBuilder().maximumSize(size).build();
      caffeineExpiry =
          Caffeine.newBuilder().maximumSize(size).expireAfter(new FixedExpiry(Duration.ofMinutes(10))).build();

      for (int i = 0; i < size; i++) {
        Integer key = keys[i];
        String value = "value-" + i;
        cascade.put(key, value);
        cascadeTtl.put(key, value);
        tier.putLocal(key, new TierEntry<>(value, TierEntry.NO_EXPIRY, System.currentTimeMillis(), 0, Set.of()));
        caffeine.put(key, value);
        caffeineExpiry.put(key, value);
      }
      cleanUp(cascade);
      cleanUp(cascadeTtl);
      tier.cleanUp();
      caffeine.cleanUp();
      caffeineExpiry.cleanUp();
      verify();
    }

    /** Fails the trial if any lookup missed: the figures would not be hit costs. */
    @TearDown(Level.Trial)
    public void verify() {
      for (Cache<Integer, String> c : java.util.List.of(cascade, cascadeTtl)) {
        CacheStats stats = c.stats();
        if (stats.missCount() != 0 || stats.evictionCount() != 0) {
          throw new IllegalStateException(c.name() + " missed or evicted: " + stats);
        }
      }
      check("tier", tier.estimatedSize());
      check("caffeine", caffeine.estimatedSize());
      check("caffeineExpiry", caffeineExpiry.estimatedSize());
    }

    private void check(String what, long estimatedSize) {
      if (estimatedSize != size) {
        throw new IllegalStateException(what + " holds " + estimatedSize + " entries, expected " + size);
      }
    }

    private static void cleanUp(Cache<?, ?> cache) {
      if (cache instanceof TieredCache<?, ?> tiered) {
        LocalTier<?, ?> local = tiered.localTier();
        if (local instanceof CaffeineTier<?, ?> caffeineTier) {
          caffeineTier.cleanUp();
        }
      }
    }
  }

  /** Each benchmark thread's position in the shared key sequence. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      next = ThreadLocalRandom.current().nextInt(SEQUENCE_LENGTH); // threads do not walk in lockstep
    }

    Integer key(Caches caches) {
      return caches.keys[caches.indices[next++ & MASK]];
    }
  }

  // ---- Cascade ------------------------------------------------------------------------------

  @Benchmark
  public String cascadeGetIfPresent(Caches caches, Cursor cursor) {
    return caches.cascade.getIfPresent(cursor.key(caches));
  }

  @Benchmark
  public String cascadeGetWithLoader(Caches caches, Cursor cursor) {
    return caches.cascade.get(cursor.key(caches), LOADER);
  }

  @Benchmark
  public String cascadeTtlGetIfPresent(Caches caches, Cursor cursor) {
    return caches.cascadeTtl.getIfPresent(cursor.key(caches));
  }

  /** The in-process tier alone, without the policy layer (stats, null checks, dispatch). */
  @Benchmark
  public String tierGetIfPresent(Caches caches, Cursor cursor) {
    TierEntry<String> entry = caches.tier.getIfPresent(cursor.key(caches));
    return entry == null ? null : entry.value();
  }

  // ---- raw Caffeine -------------------------------------------------------------------------

  @Benchmark
  public String caffeineGetIfPresent(Caches caches, Cursor cursor) {
    return caches.caffeine.getIfPresent(cursor.key(caches));
  }

  @Benchmark
  public String caffeineGetWithLoader(Caches caches, Cursor cursor) {
    return caches.caffeine.get(cursor.key(caches), LOADER);
  }

  @Benchmark
  public String caffeineExpiryGetIfPresent(Caches caches, Cursor cursor) {
    return caches.caffeineExpiry.getIfPresent(cursor.key(caches));
  }

  // ---- key sequences ------------------------------------------------------------------------

  /** Returns {@link #SEQUENCE_LENGTH} indices into {@code [0, n)}. */
  static int[] sequence(int n, String distribution, SplittableRandom random) {
    int[] out = new int[SEQUENCE_LENGTH];
    switch (distribution) {
      case "uniform" -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = random.nextInt(n);
        }
      }
      case "zipf" -> {
        // Inverse-CDF sampling of ranks, then a fixed permutation of ranks to keys ("scrambled"),
        // so that hot keys are spread over the hash table instead of being 0, 1, 2, ...
        double[] cdf = new double[n];
        double sum = 0;
        for (int rank = 0; rank < n; rank++) {
          sum += 1 / Math.pow(rank + 1, 0.99);
          cdf[rank] = sum;
        }
        int[] keyOfRank = new int[n];
        for (int i = 0; i < n; i++) {
          keyOfRank[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
          int j = random.nextInt(i + 1);
          int t = keyOfRank[i];
          keyOfRank[i] = keyOfRank[j];
          keyOfRank[j] = t;
        }
        for (int i = 0; i < out.length; i++) {
          double u = random.nextDouble() * sum;
          int rank = java.util.Arrays.binarySearch(cdf, u);
          rank = rank >= 0 ? rank : Math.min(-rank - 1, n - 1);
          out[i] = keyOfRank[rank];
        }
      }
      default -> throw new IllegalArgumentException("distribution must be zipf or uniform, was " + distribution);
    }
    return out;
  }

  /** A fixed lifetime from creation or update; reads keep the current duration (like Cascade's tier). */
  static final class FixedExpiry implements Expiry<Integer, String> {
    private final long nanos;

    FixedExpiry(Duration lifetime) {
      this.nanos = lifetime.toNanos();
    }

    @Override
    public long expireAfterCreate(Integer key, String value, long currentTime) {
      return nanos;
    }

    @Override
    public long expireAfterUpdate(Integer key, String value, long currentTime, long currentDuration) {
      return nanos;
    }

    @Override
    public long expireAfterRead(Integer key, String value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
