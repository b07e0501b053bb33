package dev.cascade.benchmarks;

import dev.cascade.cache.Cache;
import dev.cascade.cache.metrics.CacheMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * CacheMetrics} (event listener and cache-level binder on a {@link SimpleMeterRegistry}), over the
 * same keys and lookup sequence ({@link HitKeys}) in the same run. The target is a metered hit at
 * no less than 0.9 times the plain hit's throughput.
 *
 * <ul>
 *   <li>{@code plain*} and {@code metered*}: every fork builds and fills both caches (same setup,
 *       same JIT history) and measures one of them. Both caches run the same classes on a hit (the
 *       listener is not on the hit path), so the measured one's call sites are those of a plain
 *       cache.
 *   <li>{@code sideBySide}: one thread on each cache at the same time in one fork, reported per
 *       method ({@code sideBySide:plain}, {@code sideBySide:metered}). Both see the same machine at
 *       the same moment, which keeps the ratio meaningful on a busy machine.
 * </ul>
 *
 * <p>Every lookup hits; each tear-down fails the trial if one missed, and the metered one also if
 * its L1 hit counter disagrees with the cache's own count. Throughput is the sum over the threads of
 * a method.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(2)
@Threads(2)
public class MeteredHitBenchmark {

  /**
   * Both caches, built and filled in every fork whichever one the fork measures, so that the JIT
   * has seen the same setup (Micrometer's registration included, which makes {@code
   * ConcurrentHashMap.get} hot before the measurement) in the plain and the metered forks.
   */
  @State(Scope.Benchmark)
  public static class Caches {
    final MeterRegistry registry = new SimpleMeterRegistry();
    Cache<Integer, String> plain;
    Cache<Integer, String> metered;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      plain = Cache.<Integer, String>builder("plain").inMemory(m -> m.maximumSize(keys.size)).build();
      metered =
          CacheMetrics.monitor(
              Cache.<Integer, String>builder("metered")
                  .inMemory(m -> m.maximumSize(keys.size))
                  .eventListener(CacheMetrics.listener(registry))
                  .build(),
              registry);
      L1HitBenchmark.fillCascade(plain, keys);
      L1HitBenchmark.fillCascade(metered, keys);
    }

    @TearDown(Level.Trial)
    public void verify() {
      L1HitBenchmark.verifyCascade(plain);
      L1HitBenchmark.verifyCascade(metered);
      double tierHits = registry.get("cache.gets").tags("cache", "metered.l1", "result", "hit").functionCounter().count();
      if ((long) tierHits != metered.stats().hitCount()) {
        throw new IllegalStateException("L1 counted " + tierHits + " hits, the cache " + metered.stats().hitCount());
      }
    }
  }

  @Benchmark
  public String plainGetIfPresent(Caches c, HitKeys keys, HitCursor cursor) {
    return c.plain.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String meteredGetIfPresent(Caches c, HitKeys keys, HitCursor cursor) {
    return c.metered.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String plainGetWithLoader(Caches c, HitKeys keys, HitCursor cursor) {
    return c.plain.get(cursor.next(keys), L1HitBenchmark.LOADER);
  }

  @Benchmark
  public String meteredGetWithLoader(Caches c, HitKeys keys, HitCursor cursor) {
    return c.metered.get(cursor.next(keys), L1HitBenchmark.LOADER);
  }

  @Benchmark
  @Group("sideBySide")
  @GroupThreads(1)
  public String plain(Caches c, HitKeys keys, HitCursor cursor) {
    return c.plain.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  @Group("sideBySide")
  @GroupThreads(1)
  public String metered(Caches c, HitKeys keys, HitCursor cursor) {
    return c.metered.getIfPresent(cursor.next(keys));
  }
}
