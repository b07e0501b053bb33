package dev.cascade.cache.metrics;

import static dev.cascade.cache.metrics.CacheMeterNames.TAG_CACHE;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one tier, registered once when the tier is decorated so that no call looks a meter
 * up. Counters are Micrometer's, so two tiers with the same cache and tier name in one registry add
 * up in the same series; {@link #storedPuts} is this tier's own count, which the cache-level binder
 * reads. Thread-safe: every field is final and every meter is.
 */
final class TierMeters {
  final String tierCacheName;
  final Counter hits;
  final Counter misses;
  final Counter puts;
  final Counter invalidatedKeys;
  final Counter invalidatedAll;
  final Counter invalidatedTags;
  private final Counter[] errors;
  private final Timer @Nullable [] latencies;
  private final LongAdder storedPuts = new LongAdder();
  private final Clock clock;

  /**
   * Registers the meters of tier {@code tierName} of cache {@code cacheName}; {@code timed} adds a
   * latency timer per operation (remote tiers).
   */
  TierMeters(MeterRegistry registry, Iterable<Tag> tags, String cacheName, String tierName, boolean timed) {
    this.tierCacheName = cacheName + "." + tierName;
    this.clock = registry.config().clock();
    Tags base = Tags.concat(tags, TAG_CACHE, tierCacheName);
    this.hits = gets(registry, base, "hit");
    this.misses = gets(registry, base, "miss");
    this.puts =
        Counter.builder(CacheMeterNames.PUTS)
            .tags(base)
            .description("The number of entries added to the cache")
            .register(registry);
    this.invalidatedKeys = invalidations(registry, base, "key");
    this.invalidatedAll = invalidations(registry, base, "all");
    this.invalidatedTags = invalidations(registry, base, "tag");
    Operation[] operations = Operation.values();
    this.errors = new Counter[operations.length];
    this.latencies = timed ? new Timer[operations.length] : null;
    for (Operation operation : operations) {
      errors[operation.ordinal()] =
          Counter.builder(CacheMeterNames.ERRORS)
              .tags(base)
              .tag(CacheMeterNames.TAG_OPERATION, operation.tagValue())
              .description("Failed operations of a cache tier")
              .register(registry);
      if (latencies != null) {
        latencies[operation.ordinal()] =
            Timer.builder(CacheMeterNames.TIER_LATENCY)
                .tags(base)
                .tag(CacheMeterNames.TAG_OPERATION, operation.tagValue())
                .description("Duration of operations of a remote cache tier, failed ones included")
                .register(registry);
      }
    }
  }

  private static Counter gets(MeterRegistry registry, Tags base, String result) {
    return Counter.builder(CacheMeterNames.GETS)
        .tags(base)
        .tag(CacheMeterNames.TAG_RESULT, result)
        .description(
            "The number of times cache lookup methods have returned a cached (hit) or uncached (newly loaded or null) value (miss).")
        .register(registry);
  }

  private static Counter invalidations(MeterRegistry registry, Tags base, String scope) {
    return Counter.builder(CacheMeterNames.INVALIDATIONS)
        .tags(base)
        .tag(CacheMeterNames.TAG_SCOPE, scope)
        .description("Invalidations a cache tier received")
        .register(registry);
  }

  /** Counts {@code count} entries stored in the tier. */
  void stored(long count) {
    puts.increment(count);
    storedPuts.add(count);
  }

  /** Returns how many entries this tier instance stored. */
  long storedPuts() {
    return storedPuts.sum();
  }

  /** Counts a failure of {@code operation}. */
  void failed(Operation operation) {
    errors[operation.ordinal()].increment();
  }

  /** Returns the error counter of {@code operation}. */
  Counter errors(Operation operation) {
    return errors[operation.ordinal()];
  }

  /** Returns the registry's monotonic time in nanoseconds, the start of a timed operation. */
  long start() {
    return clock.monotonicTime();
  }

  /** Records the duration of {@code operation} that started at {@code startNanos}. */
  void finished(Operation operation, long startNanos) {
    Timer[] timers = latencies;
    if (timers != null) {
      timers[operation.ordinal()].record(clock.monotonicTime() - startNanos, TimeUnit.NANOSECONDS);
    }
  }
}
