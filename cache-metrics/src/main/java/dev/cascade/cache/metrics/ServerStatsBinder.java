package dev.cascade.cache.metrics;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Binds a cache server's own statistics (Redis {@code INFO}, Memcached {@code stats}) as meters: each
 * mapped statistic becomes a counter (for totals that only grow, such as hits) or a gauge (for
 * levels, such as memory used). The backend supplies a {@link ServerStats}; the meters read one
 * cached snapshot, refreshed at most once per {@link Builder#refreshInterval}, so a scrape of many
 * meters asks the server once.
 *
 * <pre>{@code
 * ServerStatsBinder.builder(() -> parseInfo(redis.info()))
 *     .tags("server", "redis-1:6379")
 *     .counter("keyspace_hits", CacheMeterNames.SERVER_HITS, "Lookups the server answered")
 *     .counter("keyspace_misses", CacheMeterNames.SERVER_MISSES, "Lookups the server missed")
 *     .counter("evicted_keys", CacheMeterNames.SERVER_EVICTIONS, "Keys the server evicted")
 *     .gauge("used_memory", CacheMeterNames.SERVER_MEMORY_USED, "Memory used", "bytes")
 *     .build()
 *     .bindTo(registry);
 * }</pre>
 *
 * <p>A statistic missing from the snapshot, or a snapshot that failed, reads as {@code NaN}. The
 * binder holds its source strongly. Thread-safe; the builder is not.
 */
public final class ServerStatsBinder implements MeterBinder {
  private final ServerStats source;
  private final Tags tags;
  private final List<Mapping> mappings;
  private final long refreshNanos;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile @Nullable Snapshot snapshot;

  private record Mapping(String stat, String meterName, String description, boolean counter, @Nullable String baseUnit) {}

  private record Snapshot(Map<String, ? extends Number> values, long readAtNanos) {}

  private ServerStatsBinder(Builder builder) {
    this.source = builder.source;
    this.tags = builder.tags;
    this.mappings = List.copyOf(builder.mappings);
    this.refreshNanos = builder.refreshInterval.toNanos();
    this.clock = builder.clock;
  }

  /** Returns a builder of a binder reading {@code source}. */
  public static Builder builder(ServerStats source) {
    return new Builder(Objects.requireNonNull(source, "source"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (Mapping mapping : mappings) {
      String stat = mapping.stat();
      if (mapping.counter()) {
        // The function captures this binder, so the registry keeps it (and its source) alive.
        FunctionCounter.builder(mapping.meterName(), this, self -> value(stat))
            .tags(tags)
            .description(mapping.description())
            .baseUnit(mapping.baseUnit())
            .register(registry);
      } else {
        Gauge.builder(mapping.meterName(), this, self -> value(stat))
            .tags(tags)
            .description(mapping.description())
            .baseUnit(mapping.baseUnit())
            .strongReference(true)
            .register(registry);
      }
    }
  }

  /** Returns statistic {@code stat} from a snapshot at most one refresh interval old, or NaN. */
  double value(String stat) {
    Number value = current().values().get(stat);
    return value == null ? Double.NaN : value.doubleValue();
  }

  private Snapshot current() {
    Snapshot last = snapshot;
    if (last != null && clock.monotonicTime() - last.readAtNanos() < refreshNanos) {
      return last;
    }
    lock.lock(); // a ReentrantLock, not synchronized: the read may block on I/O
    try {
      last = snapshot;
      long now = clock.monotonicTime();
      if (last != null && now - last.readAtNanos() < refreshNanos) {
        return last;
      }
      Map<String, ? extends Number> values;
      try {
        values = Map.copyOf(Objects.requireNonNull(source.read(), "ServerStats.read() returned null"));
      } catch (RuntimeException e) {
        values = Map.of(); // NaN until the next refresh; never an exception into the registry
      }
      Snapshot fresh = new Snapshot(values, now);
      snapshot = fresh;
      return fresh;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Configures a {@link ServerStatsBinder}: which statistics become which meters. Mutable and not
   * thread-safe; {@link #build()} returns an immutable binder.
   */
  public static final class Builder {
    private final ServerStats source;
    private Tags tags = Tags.empty();
    private final List<Mapping> mappings = new ArrayList<>();
    private Duration refreshInterval = Duration.ofSeconds(5);
    private Clock clock = Clock.SYSTEM;

    private Builder(ServerStats source) {
      this.source = source;
    }

    /**
     * Adds tags as key-value pairs, such as {@code "server", "redis-1:6379"}.
     *
     * @throws IllegalArgumentException if {@code keyValues} has an odd number of elements
     */
    public Builder tags(String... keyValues) {
      tags = tags.and(keyValues);
      return this;
    }

    /** Adds {@code tags}. */
    public Builder tags(Iterable<Tag> tags) {
      this.tags = this.tags.and(tags);
      return this;
    }

    /** Maps statistic {@code stat}, a total that only grows, to counter {@code meterName}. */
    public Builder counter(String stat, String meterName, String description) {
      mappings.add(new Mapping(check(stat, "stat"), check(meterName, "meterName"), description, true, null));
      return this;
    }

    /** Maps statistic {@code stat}, a level, to gauge {@code meterName}. */
    public Builder gauge(String stat, String meterName, String description) {
      return gauge(stat, meterName, description, null);
    }

    /** Maps statistic {@code stat}, a level in {@code baseUnit} (such as {@code bytes}), to gauge {@code meterName}. */
    public Builder gauge(String stat, String meterName, String description, @Nullable String baseUnit) {
      mappings.add(new Mapping(check(stat, "stat"), check(meterName, "meterName"), description, false, baseUnit));
      return this;
    }

    /**
     * Sets how old a snapshot may get before a meter's read asks the server again (default 5
     * seconds; zero asks on every read).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder refreshInterval(Duration refreshInterval) {
      Objects.requireNonNull(refreshInterval, "refreshInterval");
      if (refreshInterval.isNegative()) {
        throw new IllegalArgumentException("refreshInterval must not be negative, was " + refreshInterval);
      }
      this.refreshInterval = refreshInterval;
      return this;
    }

    /** Sets the clock that ages snapshots (default {@link Clock#SYSTEM}); tests pass a {@code MockClock}. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Returns the binder.
     *
     * @throws IllegalStateException if no statistic was mapped
     */
    public ServerStatsBinder build() {
      if (mappings.isEmpty()) {
        throw new IllegalStateException("map at least one statistic with counter(...) or gauge(...)");
      }
      return new ServerStatsBinder(this);
    }

    private static String check(String value, String what) {
      Objects.requireNonNull(value, what);
      if (value.isEmpty()) {
        throw new IllegalArgumentException(what + " must not be empty");
      }
      return value;
    }
  }
}
