package dev.cascade.benchmarks;

import dev.cascade.cache.Cache;
import dev.cascade.cache.metrics.CacheMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
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
 * Cost of metrics on an in-process (L1) hit: the same embedded cache with and without {@code
 * CacheMetrics} (tier decorator and cache-level binder on a {@link SimpleMeterRegistry}), over the
 * same keys and lookup sequence ({@link HitKeys}) in the same run. The target is a metered hit at
 * no less than 0.85 times the plain hit's throughput.
 *
 * <p>Every lookup hits; each tear-down fails the trial if one missed, and the metered one also if
 * its L1 hit counter disagrees with the cache's own count. Each cache lives in its own state, so a
 * fork builds only the cache it measures. Throughput is the sum over all benchmark threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(2)
@Threads(2)
public class MeteredHitBenchmark {

  @State(Scope.Benchmark)
  public static class PlainCache {
    Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache = Cache.<Integer, String>builder("plain").inMemory(m -> m.maximumSize(keys.size)).build();
      L1HitBenchmark.fillCascade(cache, keys);
    }

    @TearDown(Level.Trial)
    public void verify() {
      L1HitBenchmark.verifyCascade(cache);
    }
  }

  @State(Scope.Benchmark)
  public static class MeteredCache {
    final MeterRegistry registry = new SimpleMeterRegistry();
    Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache =
          CacheMetrics.monitor(
              Cache.<Integer, String>builder("metered")
                  .inMemory(m -> m.maximumSize(keys.size))
                  .decorateTiers(CacheMetrics.decorator(registry))
                  .build(),
              registry);
      L1HitBenchmark.fillCascade(cache, keys);
    }

    @TearDown(Level.Trial)
    public void verify() {
      L1HitBenchmark.verifyCascade(cache);
      double tierHits = registry.get("cache.gets").tags("cache", "metered.l1", "result", "hit").counter().count();
      if ((long) tierHits != cache.stats().hitCount()) {
        throw new IllegalStateException("L1 counted " + tierHits + " hits, the cache " + cache.stats().hitCount());
      }
    }
  }

  @Benchmark
  public String plainGetIfPresent(PlainCache c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String meteredGetIfPresent(MeteredCache c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String plainGetWithLoader(PlainCache c, HitKeys keys, HitCursor cursor) {
    return c.cache.get(cursor.next(keys), L1HitBenchmark.LOADER);
  }

  @Benchmark
  public String meteredGetWithLoader(MeteredCache c, HitKeys keys, HitCursor cursor) {
    return c.cache.get(cursor.next(keys), L1HitBenchmark.LOADER);
  }
}
