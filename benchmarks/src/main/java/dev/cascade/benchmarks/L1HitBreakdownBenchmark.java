package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Diagnostics for {@link L1HitBenchmark}: which part of the in-process tier's Caffeine
 * configuration costs what on a hit. Every variant is raw Caffeine {@code getIfPresent} over the same
 * keys as {@code L1HitBenchmark}, adding one trait of {@link CaffeineTier} at a time:
 *
 * <ul>
 *   <li>{@code expiry}: {@code expireAfter(...)} (default executor, the common pool);
 *   <li>{@code expiryCallerRuns}: plus {@code executor(Runnable::run)}, which CaffeineTier uses by
 *       default, so that Caffeine's maintenance (draining the read buffer) runs on the reading
 *       thread;
 *   <li>{@code sizeCallerRuns}: {@code executor(Runnable::run)} without expiry;
 *   <li>{@code tierReplica}: CaffeineTier's whole configuration (ticker, eviction listener, expiry,
 *       caller-runs executor, {@link TierEntry} values) built by hand;
 *   <li>{@code tierCommonPool}: the real {@link CaffeineTier} with {@code
 *       executor(ForkJoinPool.commonPool())}, the option the tier's builder already has.
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
  private static final int SEQUENCE_LENGTH = 1 << 16;
  private static final int MASK = SEQUENCE_LENGTH - 1;

  @State(Scope.Benchmark)
  public static class Caches {
    @Param({"10000"})
    public int size;

    @Param({"zipf"})
    public String distribution;

    Integer[] keys;
    int[] indices;

    com.github.benmanes.caffeine.cache.Cache<Integer, String> expiry;
    com.github.benmanes.caffeine.cache.Cache<Integer, String> expiryCallerRuns;
    com.github.benmanes.caffeine.cache.Cache<Integer, String> sizeCallerRuns;
    com.github.benmanes.caffeine.cache.Cache<Integer, TierEntry<String>> tierReplica;
    CaffeineTier<Integer, String> tierCommonPool;

    @Setup(Level.Trial)
    public void setUp() {
      keys = new Integer[size];
      for (int i = 0; i < size; i++) {
        keys[i] = i;
      }
      indices = L1HitBenchmark.sequence(size, distribution, new SplittableRandom(42));
      L1HitBenchmark.FixedExpiry fixed = new L1HitBenchmark.FixedExpiry(Duration.ofMinutes(10));
      expiry = Caffeine.newBuilder().maximumSize(size).expireAfter(fixed).build();
      expiryCallerRuns =
          Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).expireAfter(fixed).build();
      sizeCallerRuns = Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
      dev.cascade.cache.Ticker ticker = dev.cascade.cache.Ticker.system();
      tierReplica =
          Caffeine.newBuilder()
              .ticker(ticker::read)
              .executor(Runnable::run)
              .maximumSize(size)
              .<Integer, TierEntry<String>>evictionListener((k, v, cause) -> {})
              .expireAfter(
                  new com.github.benmanes.caffeine.cache.Expiry<Integer, TierEntry<String>>() {
                    @Override
                    public long expireAfterCreate(Integer k, TierEntry<String> v, long now) {
                      return Long.MAX_VALUE >> 1;
                    }

                    @Override
                    public long expireAfterUpdate(Integer k, TierEntry<String> v, long now, long d) {
                      return Long.MAX_VALUE >> 1;
                    }

                    @Override
                    public long expireAfterRead(Integer k, TierEntry<String> v, long now, long d) {
                      return d;
                    }
                  })
              .build();
      tierCommonPool =
          CaffeineTier.<Integer, String>builder("l1")
              .maximumSize(size)
              .executor(java.util.concurrent.ForkJoinPool.commonPool())
              .build();
      for (int i = 0; i < size; i++) {
        String value = "value-" + i;
        TierEntry<String> entry =
            new TierEntry<>(value, TierEntry.NO_EXPIRY, System.currentTimeMillis(), 0, Set.of());
        expiry.put(keys[i], value);
        expiryCallerRuns.put(keys[i], value);
        sizeCallerRuns.put(keys[i], value);
        tierReplica.put(keys[i], entry);
        tierCommonPool.putLocal(keys[i], entry);
      }
      expiry.cleanUp();
      expiryCallerRuns.cleanUp();
      sizeCallerRuns.cleanUp();
      tierReplica.cleanUp();
      tierCommonPool.cleanUp();
      for (long n :
          new long[] {
            expiry.estimatedSize(),
            expiryCallerRuns.estimatedSize(),
            sizeCallerRuns.estimatedSize(),
            tierReplica.estimatedSize(),
            tierCommonPool.estimatedSize()
          }) {
        if (n != size) {
          throw new IllegalStateException("a cache holds " + n + " entries, expected " + size);
        }
      }
    }
  }

  @State(Scope.Thread)
  public static class Cursor {
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      next = ThreadLocalRandom.current().nextInt(SEQUENCE_LENGTH);
    }

    Integer key(Caches caches) {
      return caches.keys[caches.indices[next++ & MASK]];
    }
  }

  @Benchmark
  public String expiry(Caches caches, Cursor cursor) {
    return caches.expiry.getIfPresent(cursor.key(caches));
  }

  @Benchmark
  public String expiryCallerRuns(Caches caches, Cursor cursor) {
    return caches.expiryCallerRuns.getIfPresent(cursor.key(caches));
  }

  @Benchmark
  public String sizeCallerRuns(Caches caches, Cursor cursor) {
    return caches.sizeCallerRuns.getIfPresent(cursor.key(caches));
  }

  @Benchmark
  public String tierReplica(Caches caches, Cursor cursor) {
    TierEntry<String> entry = caches.tierReplica.getIfPresent(cursor.key(caches));
    return entry == null ? null : entry.value();
  }

  @Benchmark
  public String tierCommonPool(Caches caches, Cursor cursor) {
    TierEntry<String> entry = caches.tierCommonPool.getIfPresent(cursor.key(caches));
    return entry == null ? null : entry.value();
  }
}
