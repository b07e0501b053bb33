package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.testkit.FakeTicker;
import dev.cascade.cache.testkit.ManualExecutor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The freshness meters count what {@code CacheStats} counts: refreshes by result, stale values by reason. */
class FreshnessMetricsTest {
  private final FakeTicker ticker = new FakeTicker();
  private final ManualExecutor background = new ManualExecutor();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void refreshesAndStaleServes_areMeteredByResultAndReason() {
    Cache<String, String> cache =
        CacheMetrics.monitor(
            Cache.<String, String>builder("prices")
                .inMemory(m -> m.maximumSize(100))
                .ttl(Duration.ofSeconds(1))
                .staleWhileRevalidate(Duration.ofSeconds(5))
                .staleIfError(Duration.ofSeconds(30))
                .ticker(ticker)
                .executor(background)
                .build(),
            registry);
    Meters meters = new Meters(registry);
    cache.get("a", key -> "a1");
    cache.get("b", key -> "b1");
    ticker.advance(Duration.ofSeconds(2));

    assertThat(cache.get("a", key -> "a2")).isEqualTo("a1"); // served stale, refresh queued
    background.runAll();
    assertThat(cache.get("b", key -> failing())).isEqualTo("b1"); // served stale, failing refresh queued
    background.runAll();
    ticker.advance(Duration.ofSeconds(10)); // b is past the revalidation window, within stale-if-error
    assertThat(cache.get("b", key -> failing())).isEqualTo("b1");

    assertThat(meters.count("cache.refreshes", "cache", "prices", "result", "success")).isEqualTo(1);
    assertThat(meters.count("cache.refreshes", "cache", "prices", "result", "failure")).isEqualTo(1);
    assertThat(meters.count("cache.stale.served", "cache", "prices", "reason", "revalidate")).isEqualTo(2);
    assertThat(meters.count("cache.stale.served", "cache", "prices", "reason", "error")).isEqualTo(1);
    assertThat(cache.stats().staleRevalidateCount()).isEqualTo(2);
    assertThat(cache.stats().staleErrorCount()).isEqualTo(1);
  }

  private static String failing() {
    throw new IllegalStateException("database down");
  }
}
