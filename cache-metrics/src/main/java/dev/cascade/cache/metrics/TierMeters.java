package dev.cascade.cache.metrics;

import static dev.cascade.cache.metrics.CacheMeterNames.TAG_CACHE;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import dev.cascade.cache.internal.HitCounter;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one tier, registered once when the tier is decorated so that no call looks a meter
 * up. Counts live in this object's {@link LongAdder}s and the registry reads them through function
 * counters, so counting costs one adder increment whatever the registry is (a composite registry's
 * counters would fan out on every increment). The registry holds the adders weakly, as Micrometer's
 * cache binders hold their caches. Timers are the registry's own: they time remote calls only.
 *
 * <p>Thread-safe: every field is final and every adder and meter is thread-safe.
 */
final class TierMeters {
  final String tierCacheName;
  final HitCounter hits = new HitCounter();
  /** The owning cache's count of this tier's hits that {@link #hits} does not see; see {@link #bindHits}. */
  private volatile @Nullable LongSupplier boundHits;
  final LongAdder misses = new LongAdder();
  final LongAdder invalidatedKeys = new LongAdder();
  final LongAdder invalidatedAll = new LongAdder();
  final LongAdder invalidatedTags = new LongAdder();
  private final LongAdder puts = new LongAdder();
  private final LongAdder[] errors;
  private final Timer @Nullable [] latencies;
  private final Clock clock;

  /**
   * Registers the meters of tier {@code tierName} of cache {@code cacheName}; {@code timed} adds a
   * latency timer per operation (remote tiers).
   */
  TierMeters(MeterRegistry registry, Iterable<Tag> tags, String cacheName, String tierName, boolean timed) {
    this.tierCacheName = cacheName + "." + tierName;
    this.clock = registry.config().clock();
    Tags base = Tags.concat(tags, TAG_CACHE, tierCacheName);
    String getsDescription =
        "The number of times cache lookup methods have returned a cached (hit) or uncached (newly loaded or null) value (miss).";
    FunctionCounter.builder(CacheMeterNames.GETS, this, TierMeters::hitCount)
        .tags(base.and(CacheMeterNames.TAG_RESULT, "hit"))
        .description(getsDescription)
        .register(registry);
    counter(registry, CacheMeterNames.GETS, base.and(CacheMeterNames.TAG_RESULT, "miss"), misses, getsDescription);
    counter(registry, CacheMeterNames.PUTS, base, puts, "The number of entries added to the cache");
    String invalidationsDescription = "Invalidations a cache tier received";
    counter(registry, CacheMeterNames.INVALIDATIONS, base.and(CacheMeterNames.TAG_SCOPE, "key"), invalidatedKeys,
        invalidationsDescription);
    counter(registry, CacheMeterNames.INVALIDATIONS, base.and(CacheMeterNames.TAG_SCOPE, "all"), invalidatedAll,
        invalidationsDescription);
    counter(registry, CacheMeterNames.INVALIDATIONS, base.and(CacheMeterNames.TAG_SCOPE, "tag"), invalidatedTags,
        invalidationsDescription);
    Operation[] operations = Operation.values();
    this.errors = new LongAdder[operations.length];
    this.latencies = timed ? new Timer[operations.length] : null;
    for (Operation operation : operations) {
      Tags tagged = base.and(CacheMeterNames.TAG_OPERATION, operation.tagValue());
      errors[operation.ordinal()] = new LongAdder();
      counter(registry, CacheMeterNames.ERRORS, tagged, errors[operation.ordinal()], "Failed operations of a cache tier");
      if (latencies != null) {
        latencies[operation.ordinal()] =
            Timer.builder(CacheMeterNames.TIER_LATENCY)
                .tags(tagged)
                .description("Duration of operations of a remote cache tier, failed ones included")
                .register(registry);
      }
    }
  }

  private static void counter(MeterRegistry registry, String name, Tags tags, LongAdder adder, String description) {
    FunctionCounter.builder(name, adder, LongAdder::sum).tags(tags).description(description).register(registry);
  }

  /**
   * From now on the tier's hits are {@link #hits} plus {@code cacheCounted}: the hits the owning
   * cache counts itself, which the caller then stops counting in {@link #hits}.
   */
  void bindHits(LongSupplier cacheCounted) {
    boundHits = cacheCounted;
  }

  /** Returns whether {@link #bindHits} was called, so that the caller counts fewer hits itself. */
  boolean hitsBound() {
    return boundHits != null;
  }

  private double hitCount() {
    LongSupplier bound = boundHits;
    return hits.sum() + (bound == null ? 0 : bound.getAsLong());
  }

  /** Counts {@code count} entries stored in the tier. */
  void stored(long count) {
    puts.add(count);
  }

  /** Counts a failure of {@code operation}. */
  void failed(Operation operation) {
    errors[operation.ordinal()].increment();
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
