package dev.cascade.cache.internal;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Benchmarks only: the exact hit count that Cascade's in-process hit path keeps ({@link HitCounter},
 * the class the engine increments), for putting on top of raw Caffeine. It lives in core's internal
 * package because {@code HitCounter} is package-private there; reaching it from here keeps the
 * measured count the shipped one rather than a copy. The chain of loads to the counter's slots is
 * the engine's: this state object, its counter, the counter's array (the engine: the cache object,
 * its {@code localHits}, the array).
 *
 * <p>Shared by every benchmark thread, as a cache's counter is. Thread-safe.
 */
@State(Scope.Benchmark)
public class ShippedHitCount {
  private final HitCounter hits = new HitCounter();

  /** Counts one hit, as the engine counts an in-process hit. */
  public void increment() {
    hits.increment();
  }

  /** Fails the trial if nothing was counted: the benchmark would then not measure the count. */
  @TearDown(Level.Trial)
  public void verify() {
    if (hits.sum() == 0) {
      throw new IllegalStateException("the shipped hit counter counted no hit");
    }
  }
}
