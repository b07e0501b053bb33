package dev.cascade.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Measures the throughput ratio of a candidate benchmark to a baseline benchmark as a series of
 * paired rounds: each round runs one fork of each, back to back (the order alternating between
 * rounds), and yields one ratio. On a shared machine whose speed drifts by tens of percent from one
 * minute to the next, JMH's usual order (every fork of one benchmark, then every fork of the next)
 * folds that drift into the ratio; pairing cancels most of it. Reports each round and the median,
 * geometric mean, minimum and maximum of the ratios.
 *
 * <pre>
 * java -cp benchmarks/target/cascade-benchmarks.jar dev.cascade.benchmarks.PairedRatio \
 *     ROUNDS CANDIDATE_REGEX BASELINE_REGEX [JMH options for each fork, such as -wi 3 -w 2s -i 3 -r 2s -t 2]
 * </pre>
 */
public final class PairedRatio {
  private PairedRatio() {}

  public static void main(String[] args) throws RunnerException, CommandLineOptionException {
    if (args.length < 3) {
      System.err.println("usage: PairedRatio ROUNDS CANDIDATE_REGEX BASELINE_REGEX [JMH options]");
      System.exit(2);
    }
    int rounds = Integer.parseInt(args[0]);
    if (rounds < 1) {
      throw new IllegalArgumentException("ROUNDS must be at least 1, was " + rounds);
    }
    String candidate = args[1];
    String baseline = args[2];
    CommandLineOptions forkOptions = new CommandLineOptions(Arrays.copyOfRange(args, 3, args.length));
    List<Double> ratios = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      double candidateScore;
      double baselineScore;
      if (round % 2 == 1) {
        candidateScore = score(forkOptions, candidate);
        baselineScore = score(forkOptions, baseline);
      } else {
        baselineScore = score(forkOptions, baseline);
        candidateScore = score(forkOptions, candidate);
      }
      double ratio = candidateScore / baselineScore;
      ratios.add(ratio);
      System.out.printf(
          Locale.ROOT, "round %d: candidate %,.0f ops/s, baseline %,.0f ops/s, ratio %.3f%n",
          round, candidateScore, baselineScore, ratio);
    }
    double[] sorted = ratios.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double median = median(sorted);
    double geometricMean = Math.exp(Arrays.stream(sorted).map(Math::log).average().orElseThrow());
    System.out.printf(
        Locale.ROOT, "%s / %s over %d paired rounds: median %.3f, geometric mean %.3f, min %.3f, max %.3f%n",
        candidate, baseline, rounds, median, geometricMean, sorted[0], sorted[sorted.length - 1]);
  }

  /** Returns the median of {@code values}, which must not be empty; does not change the array. */
  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /** Runs one fork of the single benchmark matching {@code regex} and returns its score. */
  private static double score(CommandLineOptions forkOptions, String regex) throws RunnerException {
    Options options =
        new OptionsBuilder()
            .parent(forkOptions)
            .include(regex)
            .forks(1)
            .verbosity(VerboseMode.SILENT)
            .build();
    List<RunResult> results = new ArrayList<>(new Runner(options).run());
    if (results.size() != 1) {
      throw new IllegalArgumentException(
          "'" + regex + "' must match exactly one benchmark with one set of parameters (pin them with -p name=value), matched "
              + results.size());
    }
    return results.get(0).getPrimaryResult().getScore();
  }
}
