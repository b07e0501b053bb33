package dev.cascade.cache.internal;

import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.spi.TierDecorator;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Everything the builder resolved for one cache, already checked against each other: what {@link
 * CacheFactory} builds a cache from.
 *
 * @param name the cache's name
 * @param local the in-process tier, if any (not yet decorated)
 * @param stores the remote stores, nearest first
 * @param keyCodec the key codec, which also names keys in invalidation messages
 * @param valueCodec the value codec; non-null when there are stores
 * @param keyPrefix the first segment of every remote key
 * @param ttl default TTL, {@code null} for none
 * @param jitter TTL jitter fraction in [0, 1)
 * @param nullTtl TTL of cached absences, {@code null} when absences are not cached
 * @param ticker the time source
 * @param stampedeLock the distributed stampede lock, {@code null} for single-flight in this JVM only
 * @param leaseTime the distributed lease time
 * @param leaseMaxWait how long a caller that lost the lease waits for its holder's value
 * @param leasePoll the mean interval at which such a caller looks for that value
 * @param executor where continuations of misses and asynchronous loaders run
 * @param channel the invalidation channel to other instances, if any
 * @param decorators tier decorators, innermost first
 * @param breakerThreshold consecutive failures that open a remote tier's circuit breaker
 * @param breakerOpenDuration how long an open breaker refuses calls before a probe
 * @param listeners factories of the cache's event listeners
 * @param earlyRefreshBeta XFetch's beta of early refresh, 0 for none
 * @param staleWhileRevalidate how long past expiry a hit serves the old value while refreshing it,
 *     {@code null} for never
 * @param staleIfError how long past expiry the old value answers a failed load, {@code null} for
 *     never
 * @param random the source of early refresh's draws and of TTL jitter
 * @param expireAfterAccess the sliding TTL, {@code null} for none; when set, {@code ttl} holds the
 *     same duration (every entry's lifetime until it is first read) and each read in a remote tier
 *     moves the entry's expiry to now plus this
 * @param layout the remote layout, {@code null} for the default (envelope, {@code
 *     <prefix>:<cache>:<key>}, tag versions)
 */
public record CacheSettings<K, V>(
    String name,
    @Nullable LocalTier<K, V> local,
    List<RemoteStore> stores,
    KeyCodec<K> keyCodec,
    @Nullable Codec<V> valueCodec,
    String keyPrefix,
    @Nullable Duration ttl,
    double jitter,
    @Nullable Duration nullTtl,
    Ticker ticker,
    @Nullable StampedeLock stampedeLock,
    Duration leaseTime,
    Duration leaseMaxWait,
    Duration leasePoll,
    Executor executor,
    @Nullable InvalidationChannel channel,
    List<TierDecorator> decorators,
    int breakerThreshold,
    Duration breakerOpenDuration,
    List<CacheEventListener.Factory> listeners,
    double earlyRefreshBeta,
    @Nullable Duration staleWhileRevalidate,
    @Nullable Duration staleIfError,
    RandomGenerator random,
    @Nullable Duration expireAfterAccess,
    @Nullable LayoutSettings layout) {

  public CacheSettings {
    stores = List.copyOf(stores);
    decorators = List.copyOf(decorators);
    listeners = List.copyOf(listeners);
  }
}
