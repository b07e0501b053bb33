package dev.cascade.cache.metrics;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.internal.HitCounter;
import dev.cascade.cache.spi.LocalLookupCounts;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.TierEntry;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An in-process tier that counts its lookups, stores, invalidations and errors, and exposes the
 * wrapped tier's size and evictions. Every method forwards to the wrapped tier unchanged in meaning;
 * the owning cache looks keys up in the wrapped tier directly and this tier reports the cache's own
 * exact lookup counts ({@link #lookupsCountedBy}), so metering adds nothing to a hit. Not timed: an
 * in-process call is cheaper than reading a clock twice. Thread-safe as the wrapped tier is.
 */
final class MeteredLocalTier<K, V> implements LocalTier<K, V> {
  private final LocalTier<K, V> delegate;
  private final TierMeters meters;
  private final MeteredTier<K, V> asynchronous;
  private final HitCounter hits;
  private final LongAdder misses;

  MeteredLocalTier(MeterRegistry registry, Iterable<Tag> tags, String cacheName, LocalTier<K, V> delegate) {
    this.delegate = delegate;
    this.meters = new TierMeters(registry, tags, cacheName, delegate.name(), false);
    this.asynchronous = new MeteredTier<>(meters, delegate);
    this.hits = meters.hits;
    this.misses = meters.misses;
    Tags base = Tags.concat(tags, CacheMeterNames.TAG_CACHE, meters.tierCacheName);
    // Function meters hold the wrapped tier weakly, as Micrometer's binders do.
    FunctionCounter.builder(CacheMeterNames.EVICTIONS, delegate, LocalTier::evictionCount)
        .tags(base)
        .description("The number of times the cache was evicted.")
        .register(registry);
    Gauge.builder(CacheMeterNames.SIZE, delegate, LocalTier::estimatedSize)
        .tags(base)
        .description(
            "The number of entries in this cache. This may be an approximation, depending on the type of cache.")
        .register(registry);
  }

  TierMeters meters() {
    return meters;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public @Nullable TierEntry<V> peek(K key) {
    return delegate.peek(key); // the cache's own second look after a miss: not a lookup
  }

  @Override
  public @Nullable Object getValueIfPresent(K key) {
    return counted(delegate::getValueIfPresent, key);
  }

  @Override
  public @Nullable TierEntry<V> getIfPresent(K key) {
    return counted(delegate::getIfPresent, key);
  }

  /** Looks {@code key} up with {@code lookup} (a lookup of the delegate) and counts the outcome. */
  private <T> @Nullable T counted(Function<? super K, ? extends @Nullable T> lookup, K key) {
    T found;
    try {
      found = lookup.apply(key);
    } catch (RuntimeException e) {
      meters.failed(Operation.GET);
      throw e;
    }
    if (found != null) {
      hits.increment();
    } else {
      misses.increment();
    }
    return found;
  }

  /**
   * The owning cache counts its lookups exactly already: report those counts and let the cache look
   * keys up in the wrapped tier directly, so that metering costs nothing on its hit path. Lookups
   * that still reach this tier (from a decorator wrapping it, or the asynchronous methods) are
   * counted here as before.
   */
  @Override
  public LocalTier<K, V> lookupsCountedBy(LocalLookupCounts counts) {
    meters.addCacheCounted(counts);
    return delegate.lookupsCountedBy(counts);
  }

  @Override
  public void putLocal(K key, TierEntry<V> entry) {
    try {
      delegate.putLocal(key, entry);
    } catch (RuntimeException e) {
      meters.failed(Operation.PUT);
      throw e;
    }
    meters.stored(1);
  }

  @Override
  public boolean putLocalIf(K key, TierEntry<V> entry, BooleanSupplier stillCurrent) {
    boolean stored;
    try {
      stored = delegate.putLocalIf(key, entry, stillCurrent);
    } catch (RuntimeException e) {
      meters.failed(Operation.PUT);
      throw e;
    }
    if (stored) {
      meters.stored(1);
    }
    return stored;
  }

  @Override
  public void invalidateLocal(K key) {
    try {
      delegate.invalidateLocal(key);
    } catch (RuntimeException e) {
      meters.failed(Operation.INVALIDATE);
      throw e;
    }
    meters.invalidatedKeys.increment();
  }

  @Override
  public void invalidateAllLocal() {
    try {
      delegate.invalidateAllLocal();
    } catch (RuntimeException e) {
      meters.failed(Operation.INVALIDATE_ALL);
      throw e;
    }
    meters.invalidatedAll.increment();
  }

  @Override
  public void invalidateTagLocal(String tag) {
    try {
      delegate.invalidateTagLocal(tag);
    } catch (RuntimeException e) {
      meters.failed(Operation.INVALIDATE_TAG);
      throw e;
    }
    meters.invalidatedTags.increment();
  }
  /** Counts as a key invalidation: the tier was asked to drop one entry (sent by another instance). */
  @Override
  public void invalidateAliasLocal(String alias) {
    try {
      delegate.invalidateAliasLocal(alias);
    } catch (RuntimeException e) {
      meters.failed(Operation.INVALIDATE);
      throw e;
    }
    meters.invalidatedKeys.increment();
  }

  @Override
  public void cleanUp() {
    delegate.cleanUp();
  }

  @Override
  public long estimatedSize() {
    return delegate.estimatedSize();
  }

  @Override
  public long evictionCount() {
    return delegate.evictionCount();
  }

  // The asynchronous methods go to the wrapped tier's own versions, which it may have optimised,
  // counted by the same meters as the remote decorator counts them.

  @Override
  public CompletableFuture<@Nullable TierEntry<V>> get(K key) {
    return asynchronous.get(key);
  }

  @Override
  public CompletableFuture<Map<K, TierEntry<V>>> getAll(Set<K> keys) {
    return asynchronous.getAll(keys);
  }

  @Override
  public CompletableFuture<Void> put(K key, TierEntry<V> entry) {
    return asynchronous.put(key, entry);
  }

  @Override
  public CompletableFuture<Void> putAll(Map<K, TierEntry<V>> entries) {
    return asynchronous.putAll(entries);
  }

  @Override
  public CompletableFuture<Void> invalidate(K key) {
    return asynchronous.invalidate(key);
  }

  @Override
  public CompletableFuture<Void> invalidateAll(Set<K> keys) {
    return asynchronous.invalidateAll(keys);
  }

  @Override
  public CompletableFuture<Void> invalidateAll() {
    return asynchronous.invalidateAll();
  }

  @Override
  public CompletableFuture<Void> invalidateTag(String tag) {
    return asynchronous.invalidateTag(tag);
  }

  @Override
  public CompletableFuture<@Nullable Lease> tryLease(K key, Duration leaseTime) {
    return delegate.tryLease(key, leaseTime);
  }

  @Override
  public CompletableFuture<Boolean> putUnderLease(K key, TierEntry<V> entry, Lease lease) {
    return asynchronous.putUnderLease(key, entry, lease);
  }

  @Override
  public CompletableFuture<Void> releaseLease(Lease lease) {
    return delegate.releaseLease(lease);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "Metered[" + delegate + "]";
  }
}
