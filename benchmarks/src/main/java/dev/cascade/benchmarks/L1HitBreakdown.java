package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Cache;
import dev.cascade.cache.internal.HitCounter;
import dev.cascade.cache.internal.TieredCache;
import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import java.util.Objects;
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
 *   <li>{@link #withHitCounter}: plus a {@link HitCounter} increment per hit.
 *   <li>{@link #tier} and {@link #tierWithHitCounter}: the {@link CaffeineTier} itself, without the
 *       cache's policy layer.
 *   <li>{@link #cacheTierWithHitCounter}: the same calls on the tier of a cache built by {@code
 *       Cache.builder} and filled through the cache; {@link #cacheTierWithHitCounterAfterGc} with a
 *       full GC after the fill, and {@link #cacheAfterGc}: {@code Cache.getIfPresent} on such a
 *       cache.
 *   <li>{@link #cursorOnly}, {@link #hitCounterOnly}, {@link #longAdderOnly}: no cache at all, to
 *       read off what one counter increment costs.
 * </ul>
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

  @State(Scope.Benchmark)
  public static class HeldCaffeine {
    com.github.benmanes.caffeine.cache.Cache<Integer, TierEntry<String>> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache = Caffeine.newBuilder().maximumSize(keys.size).build();
      L1HitBenchmark.fill(cache, keys, i -> L1HitBenchmark.entry(HitKeys.valueOf(i)));
    }
  }

  /** Counters of the benchmark's own, incremented as the cache increments its hit counter. */
  @State(Scope.Benchmark)
  public static class Counters {
    final HitCounter hits = new HitCounter();
    final LongAdder adder = new LongAdder();
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
  public String withHitCounter(RawCaffeine c, Counters counters, HitKeys keys, HitCursor cursor) {
    String value = c.cache.getIfPresent(cursor.next(keys));
    if (value != null) {
      counters.hits.increment();
    }
    return value;
  }

  @Benchmark
  public Object tier(L1HitBenchmark.Tier t, HitKeys keys, HitCursor cursor) {
    return t.tier.getValueIfPresent(cursor.next(keys));
  }

  @Benchmark
  public Object tierWithHitCounter(L1HitBenchmark.Tier t, Counters counters, HitKeys keys, HitCursor cursor) {
    return countedLookup(t.tier, counters.hits, cursor.next(keys));
  }

  /** A cache built by {@code Cache.builder} and filled through it, and its in-process tier. */
  abstract static class CacheFields {
    Cache<Integer, String> cache;
    LocalTier<Integer, String> tier;

    void fill(HitKeys keys) {
      cache = Cache.<Integer, String>builder("bench").inMemory(m -> m.maximumSize(keys.size)).build();
      L1HitBenchmark.fillCascade(cache, keys);
      tier = Objects.requireNonNull(((TieredCache<Integer, String>) cache).localTier(), "local tier");
    }
  }

  // The two states below do not extend one another: JMH would run an overridden @Setup once per
  // declaration.

  @State(Scope.Benchmark)
  public static class FilledCache extends CacheFields {
    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      fill(keys);
    }
  }

  /** {@link FilledCache}, then a full GC, which compacts what the fill through the cache left. */
  @State(Scope.Benchmark)
  public static class FilledCacheAfterGc extends CacheFields {
    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      fill(keys);
      System.gc();
    }
  }

  @Benchmark
  public Object cacheTierWithHitCounter(FilledCache t, Counters counters, HitKeys keys, HitCursor cursor) {
    return countedLookup(t.tier, counters.hits, cursor.next(keys));
  }

  @Benchmark
  public Object cacheTierWithHitCounterAfterGc(
      FilledCacheAfterGc t, Counters counters, HitKeys keys, HitCursor cursor) {
    return countedLookup(t.tier, counters.hits, cursor.next(keys));
  }

  @Benchmark
  public String cacheAfterGc(FilledCacheAfterGc c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  /** A tier lookup and a hit count, as the cache's hit path makes them. */
  static Object countedLookup(LocalTier<Integer, String> tier, HitCounter hits, Integer key) {
    Object value = tier.getValueIfPresent(key);
    if (value != null) {
      hits.increment();
    }
    return value;
  }

  @Benchmark
  public Object cursorOnly(HitKeys keys, HitCursor cursor) {
    return cursor.next(keys);
  }

  @Benchmark
  public Object hitCounterOnly(Counters counters, HitKeys keys, HitCursor cursor) {
    counters.hits.increment();
    return cursor.next(keys);
  }

  @Benchmark
  public Object longAdderOnly(Counters counters, HitKeys keys, HitCursor cursor) {
    counters.adder.increment();
    return cursor.next(keys);
  }
}
