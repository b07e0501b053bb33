package dev.cascade.cache.internal;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.Tier;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * Everything the builder resolved for one cache, already checked against each other.
 *
 * @param name the cache's name
 * @param local the in-process tier, if any
 * @param remotes the remote tiers, nearest first
 * @param ttl default TTL, {@code null} for none
 * @param jitter TTL jitter fraction in [0, 1)
 * @param nullTtl TTL of cached absences, {@code null} when absences are not cached
 * @param ticker the time source
 * @param leaseTime the distributed lease time, {@code null} without a distributed stampede lock
 * @param leaseMaxWait how long a caller that lost the lease waits for its holder's value
 * @param leasePoll the mean interval at which such a caller looks for that value
 * @param asyncExecutor where continuations of the asynchronous API run
 * @param stats the cache's counters, shared with its remote tiers
 * @param channel the invalidation channel to other instances, if any
 * @param keyCodec the key codec, which also names keys in invalidation messages
 */
public record CacheSettings<K, V>(
    String name,
    @Nullable LocalTier<K, V> local,
    List<Tier<K, V>> remotes,
    @Nullable Duration ttl,
    double jitter,
    @Nullable Duration nullTtl,
    Ticker ticker,
    @Nullable Duration leaseTime,
    Duration leaseMaxWait,
    Duration leasePoll,
    Executor asyncExecutor,
    StatsCounter stats,
    @Nullable InvalidationChannel channel,
    KeyCodec<K> keyCodec) {

  public CacheSettings {
    remotes = List.copyOf(remotes);
  }
}
