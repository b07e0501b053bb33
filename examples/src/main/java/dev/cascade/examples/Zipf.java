package dev.cascade.examples;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Samples ranks {@code 1..n} from a Zipf distribution: rank {@code k} is drawn with probability
 * proportional to {@code 1 / k^exponent}, so rank 1 is the most popular key and the tail is long —
 * the shape of real cache traffic (a few hot products, many cold ones).
 *
 * <p>Precomputes the cumulative distribution once ({@code n} doubles) and samples by binary search,
 * so a sample costs {@code O(log n)}. The randomness comes from the caller's generator: the same
 * seed gives the same sequence. Immutable and thread-safe (the generator passed in need not be).
 */
final class Zipf {
  private final double exponent;
  private final double[] cumulative;

  /**
   * @param n the number of ranks, at least 1
   * @param exponent the skew, at least 0 ({@code 0} is uniform; real traffic is around 1)
   * @throws IllegalArgumentException if {@code n} or {@code exponent} is out of range
   */
  Zipf(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be at least 1, was " + n);
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("exponent must be finite and at least 0, was " + exponent);
    }
    this.exponent = exponent;
    this.cumulative = new double[n];
    double sum = 0;
    for (int k = 1; k <= n; k++) {
      sum += Math.pow(k, -exponent);
      cumulative[k - 1] = sum;
    }
    for (int i = 0; i < n; i++) {
      cumulative[i] /= sum;
    }
    cumulative[n - 1] = 1.0; // no rounding gap above the last rank
  }

  /** Returns the number of ranks. */
  int size() {
    return cumulative.length;
  }

  /** Returns the skew. */
  double exponent() {
    return exponent;
  }

  /**
   * Returns the probability of {@code rank}.
   *
   * @throws IllegalArgumentException if {@code rank} is not in {@code [1, size()]}
   */
  double probability(int rank) {
    if (rank < 1 || rank > cumulative.length) {
      throw new IllegalArgumentException("rank must be in [1, " + cumulative.length + "], was " + rank);
    }
    return rank == 1 ? cumulative[0] : cumulative[rank - 1] - cumulative[rank - 2];
  }

  /** Returns a rank in {@code [1, size()]}, drawn with one {@code nextDouble()} of {@code random}. */
  int sample(RandomGenerator random) {
    double u = random.nextDouble(); // in [0, 1)
    int index = Arrays.binarySearch(cumulative, u);
    // An exact hit on cumulative[i] belongs to the next rank (u < cumulative[rank - 1] is the rule).
    int rankIndex = index >= 0 ? index + 1 : -index - 1;
    return Math.min(rankIndex, cumulative.length - 1) + 1;
  }
}
