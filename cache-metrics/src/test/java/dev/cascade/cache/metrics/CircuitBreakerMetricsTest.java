package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.testkit.FakeTicker;
import dev.cascade.cache.testkit.FlakyRemoteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A remote tier's circuit breaker seen through the meters: state, openings, the calls it refused
 * (counted as errors of their operation), and the in-process flush when the store comes back.
 */
class CircuitBreakerMetricsTest {
  private final FakeTicker ticker = new FakeTicker();
  private final FlakyRemoteStore store = new FlakyRemoteStore(InMemoryRemoteStore.create(ticker));
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Meters meters = new Meters(registry);

  @Test
  void breaker_opensAndRecovers_stateOpeningsErrorsAndFlushCounted() {
    Cache<String, String> cache =
        Cache.<String, String>builder("users")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .circuitBreaker(2, Duration.ofSeconds(1))
            .eventListener(CacheMetrics.listener(registry))
            .build();
    assertThat(meters.gauge("cache.circuit.state", "cache", "users.l2")).isZero();

    store.down(true);
    cache.get("a", key -> "A"); // failure 1
    cache.get("b", key -> "B"); // failure 2: opens
    cache.get("c", key -> "C"); // refused at once

    assertThat(meters.gauge("cache.circuit.state", "cache", "users.l2")).isEqualTo(2);
    assertThat(meters.count("cache.circuit.openings", "cache", "users.l2")).isEqualTo(1);
    assertThat(meters.count("cache.errors", "cache", "users.l2", "operation", "get")).isEqualTo(3);

    store.down(false);
    ticker.advance(Duration.ofSeconds(1));
    cache.get("d", key -> "D"); // the probe succeeds: closed, L1 flushed

    assertThat(meters.gauge("cache.circuit.state", "cache", "users.l2")).isZero();
    assertThat(meters.count("cache.invalidations", "cache", "users.l1", "scope", "all")).isEqualTo(1);
  }
}
