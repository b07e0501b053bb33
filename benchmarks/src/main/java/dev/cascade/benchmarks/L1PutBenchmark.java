package dev.cascade.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Threads;

/**
 * Cost of a {@code put} that replaces a present entry: Cascade's in-process cache (no TTL, no tags)
 * against raw Caffeine's {@code put}, over the caches, keys and key sequence of {@link
 * L1HitBenchmark}'s head-to-head pair ({@link L1HitBenchmark.SameSetup}: every fork builds and
 * fills both). Run with {@code -prof gc} for the bytes each put allocates. Warm-up and measurement
 * are JMH's defaults; {@code docs/benchmarks.md} gives the short options used for its figures.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(2)
@Threads(2)
public class L1PutBenchmark {
  /** The value every put writes; one object, so that the values themselves allocate nothing. */
  static final String VALUE = "replaced";

  @Benchmark
  public void cascadePut(L1HitBenchmark.SameSetup s, HitKeys keys, HitCursor cursor) {
    s.cascade.put(cursor.next(keys), VALUE);
  }

  @Benchmark
  public void caffeinePut(L1HitBenchmark.SameSetup s, HitKeys keys, HitCursor cursor) {
    s.caffeine.put(cursor.next(keys), VALUE);
  }
}
