package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Cache;
import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Where the cost of a Cascade L1 hit over a raw Caffeine hit goes: raw Caffeine plus one of
 * Cascade's ingredients at a time, each to be compared with {@link #raw} by {@code PairedRatio}
 * (see {@code docs/benchmarks.md}). Same keys and lookup sequence as {@link L1HitBenchmark}.
 *
 * <ul>
 *   <li>{@link #withEvictionListener}: Caffeine built with an eviction listener, as {@link
 *       CaffeineTier} is.
 *   <li>{@link #withHolder}: every value stored in a {@link TierEntry} holder, as Cascade stored
 *       every entry before plain entries were stored bare.
 *   <li>{@link #withHolderCheck}: bare values, plus the {@code instanceof} check that tells a
 *       holder from a bare value.
 *   <li>{@link #tier}: the {@link CaffeineTier} itself, without the cache's policy layer.
 *   <li>{@link #cacheAfterGc}: {@code Cache.getIfPresent} on a cache built by {@code Cache.builder},
 *       filled through the cache, after a full GC.
 *   <li>{@link #cursorOnly}, {@link #longAdderOnly}: no cache at all, to read off what one counter
 *       increment costs.
 * </ul>
 *
 * <p>The rows that measured the engine's own hit counter on its own (and on the tier of a cache)
 * went with the engine split: the counter and the cache's tier are internal, out of reach of any
 * code outside core by design. docs/benchmarks.md keeps their last figures.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(2)
public class L1HitBreakdown {

  /** A holder type of the benchmark's own: never stored, so the check always fails, as in Cascade. */
  static final class Holder {
    final Object value;

    Holder(Object value) {
      this.value = value;
    }
  }

  @State(Scope.Benchmark)
  public static class RawCaffeine {
    com.github.benmanes.caffeine.cache.Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache = Caffeine.newBuilder().maximumSize(keys.size).build();
      L1HitBenchmark.fillRaw(cache, keys);
    }
  }

  @State(Scope.Benchmark)
  public static class ListenedCaffeine {
    com.github.benmanes.caffeine.cache.Cache<Integer, String> cache;
    final LongAdder evictions = new LongAdder();

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache =
          Caffeine.newBuilder()
              .maximumSize(keys.size)
              .<Integer, String>evictionListener(
                  (key, value, cause) -> {
                    if (cause.wasEvicted()) {
                      evictions.increment();
                    }
                  })
              .build();
      L1HitBenchmark.fillRaw(cache, keys);
    }
  }

  /** A counter of the benchmark's own, to read off what one increment costs. */
  @State(Scope.Benchmark)
  public static class Counters {
    final LongAdder adder = new LongAdder();
  }

  @State(Scope.Benchmark)
  public static class HeldCaffeine {
    com.github.benmanes.caffeine.cache.Cache<Integer, TierEntry<String>> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache = Caffeine.newBuilder().maximumSize(keys.size).build();
      L1HitBenchmark.fill(cache, keys, i -> L1HitBenchmark.entry(HitKeys.valueOf(i)));
    }
  }

  @Benchmark
  public String raw(RawCaffeine c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String withEvictionListener(ListenedCaffeine c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String withHolder(HeldCaffeine c, HitKeys keys, HitCursor cursor) {
    TierEntry<String> entry = c.cache.getIfPresent(cursor.next(keys));
    if (entry == null || entry.expiresAtMillis() != TierEntry.NO_EXPIRY) {
      return null;
    }
    return entry.value();
  }

  @Benchmark
  public String withHolderCheck(RawCaffeine c, HitKeys keys, HitCursor cursor) {
    Object stored = c.cache.getIfPresent(cursor.next(keys));
    return stored instanceof Holder holder ? (String) holder.value : (String) stored;
  }

  @Benchmark
  public Object tier(L1HitBenchmark.Tier t, HitKeys keys, HitCursor cursor) {
    return t.tier.getValueIfPresent(cursor.next(keys));
  }

  /** A cache built by {@code Cache.builder} and filled through it, then a full GC. */
  @State(Scope.Benchmark)
  public static class FilledCacheAfterGc {
    Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache = Cache.<Integer, String>builder("bench").inMemory(m -> m.maximumSize(keys.size)).build();
      L1HitBenchmark.fillCascade(cache, keys);
      System.gc();
    }
  }

  @Benchmark
  public String cacheAfterGc(FilledCacheAfterGc c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public Object cursorOnly(HitKeys keys, HitCursor cursor) {
    return cursor.next(keys);
  }

  @Benchmark
  public Object longAdderOnly(Counters counters, HitKeys keys, HitCursor cursor) {
    counters.adder.increment();
    return cursor.next(keys);
  }
}
