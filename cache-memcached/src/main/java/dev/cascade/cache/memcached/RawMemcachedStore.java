package dev.cascade.cache.memcached;

import dev.cascade.cache.memcached.internal.RawItems;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import dev.cascade.cache.spi.TimedValue;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * What {@link MemcachedTier#forLayout} returns for a cache with raw values: the tier's connections,
 * with items laid out for other clients ({@link RawItems}): values written with client flags 0, read
 * if their flags are 0 or 16, other flags a foreign value; keys as they are; no namespace versions.
 * {@link #deleteByPrefix} is refused (memcached cannot list keys, and a namespace version cannot ride
 * on flags that other clients own). Thread-safe; closing it does nothing.
 */
final class RawMemcachedStore implements RemoteStore {
  private final MemcachedTier tier;
  private final RawItems items;
  private final String namespace;

  RawMemcachedStore(MemcachedTier tier, String namespace) {
    this.tier = tier;
    this.items = tier.store().raw();
    this.namespace = namespace;
  }

  @Override
  public StoreCapabilities capabilities() {
    return tier.capabilities();
  }

  @Override
  public Object failureDomain() {
    return tier.failureDomain();
  }

  @Override
  public RemoteStore forLayout(String namespace, boolean rawValues) {
    return tier.forLayout(namespace, rawValues);
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    return tier.backend().handOff(items.get(key));
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    return tier.backend().handOff(items.getAll(keys));
  }

  @Override
  public CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
    return tier.backend().handOff(items.getWithTtl(key));
  }

  @Override
  public CompletableFuture<Map<String, TimedValue>> getAllWithTtl(Collection<String> keys) {
    return tier.backend().handOff(items.getAllWithTtl(keys));
  }

  @Override
  public CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    return tier.backend().handOff(items.getAndTouch(key, ttl));
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    return tier.backend().handOff(items.getAllAndTouch(keys, ttl));
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    return tier.backend().handOff(items.put(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<String, Write> writes) {
    return tier.backend().handOff(items.putAll(writes));
  }

  @Override
  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    return tier.backend().handOff(items.putIfAbsent(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return tier.backend().handOff(items.delete(key));
  }

  @Override
  public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    return tier.backend().handOff(items.deleteIfUnchanged(key, expected));
  }

  @Override
  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    return tier.backend().handOff(items.deleteAll(keys));
  }

  /** Fails with {@link UnsupportedOperationException}, through the future: see the class comment. */
  @Override
  public CompletableFuture<Void> deleteByPrefix(String prefix) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(
            "invalidateAll() of raw values on memcached (keys \"" + prefix + "...\"): memcached cannot list or"
                + " delete keys by prefix, and the namespace version that Cascade's own layout keeps in each"
                + " value's client flags cannot ride on values other clients read and write; invalidate keys"
                + " one by one (invalidate, invalidateAll(keys)) or let them expire"));
  }

  /** Does nothing: the connections belong to the tier's backend. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return tier + " (raw values under " + namespace + ")";
  }
}
