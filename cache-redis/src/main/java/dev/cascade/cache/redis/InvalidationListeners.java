package dev.cascade.cache.redis;

import dev.cascade.cache.spi.InvalidationChannel.Event;
import dev.cascade.cache.spi.InvalidationChannel.Kind;
import dev.cascade.cache.spi.InvalidationChannel.Listener;
import dev.cascade.cache.spi.InvalidationChannel.Subscription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The caches listening on one {@link RedisInvalidation}, by cache name: hands each an invalidation
 * sent for it, and tells them all when messages may have been lost (counting those flushes).
 *
 * <p>Thread-safe: caches subscribe from any thread, messages arrive on Lettuce's threads, losses are
 * found on those and on the heartbeat thread. Invariant: a message whose kind this version does not
 * know is never dropped silently; its cache's listeners are told of a possible loss instead.
 */
final class InvalidationListeners {
  private final Map<String, List<Listener>> byCache = new ConcurrentHashMap<>();
  private final AtomicLong flushes = new AtomicLong();

  /** Adds {@code listener} for {@code cacheName}; closing the returned subscription removes it. */
  Subscription subscribe(String cacheName, Listener listener) {
    List<Listener> forCache = byCache.computeIfAbsent(cacheName, name -> new CopyOnWriteArrayList<>());
    forCache.add(listener);
    return () -> forCache.remove(listener);
  }

  /** Hands the invalidation in {@code message} to the listeners of its cache, if any. */
  void apply(InvalidationMessage message) {
    List<Listener> forCache = message.cache() == null ? null : byCache.get(message.cache());
    if (forCache == null || forCache.isEmpty()) {
      return;
    }
    Event event;
    try {
      event = new Event(Kind.valueOf(message.kind()), message.keys() == null ? List.of() : message.keys());
    } catch (RuntimeException unknownKind) {
      forCache.forEach(Listener::onPossibleLoss);
      return;
    }
    forCache.forEach(listener -> listener.onEvent(event));
  }

  /** Tells every listener that messages may have been lost. */
  void flushAll() {
    flushes.incrementAndGet();
    byCache.values().forEach(forCache -> forCache.forEach(Listener::onPossibleLoss));
  }

  /** Returns how many times {@link #flushAll()} ran. */
  long flushCount() {
    return flushes.get();
  }
}
