package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Cache;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.internal.CacheSettings;
import dev.cascade.cache.internal.StatsCounter;
import dev.cascade.cache.internal.TieredCache;
import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostics for {@link L1HitBenchmark}: which trait of the in-process tier's Caffeine configuration
 * costs what on a hit. Same keys and lookup sequence ({@link HitKeys}) as {@code L1HitBenchmark},
 * whose {@code caffeineExpiryGetIfPresent} and {@code tierGetIfPresent} are the reference points.
 *
 * <ul>
 *   <li>{@code sizeCallerRuns}: raw Caffeine, size bound, {@code executor(Runnable::run)} (what
 *       {@link CaffeineTier} uses by default), so Caffeine's maintenance (draining the read buffer)
 *       runs on the reading thread;
 *   <li>{@code expiryCallerRuns}: the same plus variable expiry ({@code expireAfter});
 *   <li>{@code tierReplica}: CaffeineTier's whole Caffeine configuration built by hand (ticker,
 *       eviction listener, variable expiry, caller-runs executor, {@link TierEntry} values);
 *   <li>{@code tierCommonPool}: the real {@link CaffeineTier} built with {@code
 *       executor(ForkJoinPool.commonPool())}, Caffeine's own default;
 *   <li>{@code cascadeCommonPool}: a Cascade cache ({@link TieredCache}) over that tier, assembled
 *       from internal classes because {@code InMemoryOptions} has no executor option: what {@code
 *       cascadeGetIfPresent} would be if the tier used Caffeine's default executor.
 * </ul>
 *
 * Not part of the short mode; run with {@code java -jar ... L1HitBreakdownBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(2)
@Threads(2)
public class L1HitBreakdownBenchmark {

  @State(Scope.Benchmark)
  public static class SizeCallerRuns {
    com.github.benmanes.caffeine.cache.Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache = Caffeine.newBuilder().maximumSize(keys.size).executor(Runnable::run).build();
      L1HitBenchmark.fillRaw(cache, keys);
    }
  }

  @State(Scope.Benchmark)
  public static class ExpiryCallerRuns {
    com.github.benmanes.caffeine.cache.Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache =
          Caffeine.newBuilder()
              .maximumSize(keys.size)
              .executor(Runnable::run)
              .expireAfter(new HitExpiry<Integer, String>(Duration.ofMinutes(10)))
              .build();
      L1HitBenchmark.fillRaw(cache, keys);
    }
  }

  @State(Scope.Benchmark)
  public static class TierReplica {
    com.github.benmanes.caffeine.cache.Cache<Integer, TierEntry<String>> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      Ticker ticker = Ticker.system();
      cache =
          Caffeine.newBuilder()
              .ticker(ticker::read)
              .executor(Runnable::run)
              .maximumSize(keys.size)
              .<Integer, TierEntry<String>>evictionListener((k, v, cause) -> {})
              .expireAfter(new HitExpiry<Integer, TierEntry<String>>(Duration.ofNanos(Long.MAX_VALUE >> 1)))
              .build();
      for (int i = 0; i < keys.size; i++) {
        cache.put(keys.keys[i], L1HitBenchmark.entry(HitKeys.valueOf(i)));
      }
      cache.cleanUp();
      L1HitBenchmark.verifySize("tierReplica", cache.estimatedSize(), keys.size);
    }
  }

  @State(Scope.Benchmark)
  public static class TierCommonPool {
    CaffeineTier<Integer, String> tier;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      tier = commonPoolTier(keys);
    }
  }

  @State(Scope.Benchmark)
  public static class CascadeCommonPool {
    Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      CaffeineTier<Integer, String> tier = commonPoolTier(keys);
      cache =
          new TieredCache<>(
              new CacheSettings<>(
                  "bench-common-pool",
                  tier,
                  List.of(),
                  null,
                  0,
                  null,
                  Ticker.system(),
                  null,
                  Duration.ofSeconds(5),
                  Duration.ofMillis(50),
                  Runnable::run,
                  new StatsCounter()));
    }

    @TearDown(Level.Trial)
    public void verify() {
      L1HitBenchmark.verifyCascade(cache);
    }
  }

  static CaffeineTier<Integer, String> commonPoolTier(HitKeys keys) {
    CaffeineTier<Integer, String> tier =
        CaffeineTier.<Integer, String>builder("l1")
            .maximumSize(keys.size)
            .executor(ForkJoinPool.commonPool())
            .build();
    for (int i = 0; i < keys.size; i++) {
      tier.putLocal(keys.keys[i], L1HitBenchmark.entry(HitKeys.valueOf(i)));
    }
    tier.cleanUp();
    L1HitBenchmark.verifySize("tierCommonPool", tier.estimatedSize(), keys.size);
    return tier;
  }

  @Benchmark
  public String sizeCallerRuns(SizeCallerRuns c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String expiryCallerRuns(ExpiryCallerRuns c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String tierReplica(TierReplica c, HitKeys keys, HitCursor cursor) {
    TierEntry<String> entry = c.cache.getIfPresent(cursor.next(keys));
    return entry == null ? null : entry.value();
  }

  @Benchmark
  public String tierCommonPool(TierCommonPool t, HitKeys keys, HitCursor cursor) {
    TierEntry<String> entry = t.tier.getIfPresent(cursor.next(keys));
    return entry == null ? null : entry.value();
  }

  @Benchmark
  public String cascadeCommonPool(CascadeCommonPool c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }
}
