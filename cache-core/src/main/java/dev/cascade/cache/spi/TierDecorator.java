package dev.cascade.cache.spi;

/**
 * Wraps each tier of a cache as the cache is built, without the tier knowing: how metrics, tracing
 * or logging see every tier of every backend. Given to {@code CacheBuilder.decorateTiers}; when
 * several are given, the first wraps the tier itself and each later one wraps the previous result.
 *
 * <p>A decorator of a {@link LocalTier} must return a {@link LocalTier} that forwards every method,
 * the conditional {@link LocalTier#putLocalIf} and {@link LocalTier#invalidateEntryLocal} included,
 * unchanged in meaning. A decorator of a remote {@link Tier} must forward the methods {@code Tier}
 * has defaults for too ({@link Tier#prepareTags}, {@link Tier#putLoaded}, the lease methods): their
 * defaults drop the wrapped tier's guards. Implementations must be thread-safe.
 */
public interface TierDecorator {

  /** Returns {@code tier} of cache {@code cacheName}, wrapped. */
  <K, V> Tier<K, V> decorate(String cacheName, Tier<K, V> tier);

  /** Returns the in-process {@code tier} of cache {@code cacheName}, wrapped. */
  <K, V> LocalTier<K, V> decorateLocal(String cacheName, LocalTier<K, V> tier);
}
