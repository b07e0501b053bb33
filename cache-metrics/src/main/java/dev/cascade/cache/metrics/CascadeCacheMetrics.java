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
 * Thread-safe.
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

  /** Creates a binder of {@code cache} under {@code cacheName}, with extra {@code tags}. */
  public CascadeCacheMetrics(C cache, String cacheName, Iterable<Tag> tags) {
    super(cache, cacheName, tags);
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
    // Every function below takes the cache as its argument and captures nothing, so the registry
    // holds the cache only weakly.
    counter(registry, cache, CacheMeterNames.LOAD, "success", s -> s.loadSuccessCount(),
        LOAD_DESCRIPTION);
    counter(registry, cache, CacheMeterNames.LOAD, "failure", s -> s.loadFailureCount(),
        LOAD_DESCRIPTION);
    TimeGauge.builder(
            CacheMeterNames.LOAD_DURATION, cache, TimeUnit.NANOSECONDS, c -> c.stats().totalLoadTimeNanos())
        .tags(getTagsWithCacheName())
        .description("The time the cache has spent loading new values")
        .register(registry);

    counter(registry, cache, CacheMeterNames.COALESCED_WAITS, null, s -> s.coalescedWaitCount(),
        "Callers that waited for a load another caller ran (single-flight)");
    counter(registry, cache, CacheMeterNames.LEASE_WAITS, null, s -> s.leaseWaitCount(),
        "Callers that lost the distributed stampede lease and waited for its holder");
    counter(registry, cache, CacheMeterNames.NULL_HITS, null, s -> s.nullHitCount(),
        "Hits on a cached absence");
    counter(registry, cache, CacheMeterNames.DECODE_FAILURES, null, s -> s.decodeFailureCount(),
        "Remote values that could not be decoded, counted as misses and deleted");
    counter(registry, cache, CacheMeterNames.TIER_ERRORS, null, s -> s.tierErrorCount(),
        "Tier operations that failed and that the cache absorbed by failing open");
    counter(registry, cache, CacheMeterNames.INVALIDATIONS_RECEIVED, null,
        s -> s.invalidationsReceivedCount(),
        "Invalidations applied that other instances sent over the invalidation channel");
    counter(registry, cache, CacheMeterNames.INVALIDATIONS_UNACKNOWLEDGED, null,
        s -> s.unacknowledgedInvalidationCount(),
        "Invalidations this cache sent that some other live instance did not acknowledge in time");
    counter(registry, cache, CacheMeterNames.L1_FLUSHES, null, s -> s.localFlushCount(),
        "Times the whole in-process tier was dropped because invalidations may have been lost");
    counter(registry, cache, CacheMeterNames.REFRESHES, "success", s -> s.refreshSuccessCount(),
        "Background refreshes that put a newer value in place");
    counter(registry, cache, CacheMeterNames.REFRESHES, "failure", s -> s.refreshFailureCount(),
        "Background refreshes whose loader failed");
    String staleDescription = "Calls answered with a logically expired value";
    counter(registry, cache, CacheMeterNames.STALE_SERVED, CacheMeterNames.TAG_REASON, "revalidate",
        s -> s.staleRevalidateCount(), staleDescription);
    counter(registry, cache, CacheMeterNames.STALE_SERVED, CacheMeterNames.TAG_REASON, "error",
        s -> s.staleErrorCount(), staleDescription);

    Gauge.builder(CacheMeterNames.HIT_RATIO, cache, c -> c.stats().hitRate())
        .tags(getTagsWithCacheName())
        .description("Share of lookups that hit since the cache was built")
        .register(registry);
    TimeGauge.builder(
            CacheMeterNames.LOAD_SAVED,
            cache,
            TimeUnit.NANOSECONDS,
            c -> savedNanos(c.stats()))
        .tags(getTagsWithCacheName())
        .description("Estimated loader time avoided by hits: hits times the mean load time")
        .register(registry);
  }

  /** Returns the loader time the hits of {@code stats} avoided, estimated, in nanoseconds. */
  static double savedNanos(CacheStats stats) {
    return stats.hitCount() * stats.averageLoadPenaltyNanos();
  }

  private void counter(
      MeterRegistry registry,
      Cache<?, ?> cache,
      String name,
      @Nullable String result,
      ToDoubleFunction<CacheStats> stat,
      String description) {
    counter(registry, cache, name, result == null ? null : CacheMeterNames.TAG_RESULT, result, stat, description);
  }

  private void counter(
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
    builder.register(registry);
  }
}
