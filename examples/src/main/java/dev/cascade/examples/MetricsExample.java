package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.metrics.CacheMeterNames;
import dev.cascade.cache.metrics.CacheMetrics;
import dev.cascade.cache.metrics.CacheSummary;
import dev.cascade.cache.metrics.ServerStatsBinder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cascade's metrics in a Prometheus scrape: a layered cache (in-process L1 over an in-memory remote
 * store standing in for Redis) instrumented with {@link CacheMetrics}, a short workload, and the
 * text a Prometheus server would scrape from {@code /metrics}. Run it with {@code java -cp
 * examples/target/cascade-examples.jar dev.cascade.examples.MetricsExample}; it needs no server.
 *
 * <p>Its "database" costs a fixed 2 ms per query of simulated time, on a clock that the cache reads
 * as its {@link Ticker}, so the output is the same on every run: docs/metrics.md quotes it, and the
 * build ({@code DocSnippetsTest}) compares the quote with a run of this class.
 */
public final class MetricsExample {
  private MetricsExample() {}

  public static void main(String[] args) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    InMemoryRemoteStore store = InMemoryRemoteStore.create();
    SimulatedClock clock = new SimulatedClock();

    // Per-tier meters (users.l1, users.l2) from the listener, cache-level meters (users) from
    // monitor: give both the same extra tags.
    Cache<Integer, String> users =
        CacheMetrics.monitor(
            Cache.<Integer, String>builder("users")
                .inMemory(m -> m.maximumSize(1_000))
                .tier(store)
                .valueCodec(StringCodec.create())
                .eventListener(CacheMetrics.listener(registry, "service", "example"))
                .ticker(clock) // load times in simulated time (see the class comment)
                .build(),
            registry,
            "service",
            "example");

    // Server-side statistics plug in through ServerStatsBinder; Redis INFO and memcached stats
    // bind the same way. Here the in-memory store reports how many keys it holds.
    ServerStatsBinder.builder(() -> Map.of("items", store.keys().size()))
        .tags("server", "in-memory", "service", "example")
        .gauge("items", CacheMeterNames.SERVER_ITEMS, "Items the server holds")
        .build()
        .bindTo(registry);

    // 1,000 lookups over 50 users: 50 loads, then hits.
    for (int i = 0; i < 1_000; i++) {
      users.get(i % 50, id -> findUser(clock, id));
    }
    users.invalidate(7);

    System.out.print(registry.scrape());

    CacheSummary summary = CacheMetrics.summary(users);
    System.out.printf(
        Locale.ROOT,
        "# summary: %d hits, %d misses, hit rate %.3f, mean load %d us, load time saved %d ms%n",
        summary.hits(),
        summary.misses(),
        summary.hitRate(),
        summary.meanLoadTime().toNanos() / 1_000,
        summary.loadTimeSaved().toMillis());
  }

  /** Stands in for a database query that takes 2 ms. */
  private static String findUser(SimulatedClock clock, int id) {
    clock.advance(Duration.ofMillis(2));
    return "user-" + id;
  }

  /** Nanoseconds that pass only when {@link #advance} is called; wall time is real. Thread-safe. */
  private static final class SimulatedClock implements Ticker {
    private final AtomicLong nanos = new AtomicLong();

    void advance(Duration duration) {
      nanos.addAndGet(duration.toNanos());
    }

    @Override
    public long read() {
      return nanos.get();
    }

    @Override
    public long wallMillis() {
      return System.currentTimeMillis();
    }
  }
}
