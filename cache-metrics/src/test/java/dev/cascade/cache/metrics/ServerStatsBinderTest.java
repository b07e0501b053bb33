package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The neutral binder of server-side statistics that the Redis and Memcached modules plug into. */
class ServerStatsBinderTest {
  private final MockClock clock = new MockClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Meters meters = new Meters(registry);
  private final Map<String, Long> server = new HashMap<>(Map.of("keyspace_hits", 10L, "used_memory", 2048L));
  private final AtomicInteger reads = new AtomicInteger();

  private ServerStatsBinder.Builder binder() {
    return ServerStatsBinder.builder(
            () -> {
              reads.incrementAndGet();
              return Map.copyOf(server);
            })
        .tags("server", "redis-1:6379")
        .clock(clock)
        .refreshInterval(Duration.ofSeconds(5));
  }

  @Test
  void bindTo_mapsStatisticsToCountersAndGauges() {
    binder()
        .counter("keyspace_hits", CacheMeterNames.SERVER_HITS, "hits")
        .gauge("used_memory", CacheMeterNames.SERVER_MEMORY_USED, "memory", "bytes")
        .build()
        .bindTo(registry);

    assertThat(meters.count("cache.server.hits", "server", "redis-1:6379")).isEqualTo(10);
    assertThat(meters.gauge("cache.server.memory.used", "server", "redis-1:6379")).isEqualTo(2048);
    assertThat(registry.get("cache.server.memory.used").gauge().getId().getBaseUnit()).isEqualTo("bytes");
  }

  @Test
  void read_manyMetersWithinInterval_askServerOnceThenAgainAfterInterval() {
    binder()
        .counter("keyspace_hits", CacheMeterNames.SERVER_HITS, "hits")
        .gauge("used_memory", CacheMeterNames.SERVER_MEMORY_USED, "memory")
        .build()
        .bindTo(registry);

    meters.count("cache.server.hits");
    meters.gauge("cache.server.memory.used");
    server.put("keyspace_hits", 25L);
    assertThat(meters.count("cache.server.hits")).isEqualTo(10); // same snapshot
    assertThat(reads).hasValue(1);

    clock.add(5, TimeUnit.SECONDS);
    assertThat(meters.count("cache.server.hits")).isEqualTo(25);
    assertThat(reads).hasValue(2);
  }

  @Test
  void read_missingStatisticOrFailingServer_isNaNNotException() {
    AtomicInteger calls = new AtomicInteger();
    ServerStatsBinder.builder(
            () -> {
              if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("connection refused");
              }
              return Map.of("get_hits", 3);
            })
        .clock(clock)
        .refreshInterval(Duration.ZERO)
        .counter("get_hits", CacheMeterNames.SERVER_HITS, "hits")
        .gauge("bytes", CacheMeterNames.SERVER_MEMORY_USED, "memory")
        .build()
        .bindTo(registry);

    assertThat(registry.get("cache.server.hits").functionCounter().count()).isEqualTo(3);
    assertThat(meters.gauge("cache.server.memory.used")).isNaN(); // never reported
    assertThat(registry.get("cache.server.hits").functionCounter().count()).isNaN(); // server down
  }

  @Test
  void build_withoutMappings_throws() {
    assertThatThrownBy(() -> ServerStatsBinder.builder(Map::of).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> ServerStatsBinder.builder(Map::of).refreshInterval(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PT-1S");
  }

  @Test
  void async_answerInTimeIsRead_unansweredQueryTimesOutAsNaN() {
    CompletableFuture<Map<String, Long>> never = new CompletableFuture<>();
    ServerStatsBinder.builder(ServerStats.async(() -> CompletableFuture.completedFuture(Map.of("hits", 7L)), Duration.ofSeconds(5)))
        .counter("hits", "answered", "hits")
        .build()
        .bindTo(registry);
    ServerStatsBinder.builder(ServerStats.async(() -> never, Duration.ofMillis(1)))
        .counter("hits", "unanswered", "hits")
        .build()
        .bindTo(registry);

    assertThat(meters.count("answered")).isEqualTo(7);
    assertThat(registry.get("unanswered").functionCounter().count()).isNaN();
  }
}
