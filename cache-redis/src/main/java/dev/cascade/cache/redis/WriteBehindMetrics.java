package dev.cascade.cache.redis;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer meters of a {@link WriteBehind} queue, tagged {@code queue=<name>} plus the extra
 * tags: {@code cache.writebehind.queue.length}, {@code cache.writebehind.pending} and {@code
 * cache.writebehind.dead.letters} (gauges), {@code cache.writebehind.oldest.pending} (time gauge:
 * how far the database lags behind the cache), {@code cache.writebehind.batches} and {@code
 * cache.writebehind.retries} (counters of this instance's consumer). The figures come from {@link
 * WriteBehind#stats()}, read at most once per second however many meters a scrape reads; a scrape
 * while Redis cannot answer reports the last figures. Needs {@code micrometer-core} on the class
 * path (an optional dependency of this module). The registry holds the meters' state weakly, as
 * Micrometer's binders do; the queue keeps it alive, and closing the queue removes its meters from
 * the registry (so a queue of the same name monitored later is reported): only the meters this
 * monitor call registered, not those another queue of the same name registered first under the same
 * ids, which Micrometer hands out again (so that queue stays reported; this one then shares its
 * meters). Monitoring a closed queue leaves no meters. Thread-safe.
 */
public final class WriteBehindMetrics {
  private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final WriteBehind<?, ?> queue;
  private volatile @Nullable WriteBehindStats last;
  private volatile long readAt;

  private WriteBehindMetrics(WriteBehind<?, ?> queue) {
    this.queue = queue;
  }

  /**
   * Registers the meters of {@code queue} in {@code registry} and returns the queue.
   *
   * @param tags extra tags as key-value pairs, such as {@code "service", "shop"}
   * @throws IllegalArgumentException if {@code tags} has an odd number of elements
   */
  public static <Q extends WriteBehind<?, ?>> Q monitor(Q queue, MeterRegistry registry, String... tags) {
    Objects.requireNonNull(queue, "queue");
    Objects.requireNonNull(registry, "registry");
    Tags all = Tags.of(tags).and("queue", queue.name());
    WriteBehindMetrics metrics = new WriteBehindMetrics(queue);
    // Micrometer returns the meter already registered under an id: such a meter belongs to another
    // queue of the same name (or an earlier monitor call), so this call must not remove it
    Set<Meter> before = Collections.newSetFromMap(new IdentityHashMap<>());
    before.addAll(registry.getMeters());
    List<Meter> registered = new ArrayList<>();
    registered.add(gauge(registry, "cache.writebehind.queue.length", all, metrics, WriteBehindStats::queueLength,
        "Changes queued and not yet applied to the database"));
    registered.add(gauge(registry, "cache.writebehind.pending", all, metrics, WriteBehindStats::pendingEntries,
        "Changes delivered to a consumer and not yet acknowledged"));
    registered.add(gauge(registry, "cache.writebehind.dead.letters", all, metrics, WriteBehindStats::deadLetters,
        "Changes given up after the maximum number of deliveries"));
    registered.add(TimeGauge.builder(
            "cache.writebehind.oldest.pending",
            metrics,
            TimeUnit.MILLISECONDS,
            m -> m.read(stats -> stats.oldestPendingAge().toMillis()))
        .tags(all)
        .description("How long ago the oldest change not yet applied was queued")
        .register(registry));
    registered.add(FunctionCounter.builder("cache.writebehind.batches", metrics, m -> m.read(WriteBehindStats::batches))
        .tags(all)
        .description("Writer calls of this instance that succeeded")
        .register(registry));
    registered.add(FunctionCounter.builder("cache.writebehind.retries", metrics, m -> m.read(WriteBehindStats::retries))
        .tags(all)
        .description("Writer calls of this instance that failed")
        .register(registry));
    registered.removeIf(before::contains);
    queue.onClose(new Removal(metrics, registry, registered));
    return queue;
  }

  /**
   * Removes {@code meters} from {@code registry} when the queue closes; until then it holds {@code
   * state}, the meters' state, which the registry holds only weakly.
   */
  private record Removal(WriteBehindMetrics state, MeterRegistry registry, List<Meter> meters) implements Runnable {
    @Override
    public void run() {
      meters.forEach(registry::remove);
    }
  }

  private static Meter gauge(
      MeterRegistry registry,
      String name,
      Tags tags,
      WriteBehindMetrics metrics,
      ToDoubleFunction<WriteBehindStats> figure,
      String description) {
    return Gauge.builder(name, metrics, m -> m.read(figure)).tags(tags).description(description).register(registry);
  }

  /** Returns {@code figure} of the queue's stats, read again when the last read is a second old. */
  private double read(ToDoubleFunction<WriteBehindStats> figure) {
    WriteBehindStats stats = last;
    long now = System.nanoTime();
    if (stats == null || now - readAt >= REFRESH_NANOS) {
      try {
        stats = queue.stats();
        last = stats;
        readAt = now;
      } catch (RuntimeException unavailable) {
        if (stats == null) {
          return Double.NaN;
        }
      }
    }
    return figure.applyAsDouble(stats);
  }
}
