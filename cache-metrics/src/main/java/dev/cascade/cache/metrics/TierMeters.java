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
import dev.cascade.cache.spi.LocalLookupCounts;
import dev.cascade.cache.spi.LocalTier;
import java.util.concurrent.atomic.LongAdder;
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
  /**
   * The owning cache's counts of the lookups it makes in this tier without calling the metered tier
   * (see {@link LocalTier#lookupsCountedBy}); added to {@link #hits}, {@link #misses} and the get
   * errors, which count the lookups that do reach the metered tier. Set at most once; {@link
   * #NO_LOOKUPS} until then.
   */
  private volatile LocalLookupCounts cacheCounted = NO_LOOKUPS;

  /** The counts of a tier whose lookups all reach the metered tier. */
  private static final LocalLookupCounts NO_LOOKUPS =
      new LocalLookupCounts() {
        @Override
        public long hits() {
          return 0;
        }

        @Override
        public long misses() {
          return 0;
        }

        @Override
        public long failures() {
          return 0;
        }
      };
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
    FunctionCounter.builder(CacheMeterNames.GETS, this, TierMeters::missCount)
        .tags(base.and(CacheMeterNames.TAG_RESULT, "miss"))
        .description(getsDescription)
        .register(registry);
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
      String errorsDescription = "Failed operations of a cache tier";
      if (operation == Operation.GET) {
        FunctionCounter.builder(CacheMeterNames.ERRORS, this, TierMeters::getErrorCount)
            .tags(tagged)
            .description(errorsDescription)
            .register(registry);
      } else {
        counter(registry, CacheMeterNames.ERRORS, tagged, errors[operation.ordinal()], errorsDescription);
      }
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
   * From now on the tier's lookup meters add {@code counts}: the lookups the owning cache makes in
   * the wrapped tier directly, counting them itself.
   */
  void addCacheCounted(LocalLookupCounts counts) {
    cacheCounted = counts;
  }

  private double hitCount() {
    return hits.sum() + cacheCounted.hits();
  }

  private double missCount() {
    return misses.sum() + cacheCounted.misses();
  }

  private double getErrorCount() {
    return errors[Operation.GET.ordinal()].sum() + cacheCounted.failures();
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
