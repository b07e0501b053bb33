package dev.cascade.benchmarks;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The keys every cache of a hit benchmark is filled with, and a precomputed sequence of lookups over
 * them: every lookup is of a present key. Shared and read-only during measurement.
 */
@State(Scope.Benchmark)
public class HitKeys {
  /** Power of two, so that a cursor wraps with a mask. */
  static final int SEQUENCE_LENGTH = 1 << 16;

  static final int MASK = SEQUENCE_LENGTH - 1;

  /** Number of entries in each cache (and each cache's maximum size). */
  @Param({"10000"})
  public int size;

  /** {@code zipf}: scrambled Zipf (s = 0.99) over the present keys; {@code uniform}: uniform. */
  @Param({"zipf", "uniform"})
  public String distribution;

  /** One boxed instance per key, shared by every cache. */
  Integer[] keys;

  /** {@link #SEQUENCE_LENGTH} indices into {@link #keys}. */
  int[] indices;

  @Setup(Level.Trial)
  public void setUp() {
    keys = new Integer[size];
    for (int i = 0; i < size; i++) {
      keys[i] = i;
    }
    indices = sequence(size, distribution, new SplittableRandom(42));
  }

  /** The value stored under key index {@code i}. */
  static String valueOf(int i) {
    return "value-" + i;
  }

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
          int rank = Arrays.binarySearch(cdf, u);
          rank = rank >= 0 ? rank : Math.min(-rank - 1, n - 1);
          out[i] = keyOfRank[rank];
        }
      }
      default -> throw new IllegalArgumentException("distribution must be zipf or uniform, was " + distribution);
    }
    return out;
  }
}
