package dev.cascade.cache.metrics;

import dev.cascade.cache.internal.CircuitBreaker;
import dev.cascade.cache.internal.RemoteTier;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.Tier;
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
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A tier (in practice a remote one) that counts lookups, stores, invalidations and errors by
 * operation, and times every operation. Every method forwards to the wrapped tier unchanged in
 * meaning; each returned future completes after its outcome was counted, with the wrapped future's
 * value or failure. Lease operations are timed and their failures counted under {@code lease}. When
 * the wrapped tier is core's remote adapter with a circuit breaker, the breaker's state and openings
 * are exposed too. Thread-safe as the wrapped tier is.
 */
final class MeteredTier<K, V> implements Tier<K, V> {
  private final Tier<K, V> delegate;
  private final TierMeters meters;
  private final boolean timed;

  /** Meters the asynchronous side of an in-process tier with its own meters, untimed. */
  MeteredTier(TierMeters meters, Tier<K, V> delegate) {
    this.delegate = delegate;
    this.meters = meters;
    this.timed = false;
  }

  MeteredTier(MeterRegistry registry, Iterable<Tag> tags, String cacheName, Tier<K, V> delegate) {
    this.delegate = delegate;
    this.meters = new TierMeters(registry, tags, cacheName, delegate.name(), true);
    this.timed = true;
    if (delegate instanceof RemoteTier<?, ?> remote && remote.breaker() != null) {
      Tags tierTags = Tags.concat(tags, CacheMeterNames.TAG_CACHE, meters.tierCacheName);
      bindBreaker(registry, tierTags, remote.breaker());
    }
  }

  /** Registers the breaker's meters; they hold the breaker weakly, as the cache owns it. */
  private static void bindBreaker(MeterRegistry registry, Tags tags, CircuitBreaker breaker) {
    Gauge.builder(CacheMeterNames.CIRCUIT_STATE, breaker, MeteredTier::stateValue)
        .tags(tags)
        .description("State of the tier's circuit breaker: 0 closed, 1 half-open, 2 open")
        .register(registry);
    FunctionCounter.builder(CacheMeterNames.CIRCUIT_OPENINGS, breaker, CircuitBreaker::openings)
        .tags(tags)
        .description("Times the tier's circuit breaker opened")
        .register(registry);
  }

  private static double stateValue(CircuitBreaker breaker) {
    return switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  TierMeters meters() {
    return meters;
  }

  @Override
  public String name() {
    return delegate.name();
  }

  @Override
  public CompletableFuture<@Nullable TierEntry<V>> get(K key) {
    return observe(Operation.GET, () -> delegate.get(key),
        entry -> countLookup(entry));
  }

  @Override
  public CompletableFuture<Map<K, TierEntry<V>>> getAll(Set<K> keys) {
    return observe(Operation.GET_ALL, () -> delegate.getAll(keys),
        found -> Observed.countFound(meters, keys, found));
  }

  @Override
  public CompletableFuture<Void> put(K key, TierEntry<V> entry) {
    return observe(Operation.PUT, () -> delegate.put(key, entry), done -> meters.stored(1));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<K, TierEntry<V>> entries) {
    return observe(Operation.PUT_ALL, () -> delegate.putAll(entries), done -> meters.stored(entries.size()));
  }

  @Override
  public CompletableFuture<Void> invalidate(K key) {
    return observe(Operation.INVALIDATE, () -> delegate.invalidate(key),
        done -> meters.invalidatedKeys.increment());
  }

  @Override
  public CompletableFuture<Void> invalidateAll(Set<K> keys) {
    return observe(Operation.INVALIDATE_ALL, () -> delegate.invalidateAll(keys),
        done -> meters.invalidatedKeys.add(keys.size()));
  }

  @Override
  public CompletableFuture<Void> invalidateAll() {
    return observe(Operation.INVALIDATE_ALL, delegate::invalidateAll,
        done -> meters.invalidatedAll.increment());
  }

  @Override
  public CompletableFuture<Void> invalidateTag(String tag) {
    return observe(Operation.INVALIDATE_TAG, () -> delegate.invalidateTag(tag),
        done -> meters.invalidatedTags.increment());
  }

  @Override
  public CompletableFuture<@Nullable Lease> tryLease(K key, Duration leaseTime) {
    return observe(Operation.LEASE, () -> delegate.tryLease(key, leaseTime), lease -> {});
  }

  @Override
  public CompletableFuture<Boolean> putUnderLease(K key, TierEntry<V> entry, Lease lease) {
    return observe(Operation.PUT, () -> delegate.putUnderLease(key, entry, lease),
        stored -> {
          if (Boolean.TRUE.equals(stored)) {
            meters.stored(1);
          }
        });
  }

  @Override
  public CompletableFuture<Void> releaseLease(Lease lease) {
    return observe(Operation.LEASE, () -> delegate.releaseLease(lease), done -> {});
  }

  private <T> CompletableFuture<T> observe(
      Operation operation, Supplier<CompletableFuture<T>> call, Consumer<? super T> onSuccess) {
    return Observed.observe(meters, operation, timed, call, onSuccess);
  }

  private void countLookup(@Nullable TierEntry<V> entry) {
    if (entry != null) {
      meters.hits.increment();
    } else {
      meters.misses.increment();
    }
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
