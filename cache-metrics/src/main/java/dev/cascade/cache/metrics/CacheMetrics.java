package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.spi.TierDecorator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;

/**
 * Micrometer metrics for Cascade caches, in Micrometer's own cache names. Two calls instrument a
 * cache completely: the decorator on the builder counts each tier, {@link #monitor} binds the
 * cache-level meters.
 *
 * <pre>{@code
 * Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *     .inMemory(m -> m.maximumSize(10_000))
 *     .tier(RedisTier.create(redis))
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .decorateTiers(CacheMetrics.decorator(registry, "service", "shop"))
 *     .build();
 * CacheMetrics.monitor(products, registry, "service", "shop");
 * // cache.gets{cache=products}        every lookup once, whichever tier answered
 * // cache.gets{cache=products.l1}     lookups in the in-process tier
 * // cache.gets{cache=products.l2}     lookups in Redis
 * }</pre>
 *
 * <p>Give the decorator and {@link #monitor} the same extra tags: Prometheus requires every meter of
 * one name to carry the same tag keys, and Micrometer's own cache binders ({@code
 * CaffeineCacheMetrics} and the others) share these names. If two caches with the same name are
 * bound to one registry, only the first is reported, as with Micrometer's own binders.
 *
 * <p>Nesting: the decorator counts what the tier it wraps sees. Given to {@code decorateTiers} before
 * another decorator, it wraps the tiers themselves and the other decorator wraps it; the cache-level
 * binder then cannot see it and {@code cache.puts} falls back to counting loads (see {@link
 * CascadeCacheMetrics}). Give it last to keep exact puts.
 *
 * <p>All methods are thread-safe; the returned decorator is immutable and may serve many caches.
 */
public final class CacheMetrics {
  private CacheMetrics() {}

  /**
   * Returns a tier decorator that registers, for each tier of each cache it is given to, per-tier
   * meters named with the tier as the cache: {@code cache.gets{cache=<name>.l1,result=hit|miss}},
   * {@code cache.puts}, {@code cache.invalidations{scope}}, {@code cache.errors{operation}}, {@code
   * cache.evictions} and {@code cache.size} for the in-process tier, and {@code
   * cache.tier.latency{operation}} timers for remote tiers.
   *
   * @param tags extra tags as key-value pairs, such as {@code "service", "shop"}
   * @throws IllegalArgumentException if {@code tags} has an odd number of elements
   */
  public static TierDecorator decorator(MeterRegistry registry, String... tags) {
    return decorator(registry, Tags.of(tags));
  }

  /** Like {@link #decorator(MeterRegistry, String...)}, with the extra tags given as {@link Tag}s. */
  public static TierDecorator decorator(MeterRegistry registry, Iterable<Tag> tags) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tags, "tags");
    return new MeteringDecorator(registry, tags);
  }

  /**
   * Binds the cache-level meters of {@code cache} to {@code registry} (see {@link
   * CascadeCacheMetrics}) and returns {@code cache}, so that a cache can be built and monitored in
   * one expression.
   *
   * @param tags extra tags as key-value pairs, such as {@code "service", "shop"}
   * @throws IllegalArgumentException if {@code tags} has an odd number of elements
   */
  public static <C extends Cache<?, ?>> C monitor(C cache, MeterRegistry registry, String... tags) {
    return monitor(cache, registry, Tags.of(tags));
  }

  /** Like {@link #monitor(Cache, MeterRegistry, String...)}, with the extra tags given as {@link Tag}s. */
  public static <C extends Cache<?, ?>> C monitor(C cache, MeterRegistry registry, Iterable<Tag> tags) {
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tags, "tags");
    new CascadeCacheMetrics<>(cache, tags).bindTo(registry);
    return cache;
  }

  /** Returns the hit rate and estimated load time saved of {@code cache} as of now. */
  public static CacheSummary summary(Cache<?, ?> cache) {
    return CacheSummary.of(Objects.requireNonNull(cache, "cache").stats());
  }
}
