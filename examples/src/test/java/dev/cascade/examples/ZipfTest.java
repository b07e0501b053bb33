package dev.cascade.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ZipfTest {
  private static final int SAMPLES = 200_000;

  @Test
  void samplesStayWithinOneToN() {
    Zipf zipf = new Zipf(100, 0.99);
    Random random = new Random(1);

    int[] ranks = IntStream.range(0, SAMPLES).map(i -> zipf.sample(random)).toArray();

    // every sample is in [1, 100], and both ends are reached
    assertThat(IntStream.of(ranks).min()).hasValue(1);
    assertThat(IntStream.of(ranks).max()).hasValue(100);
  }

  @Test
  void rankOneIsTheMostFrequentAndFrequencyFollowsTheDistribution() {
    Zipf zipf = new Zipf(1_000, 0.99);
    Random random = new Random(2);
    int[] counts = new int[zipf.size() + 1];

    for (int i = 0; i < SAMPLES; i++) {
      counts[zipf.sample(random)]++;
    }

    for (int rank = 2; rank <= zipf.size(); rank++) {
      assertThat(counts[1]).as("count of rank 1 vs rank %d", rank).isGreaterThan(counts[rank]);
    }
    assertThat(counts[2]).isGreaterThan(counts[10]);
    assertThat((double) counts[1] / SAMPLES).isCloseTo(zipf.probability(1), within(0.005));
  }

  @Test
  void sameSeedGivesTheSameSequence() {
    Zipf zipf = new Zipf(10_000, 0.99);

    int[] first = sampleSequence(zipf, 42);
    int[] second = sampleSequence(zipf, 42);
    int[] other = sampleSequence(zipf, 43);

    assertThat(second).isEqualTo(first);
    assertThat(other).isNotEqualTo(first);
  }

  @Test
  void probabilitiesSumToOneAndDecreaseWithRank() {
    Zipf zipf = new Zipf(500, 0.99);

    double sum = IntStream.rangeClosed(1, 500).mapToDouble(zipf::probability).sum();

    assertThat(sum).isCloseTo(1.0, within(1e-9));
    for (int rank = 2; rank <= 500; rank++) {
      assertThat(zipf.probability(rank)).isLessThan(zipf.probability(rank - 1));
    }
  }

  @Test
  void exponentZeroIsUniformAndASingleRankIsAlwaysOne() {
    Zipf uniform = new Zipf(4, 0);
    assertThat(uniform.probability(1)).isCloseTo(0.25, within(1e-12));
    assertThat(uniform.probability(4)).isCloseTo(0.25, within(1e-12));

    Zipf single = new Zipf(1, 0.99);
    Random random = new Random(3);
    assertThat(IntStream.range(0, 1_000).map(i -> single.sample(random))).containsOnly(1);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new Zipf(0, 0.99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Zipf(10, -0.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Zipf(10, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Zipf(10, 1).probability(11))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int[] sampleSequence(Zipf zipf, long seed) {
    Random random = new Random(seed);
    return IntStream.range(0, 1_000).map(i -> zipf.sample(random)).toArray();
  }
}
