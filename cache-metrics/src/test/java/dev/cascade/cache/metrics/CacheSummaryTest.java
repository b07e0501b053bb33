package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.testkit.FakeTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The hit-rate and time-saved summary, on a real cache whose loads take time by a fake ticker. */
class CacheSummaryTest {
  private static final Duration LOAD_TIME = Duration.ofMillis(50);

  private final FakeTicker ticker = new FakeTicker();
  private final Cache<String, String> cache =
      Cache.<String, String>builder("summary").inMemory(m -> m.maximumSize(100)).ticker(ticker).build();

  @Test
  void summary_hitsAndLoads_estimatesTimeSavedFromMeanLoad() {
    for (int i = 0; i < 8; i++) {
      cache.get("k" + i, key -> {
        ticker.advance(LOAD_TIME);
        return "v";
      });
    }
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> cache.get("failing", key -> {
        ticker.advance(LOAD_TIME);
        throw new IllegalStateException("database down");
      }))
          .isExactlyInstanceOf(IllegalStateException.class) // the loader's own exception, unwrapped
          .hasMessage("database down");
    }
    for (int i = 0; i < 90; i++) {
      cache.get("k" + (i % 8), key -> "never loaded");
    }

    CacheSummary summary = CacheMetrics.summary(cache);

    assertThat(summary.hits()).isEqualTo(90);
    assertThat(summary.misses()).isEqualTo(10);
    assertThat(summary.hitRate()).isEqualTo(0.9);
    assertThat(summary.meanLoadTime()).isEqualTo(LOAD_TIME); // 10 loads, 500 ms
    assertThat(summary.loadTimeSaved()).isEqualTo(Duration.ofMillis(4_500)); // 90 x 50 ms
  }

  @Test
  void summary_noLoadsYet_savesNothing() {
    cache.put("a", "1");
    cache.getIfPresent("a");

    CacheSummary summary = CacheMetrics.summary(cache);

    assertThat(summary.hits()).isEqualTo(1);
    assertThat(summary.hitRate()).isEqualTo(1.0);
    assertThat(summary.meanLoadTime()).isZero();
    assertThat(summary.loadTimeSaved()).isZero();
  }

  @Test
  void summary_noLookups_hitRateIsOne() {
    assertThat(CacheMetrics.summary(cache).hitRate()).isEqualTo(1.0);
  }
}
