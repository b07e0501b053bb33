package dev.cascade.cache.metrics;

import static dev.cascade.cache.metrics.CacheMeterNames.TAG_CACHE;

import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.InvalidationScope;
import dev.cascade.cache.TierOperation;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one tier of one cache, registered once when the cache is built so that no event
 * looks a meter up, and recorded in {@link OwnedMeters} so that closing the cache removes them.
 * Event counts live in this object's {@link LongAdder}s and the registry reads them through
 * function counters, so counting costs one adder increment whatever the registry is (a composite
 * registry's counters would fan out on every increment). Timers are the registry's own: they time
 * remote operations only.
 *
 * <p>What the cache counts or holds itself is read from its {@link CacheInspector} when the registry
 * publishes: the in-process tier's lookups, lookup failures, size and evictions, and a remote tier's
 * circuit breaker. Those function meters take the inspector as their state object, which Micrometer
 * holds weakly, and their functions capture at most the tier's index, so the registry never keeps a
 * cache alive. The adders are held weakly by the registry too and strongly by the cache's listener.
 *
 * <p>Thread-safe: every field is final and every adder and meter is thread-safe.
 */
final class TierMeters {
  private static final String GETS_DESCRIPTION =
      "The number of times cache lookup methods have returned a cached (hit) or uncached (newly loaded or null) value (miss).";
  private static final String ERRORS_DESCRIPTION = "Failed operations of a cache tier";
  private static final String INVALIDATIONS_DESCRIPTION = "Invalidations a cache tier received";

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder puts = new LongAdder();
  /** Invalidations by {@link InvalidationScope#ordinal()}. */
  private final LongAdder[] invalidations = adders(InvalidationScope.values().length);
  /** Failures by {@link TierOperation#ordinal()}. */
  private final LongAdder[] errors = adders(TierOperation.values().length);
  /** Latencies by {@link TierOperation#ordinal()}; {@code null} for the in-process tier. */
  private final Timer @Nullable [] latencies;

  /**
   * Registers the meters of tier {@code tier} of the cache that {@code cache} inspects, named
   * {@code <cache>.<tier name>}, with the extra {@code tags}, and gives each to {@code owned}, so
   * that closing the cache removes them.
   */
  TierMeters(MeterRegistry registry, Iterable<Tag> tags, CacheInspector cache, int tier, OwnedMeters.Recorder owned) {
    boolean local = tier == 0 && cache.hasLocalTier();
    Tags base = Tags.concat(tags, TAG_CACHE, cache.cacheName() + "." + cache.tierNames().get(tier));

    if (local) {
      // The cache counts its in-process lookups itself, exactly; they are never events.
      owned.keep(
          FunctionCounter.builder(CacheMeterNames.GETS, cache, c -> c.localLookups().hits())
              .tags(base.and(CacheMeterNames.TAG_RESULT, "hit"))
              .description(GETS_DESCRIPTION)
              .register(registry));
      owned.keep(
          FunctionCounter.builder(CacheMeterNames.GETS, cache, c -> c.localLookups().misses())
              .tags(base.and(CacheMeterNames.TAG_RESULT, "miss"))
              .description(GETS_DESCRIPTION)
              .register(registry));
    } else {
      Tags hit = base.and(CacheMeterNames.TAG_RESULT, "hit");
      Tags miss = base.and(CacheMeterNames.TAG_RESULT, "miss");
      owned.keep(counter(registry, CacheMeterNames.GETS, hit, hits, GETS_DESCRIPTION));
      owned.keep(counter(registry, CacheMeterNames.GETS, miss, misses, GETS_DESCRIPTION));
    }
    owned.keep(counter(registry, CacheMeterNames.PUTS, base, puts, "The number of entries added to the cache"));
    for (InvalidationScope scope : InvalidationScope.values()) {
      owned.keep(counter(registry, CacheMeterNames.INVALIDATIONS, base.and(CacheMeterNames.TAG_SCOPE, scope.tagValue()),
          invalidations[scope.ordinal()], INVALIDATIONS_DESCRIPTION));
    }

    TierOperation[] operations = TierOperation.values();
    this.latencies = local ? null : new Timer[operations.length];
    for (TierOperation operation : operations) {
      Tags tagged = base.and(CacheMeterNames.TAG_OPERATION, operation.tagValue());
      if (local && operation == TierOperation.GET) {
        owned.keep(
            FunctionCounter.builder(CacheMeterNames.ERRORS, cache, c -> c.localLookups().failures())
                .tags(tagged)
                .description(ERRORS_DESCRIPTION)
                .register(registry));
      } else {
        owned.keep(
            counter(registry, CacheMeterNames.ERRORS, tagged, errors[operation.ordinal()], ERRORS_DESCRIPTION));
      }
      if (latencies != null) {
        Timer latency =
            Timer.builder(CacheMeterNames.TIER_LATENCY)
                .tags(tagged)
                .description("Duration of operations of a remote cache tier, failed ones included")
                .register(registry);
        owned.keep(latency);
        latencies[operation.ordinal()] = latency;
      }
    }

    if (local) {
      owned.keep(
          FunctionCounter.builder(CacheMeterNames.EVICTIONS, cache, CacheInspector::localEvictions)
              .tags(base)
              .description("The number of times the cache was evicted.")
              .register(registry));
      owned.keep(
          Gauge.builder(CacheMeterNames.SIZE, cache, CacheInspector::localSize)
              .tags(base)
              .description(
                  "The number of entries in this cache. This may be an approximation, depending on the type of cache.")
              .register(registry));
    } else {
      owned.keep(
          Gauge.builder(CacheMeterNames.CIRCUIT_STATE, cache, c -> stateValue(c.circuitState(tier)))
              .tags(base)
              .description("State of the tier's circuit breaker: 0 closed, 1 half-open, 2 open")
              .register(registry));
      owned.keep(
          FunctionCounter.builder(CacheMeterNames.CIRCUIT_OPENINGS, cache, c -> c.circuitOpenings(tier))
              .tags(base)
              .description("Times the tier's circuit breaker opened")
              .register(registry));
    }
  }

  private static LongAdder[] adders(int count) {
    LongAdder[] adders = new LongAdder[count];
    for (int i = 0; i < count; i++) {
      adders[i] = new LongAdder();
    }
    return adders;
  }

  private static FunctionCounter counter(
      MeterRegistry registry, String name, Tags tags, LongAdder adder, String description) {
    return FunctionCounter.builder(name, adder, LongAdder::sum).tags(tags).description(description).register(registry);
  }

  private static double stateValue(CircuitState state) {
    return switch (state) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  /** Counts lookups in a remote tier. */
  void lookedUp(int hitCount, int missCount) {
    if (hitCount > 0) {
      hits.add(hitCount);
    }
    if (missCount > 0) {
      misses.add(missCount);
    }
  }

  /** Counts {@code entries} entries stored in the tier. */
  void stored(int entries) {
    if (entries > 0) {
      puts.add(entries);
    }
  }

  /** Counts an invalidation of {@code scope} reaching {@code count} keys, or one for other scopes. */
  void invalidated(InvalidationScope scope, int count) {
    invalidations[scope.ordinal()].add(count);
  }

  /** Times {@code operation} (remote tiers) and counts it as an error when it {@code failed}. */
  void operated(TierOperation operation, long nanos, boolean failed) {
    Timer[] timers = latencies;
    if (timers != null) {
      timers[operation.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
    }
    if (failed) {
      errors[operation.ordinal()].increment();
    }
  }
}
