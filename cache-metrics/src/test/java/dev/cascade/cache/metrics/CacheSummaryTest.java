package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.CacheStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CacheSummaryTest {

  private static CacheStats stats(long hits, long misses, long successes, long failures, long loadNanos) {
    return new CacheStats(hits, misses, successes, failures, loadNanos, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  @Test
  void of_hitsAndLoads_estimatesTimeSavedFromMeanLoad() {
    CacheSummary summary = CacheSummary.of(stats(90, 10, 8, 2, Duration.ofMillis(500).toNanos()));

    assertThat(summary.hits()).isEqualTo(90);
    assertThat(summary.misses()).isEqualTo(10);
    assertThat(summary.hitRate()).isEqualTo(0.9);
    assertThat(summary.meanLoadTime()).isEqualTo(Duration.ofMillis(50));
    assertThat(summary.loadTimeSaved()).isEqualTo(Duration.ofMillis(4_500));
  }

  @Test
  void of_noLoadsYet_savesNothing() {
    CacheSummary summary = CacheSummary.of(stats(5, 0, 0, 0, 0));

    assertThat(summary.hitRate()).isEqualTo(1.0);
    assertThat(summary.meanLoadTime()).isZero();
    assertThat(summary.loadTimeSaved()).isZero();
  }

  @Test
  void of_noLookups_hitRateIsOne() {
    assertThat(CacheSummary.of(stats(0, 0, 0, 0, 0)).hitRate()).isEqualTo(1.0);
  }
}
