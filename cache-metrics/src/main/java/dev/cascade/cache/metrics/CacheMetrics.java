package dev.cascade.cache.metrics;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.util.Objects;

/**
 * Micrometer metrics for Cascade caches, in Micrometer's own cache names. Two calls instrument a
 * cache completely: the {@link #listener} given to the builder counts each tier, {@link #monitor}
 * binds the cache-level meters.
 *
 * <pre>{@code
 * Cache<Long, Product> products = Cache.<Long, Product>builder("products")
 *     .inMemory(m -> m.maximumSize(10_000))
 *     .tier(RedisTier.create(redis))
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .eventListener(CacheMetrics.listener(registry, "service", "shop"))
 *     .build();
 * CacheMetrics.monitor(products, registry, "service", "shop");
 * // cache.gets{cache=products}        every lookup once, whichever tier answered
 * // cache.gets{cache=products.l1}     lookups in the in-process tier
 * // cache.gets{cache=products.l2}     lookups in Redis
 * }</pre>
 *
 * <p>Give the listener and {@link #monitor} the same extra tags: Prometheus requires every meter of
 * one name to carry the same tag keys, and Micrometer's own cache binders ({@code
 * CaffeineCacheMetrics} and the others) share these names. If two open caches with the same name
 * are bound to one registry, only the first is reported, as with Micrometer's own binders.
 *
 * <p>Closing a cache removes the meters registered for it, per tier and cache-level, and only
 * those, so that a cache built again under the same name on the same registry is reported: at once
 * when the cache has the {@link #listener}, which hears the close; for a cache that is only
 * {@linkplain #monitor monitored}, when the next cache is bound or built with this module's
 * meters. The meters of a cache that was collected without being closed are removed then too.
 *
 * <p>The listener observes the cache, not its tiers: it sees every tier operation as the cache makes
 * it, whatever tier decorators the builder also has, and its place among other listeners does not
 * matter.
 *
 * <p>All methods are thread-safe; the returned listener factory is immutable and may serve many
 * caches.
 */
public final class CacheMetrics {
  private CacheMetrics() {}

  /**
   * Returns a listener factory that registers, for each cache it is given to (through {@code
   * CacheBuilder.eventListener}), per-tier meters named with the tier as the cache: {@code
   * cache.gets{cache=<name>.l1,result=hit|miss}}, {@code cache.puts}, {@code
   * cache.invalidations{scope}}, {@code cache.errors{operation}}, {@code cache.evictions} and {@code
   * cache.size} for the in-process tier, and {@code cache.tier.latency{operation}} timers, {@code
   * cache.circuit.state} and {@code cache.circuit.openings} for remote tiers. The meters are
   * registered when the cache is built and removed when it is closed, together with the meters
   * {@link #monitor} bound for it; the registry holds the cache weakly.
   *
   * @param tags extra tags as key-value pairs, such as {@code "service", "shop"}
   * @throws IllegalArgumentException if {@code tags} has an odd number of elements
   * @throws NullPointerException if {@code registry} or {@code tags} is null
   */
  public static CacheEventListener.Factory listener(MeterRegistry registry, String... tags) {
    Objects.requireNonNull(registry, "registry");
    return listener(registry, Tags.of(Objects.requireNonNull(tags, "tags")));
  }

  /**
   * Like {@link #listener(MeterRegistry, String...)}, with the extra tags given as {@link Tag}s.
   *
   * @throws NullPointerException if {@code registry} or {@code tags} is null
   */
  public static CacheEventListener.Factory listener(MeterRegistry registry, Iterable<Tag> tags) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tags, "tags");
    return new MeteringListener.Factory(registry, tags);
  }

  /**
   * Binds the cache-level meters of {@code cache} to {@code registry} (see {@link
   * CascadeCacheMetrics}) and returns {@code cache}, so that a cache can be built and monitored in
   * one expression. The meters are removed when the cache is closed (see the class description);
   * a cache that is already closed gets none.
   *
   * @param tags extra tags as key-value pairs, such as {@code "service", "shop"}
   * @throws IllegalArgumentException if {@code tags} has an odd number of elements
   * @throws NullPointerException if {@code cache}, {@code registry} or {@code tags} is null
   */
  public static <C extends Cache<?, ?>> C monitor(C cache, MeterRegistry registry, String... tags) {
    return monitor(cache, registry, Tags.of(Objects.requireNonNull(tags, "tags")));
  }

  /**
   * Like {@link #monitor(Cache, MeterRegistry, String...)}, with the extra tags given as {@link Tag}s.
   *
   * @throws NullPointerException if {@code cache}, {@code registry} or {@code tags} is null
   */
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
