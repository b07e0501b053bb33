package dev.cascade.cache.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Cascade's meters and a Caffeine cache bound with Micrometer's own {@link CaffeineCacheMetrics}
 * share one Prometheus registry: no registration is refused (same name, same tag keys) and one
 * scrape holds both.
 */
class PrometheusCoexistenceTest {

  @Test
  void scrape_cascadeAndCaffeineMetersInOneRegistry_allRegisteredAndExposed() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> refused = new CopyOnWriteArrayList<>();
    registry.config().onMeterRegistrationFailed((id, reason) -> refused.add(id + ": " + reason));

    LoadingCache<String, String> caffeine =
        Caffeine.newBuilder().maximumSize(100).recordStats().build(key -> "loaded-" + key);
    CaffeineCacheMetrics.monitor(registry, caffeine, "sessions", "service", "shop");

    Cache<String, String> users =
        Cache.<String, String>builder("users")
            .inMemory(m -> m.maximumSize(100))
            .tier(InMemoryRemoteStore.create())
            .valueCodec(StringCodec.create())
            .eventListener(CacheMetrics.listener(registry, "service", "shop"))
            .build();
    CacheMetrics.monitor(users, registry, "service", "shop");
    Cache<String, String> local =
        Cache.<String, String>builder("local")
            .inMemory(m -> m.maximumSize(100))
            .eventListener(CacheMetrics.listener(registry, "service", "shop"))
            .build();
    CacheMetrics.monitor(local, registry, "service", "shop");

    caffeine.get("a");
    caffeine.get("a");
    users.get("a", key -> "loaded-" + key);
    users.get("a", key -> "loaded-" + key);
    local.put("b", "v");

    String scrape = registry.scrape();

    assertThat(refused).isEmpty();
    assertThat(scrape)
        .contains("cache_gets_total{cache=\"sessions\",result=\"hit\",service=\"shop\"} 1.0") // Caffeine's binder
        .contains("cache_gets_total{cache=\"users\",result=\"hit\",service=\"shop\"} 1.0")
        .contains("cache_gets_total{cache=\"users\",result=\"miss\",service=\"shop\"} 1.0")
        .contains("cache_gets_total{cache=\"users.l1\",result=\"hit\",service=\"shop\"} 1.0")
        .contains("cache_gets_total{cache=\"users.l2\",result=\"miss\",service=\"shop\"} 1.0")
        .contains("cache_puts_total{cache=\"users\",service=\"shop\"} 1.0")
        .contains("cache_puts_total{cache=\"local\",service=\"shop\"} 1.0")
        .contains("cache_size{cache=\"local\",service=\"shop\"} 1.0")
        .contains("cache_load_total{cache=\"users\",result=\"success\",service=\"shop\"} 1.0")
        .contains("cache_load_total{cache=\"sessions\",result=\"success\",service=\"shop\"} 1.0")
        .contains("cache_size{cache=\"sessions\",service=\"shop\"} 1.0")
        .contains("cache_load_duration_seconds{cache=\"users\",service=\"shop\"}")
        .contains("cache_tier_latency_seconds_count{cache=\"users.l2\",operation=\"get\",service=\"shop\"} 1")
        .contains("cache_coalesced_waits_total{cache=\"users\",service=\"shop\"} 0.0")
        .contains("cache_hit_ratio{cache=\"users\",service=\"shop\"} 0.5");
  }

  @Test
  void register_sameNameWithOtherTagKeys_isRefusedByPrometheus() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<String> refused = new CopyOnWriteArrayList<>();
    registry.config().onMeterRegistrationFailed((id, reason) -> refused.add(id.getName()));
    CaffeineCacheMetrics.monitor(
        registry, Caffeine.newBuilder().recordStats().<String, String>build(), "sessions", "service", "shop");

    Cache<String, String> untagged =
        Cache.<String, String>builder("users")
            .inMemory(m -> m.maximumSize(100))
            .eventListener(CacheMetrics.listener(registry)) // no "service" tag: keys differ
            .build();
    CacheMetrics.monitor(untagged, registry);

    // Why docs/metrics.md asks for the same extra tags on every cache binder of a registry.
    assertThat(refused).contains("cache.gets", "cache.puts");
  }
}
