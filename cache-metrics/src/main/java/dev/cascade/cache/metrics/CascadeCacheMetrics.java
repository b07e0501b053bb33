package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.CacheStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import io.micrometer.core.instrument.search.Search;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Binds a Cascade cache's cache-level meters, read from {@link Cache#stats()} whenever the registry
 * publishes, in Micrometer's cache conventions ({@code cache.gets}, {@code cache.puts}, {@code
 * cache.evictions}, {@code cache.size}, {@code cache.load}, {@code cache.load.duration}) plus
 * Cascade's extras ({@code cache.coalesced.waits}, {@code cache.lease.waits}, {@code
 * cache.null.hits}, {@code cache.decode.failures}, {@code cache.tier.errors}, {@code
 * cache.invalidations.received}, {@code cache.invalidations.unacknowledged}, {@code
 * cache.l1.flushes}, {@code cache.refreshes}, {@code cache.stale.served}, {@code cache.hit.ratio},
 * {@code cache.load.saved}), all tagged {@code cache=<name>}. The meters list is in
 * {@code docs/metrics.md}.
 *
 * <p>Each lookup counts once here, whichever tier answered it; per-tier meters come from {@link
 * CacheMetrics#listener}. {@code cache.puts} counts the entries written by {@code put} and {@code
 * putAll} plus the successful loads (whose values the cache stores). {@code cache.size} is registered only for a cache
 * whose one tier is in-process (read from {@link Cache#inspect()}); a remote tier's size is a
 * server statistic.
 *
 * <p>Holds the cache weakly, like every Micrometer cache binder: binding does not keep a cache alive.
 *
 * <p>When the cache closes, the meters this binder registered are removed, so that a cache built
 * again under the same name is reported: at once if the cache was built with {@link
 * CacheMetrics#listener} (the listener hears the close), and otherwise when the next binder or
 * listener of this module is created (a binder cannot hear the cache close). The meters of a cache
 * collected without being closed are removed then too. A meter that another open cache's binder or
 * listener registered first under the same id (a second cache of one name) stays that cache's.
 *
 * <p>Thread-safe.
 *
 * @param <C> the type of the cache
 */
public final class CascadeCacheMetrics<C extends Cache<?, ?>> extends CacheMeterBinder<C> {
  /** Micrometer's own description of {@code cache.load}, so both binders describe it alike. */
  private static final String LOAD_DESCRIPTION =
      "The number of times cache lookup methods have successfully loaded a new value or failed to load a new"
          + " value, either because no value was found or an exception was thrown while loading";

  /** Creates a binder of {@code cache} under its own name, with extra {@code tags}. */
  public CascadeCacheMetrics(C cache, Iterable<Tag> tags) {
    this(cache, cache.name(), tags);
  }

  /**
   * Creates a binder of {@code cache} under {@code cacheName}, with extra {@code tags}. First removes
   * the meters of caches that were closed, or collected, and still have meters in a registry (see
   * the class description), so that this binder's meters are not taken by theirs.
   */
  public CascadeCacheMetrics(C cache, String cacheName, Iterable<Tag> tags) {
    super(cache, cacheName, tags);
    OwnedMeters.sweep();
  }

  @Override
  protected @Nullable Long size() {
    Cache<?, ?> cache = getCache();
    if (cache == null) {
      return null;
    }
    CacheInspector inspector = cache.inspect();
    return inspector.hasLocalTier() && !inspector.hasRemoteTier() ? inspector.localSize() : null;
  }

  @Override
  protected long hitCount() {
    return read(CacheStats::hitCount);
  }

  @Override
  protected Long missCount() {
    return read(CacheStats::missCount);
  }

  @Override
  protected Long evictionCount() {
    return read(CacheStats::evictionCount);
  }

  @Override
  protected long putCount() {
    return read(stats -> stats.putCount() + stats.loadSuccessCount());
  }

  private long read(java.util.function.ToLongFunction<CacheStats> stat) {
    Cache<?, ?> cache = getCache();
    return cache == null ? 0 : stat.applyAsLong(cache.stats());
  }

  @Override
  protected void bindImplementationSpecificMetrics(MeterRegistry registry) {
    Cache<?, ?> cache = getCache();
    if (cache == null) {
      return;
    }
    OwnedMeters.record(
        registry,
        cache.inspect(),
        owned -> {
          keepConventionMeters(registry, owned);
          bindExtras(registry, cache, owned);
        });
  }

  /**
   * Gives {@code owned} the meters of Micrometer's conventions that {@link #bindTo} registered
   * before it called {@link #bindImplementationSpecificMetrics}: their references stay in the
   * superclass, so each is found again by its name and tags. Of the meters found, which all carry
   * at least these tags, the one with the fewest tags is the one this binder registered (or the
   * meter of the same id it was given).
   */
  private void keepConventionMeters(MeterRegistry registry, OwnedMeters.Recorder owned) {
    if (size() != null) {
      keepConventionMeter(registry, owned, CacheMeterNames.SIZE, null);
    }
    keepConventionMeter(registry, owned, CacheMeterNames.GETS, "hit");
    keepConventionMeter(registry, owned, CacheMeterNames.GETS, "miss");
    keepConventionMeter(registry, owned, CacheMeterNames.PUTS, null);
    keepConventionMeter(registry, owned, CacheMeterNames.EVICTIONS, null);
  }

  private void keepConventionMeter(
      MeterRegistry registry, OwnedMeters.Recorder owned, String name, @Nullable String result) {
    Search search = registry.find(name).tags(getTagsWithCacheName());
    if (result != null) {
      search = search.tag(CacheMeterNames.TAG_RESULT, result);
    }
    search.meters().stream()
        .min(Comparator.comparingInt(meter -> meter.getId().getTags().size()))
        .ifPresent(owned::keep);
  }

  private void bindExtras(MeterRegistry registry, Cache<?, ?> cache, OwnedMeters.Recorder owned) {
    // Every function below takes the cache as its argument and captures nothing, so the registry
    // holds the cache only weakly.
    owned.keep(counter(registry, cache, CacheMeterNames.LOAD, "success", s -> s.loadSuccessCount(),
        LOAD_DESCRIPTION));
    owned.keep(counter(registry, cache, CacheMeterNames.LOAD, "failure", s -> s.loadFailureCount(),
        LOAD_DESCRIPTION));
    owned.keep(
        TimeGauge.builder(
                CacheMeterNames.LOAD_DURATION, cache, TimeUnit.NANOSECONDS, c -> c.stats().totalLoadTimeNanos())
            .tags(getTagsWithCacheName())
            .description("The time the cache has spent loading new values")
            .register(registry));

    owned.keep(counter(registry, cache, CacheMeterNames.COALESCED_WAITS, null, s -> s.coalescedWaitCount(),
        "Callers that waited for a load another caller ran (single-flight)"));
    owned.keep(counter(registry, cache, CacheMeterNames.LEASE_WAITS, null, s -> s.leaseWaitCount(),
        "Callers that lost the distributed stampede lease and waited for its holder"));
    owned.keep(counter(registry, cache, CacheMeterNames.NULL_HITS, null, s -> s.nullHitCount(),
        "Hits on a cached absence"));
    owned.keep(counter(registry, cache, CacheMeterNames.DECODE_FAILURES, null, s -> s.decodeFailureCount(),
        "Remote values that could not be decoded, counted as misses and deleted"));
    owned.keep(counter(registry, cache, CacheMeterNames.TIER_ERRORS, null, s -> s.tierErrorCount(),
        "Tier operations that failed and that the cache absorbed by failing open"));
    owned.keep(counter(registry, cache, CacheMeterNames.INVALIDATIONS_RECEIVED, null,
        s -> s.invalidationsReceivedCount(),
        "Invalidations applied that other instances sent over the invalidation channel"));
    owned.keep(counter(registry, cache, CacheMeterNames.INVALIDATIONS_UNACKNOWLEDGED, null,
        s -> s.unacknowledgedInvalidationCount(),
        "Invalidations this cache sent that some other live instance did not acknowledge in time"));
    owned.keep(counter(registry, cache, CacheMeterNames.L1_FLUSHES, null, s -> s.localFlushCount(),
        "Times the whole in-process tier was dropped because invalidations may have been lost"));
    owned.keep(counter(registry, cache, CacheMeterNames.REFRESHES, "success", s -> s.refreshSuccessCount(),
        "Background refreshes that put a newer value in place"));
    owned.keep(counter(registry, cache, CacheMeterNames.REFRESHES, "failure", s -> s.refreshFailureCount(),
        "Background refreshes whose loader failed"));
    String staleDescription = "Calls answered with a logically expired value";
    owned.keep(counter(registry, cache, CacheMeterNames.STALE_SERVED, CacheMeterNames.TAG_REASON, "revalidate",
        s -> s.staleRevalidateCount(), staleDescription));
    owned.keep(counter(registry, cache, CacheMeterNames.STALE_SERVED, CacheMeterNames.TAG_REASON, "error",
        s -> s.staleErrorCount(), staleDescription));

    owned.keep(
        Gauge.builder(CacheMeterNames.HIT_RATIO, cache, c -> c.stats().hitRate())
            .tags(getTagsWithCacheName())
            .description("Share of lookups that hit since the cache was built")
            .register(registry));
    owned.keep(
        TimeGauge.builder(
                CacheMeterNames.LOAD_SAVED,
                cache,
                TimeUnit.NANOSECONDS,
                c -> savedNanos(c.stats()))
            .tags(getTagsWithCacheName())
            .description("Estimated loader time avoided by hits: hits times the mean load time")
            .register(registry));
  }

  /** Returns the loader time the hits of {@code stats} avoided, estimated, in nanoseconds. */
  static double savedNanos(CacheStats stats) {
    return stats.hitCount() * stats.averageLoadPenaltyNanos();
  }

  private FunctionCounter counter(
      MeterRegistry registry,
      Cache<?, ?> cache,
      String name,
      @Nullable String result,
      ToDoubleFunction<CacheStats> stat,
      String description) {
    String tagKey = result == null ? null : CacheMeterNames.TAG_RESULT;
    return counter(registry, cache, name, tagKey, result, stat, description);
  }

  private FunctionCounter counter(
      MeterRegistry registry,
      Cache<?, ?> cache,
      String name,
      @Nullable String tagKey,
      @Nullable String tagValue,
      ToDoubleFunction<CacheStats> stat,
      String description) {
    FunctionCounter.Builder<Cache<?, ?>> builder =
        FunctionCounter.<Cache<?, ?>>builder(name, cache, c -> stat.applyAsDouble(c.stats()))
            .tags(getTagsWithCacheName())
            .description(description);
    if (tagKey != null && tagValue != null) {
      builder.tag(tagKey, tagValue);
    }
    return builder.register(registry);
  }
}
