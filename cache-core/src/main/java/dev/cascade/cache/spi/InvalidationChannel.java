package dev.cascade.cache.spi;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Carries invalidations between the instances of a cache so that each drops its in-process copies.
 * A channel must detect its own losses (sequence gaps, reconnects, sender restarts, missed
 * heartbeats) and report them through {@link Listener#onPossibleLoss()}, on which the cache flushes
 * its in-process tier.
 *
 * <p>Implementations must be thread-safe.
 */
public interface InvalidationChannel extends AutoCloseable {

  /** Starts delivering the events of {@code cacheName} from other instances to {@code listener}. */
  Subscription subscribe(String cacheName, Listener listener);

  /**
   * Sends {@code event} to the other instances of {@code cacheName}. The future completes when the
   * channel considers the event delivered (a channel that waits for acknowledgements says in its
   * own documentation when that is) and fails, with a {@link dev.cascade.cache.CacheException},
   * when it cannot send it or, if the channel is configured so, when it cannot confirm it.
   */
  CompletableFuture<Void> publish(String cacheName, Event event);

  /**
   * Sends {@code event} as {@link #publish(String, Event)} does, and runs {@code unacknowledged}
   * when the channel knows that some other live instance did not confirm applying it in time:
   * at most once per call, before the returned future completes (normally or not). A cache calls
   * this form for every write and counts the calls of {@code unacknowledged} in its {@link
   * dev.cascade.cache.CacheStats#unacknowledgedInvalidationCount()}, so the count is exact per cache
   * object even when several caches share one channel.
   *
   * <p>The default ignores {@code unacknowledged} and calls {@link #publish(String, Event)}: a
   * channel that cannot tell whether others applied an event reports nothing, and its caches count
   * 0. {@code unacknowledged} must be cheap and must not block; it may run on the channel's thread.
   */
  default CompletableFuture<Void> publish(String cacheName, Event event, Runnable unacknowledged) {
    return publish(cacheName, event);
  }

  /**
   * Returns whether events from other instances currently reach this one. While it answers {@code
   * false} (a subscription being re-established), caches keep nothing new in their in-process tier,
   * since an invalidation of it could be missed.
   */
  default boolean isDelivering() {
    return true;
  }

  @Override
  void close();

  /** Receives a cache's events. Called on the channel's thread; must not block. */
  interface Listener {
    /** Applies an invalidation sent by another instance. */
    void onEvent(Event event);

    /** Messages may have been lost: every in-process copy must go. */
    void onPossibleLoss();
  }

  /** An active subscription; closing it stops delivery. */
  interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * One invalidation.
   *
   * @param kind what was invalidated
   * @param keys encoded keys for {@link Kind#KEYS}, the tag for {@link Kind#TAG}, empty for {@link
   *     Kind#ALL}
   */
  record Event(Kind kind, List<String> keys) {
    public Event {
      keys = List.copyOf(keys);
    }
  }

  /** The kinds of invalidation. */
  enum Kind {
    KEYS,
    TAG,
    ALL
  }
}
