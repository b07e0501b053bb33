package dev.cascade.cache.internal;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.spi.KeyCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.jspecify.annotations.Nullable;

/**
 * Keeps the in-process tier coherent: invalidation epochs, the listener of the invalidation
 * channel, and the announcements of this instance's writes to the others.
 *
 * <p>Invariants: an epoch (one per key stripe, one global) is bumped before any write or
 * invalidation touches a tier and again before the in-process tier applies it; a fill or publish
 * made for a {@link Flight} checks, under the in-process tier's per-key lock, that neither epoch
 * moved since the flight began and that the channel still delivers, and gives up otherwise; once
 * stored, it asks again whether the global epoch moved ({@link #unswept}), and removes its own entry
 * if so, since an invalidation of a tag or of everything drops entries without their keys' locks.
 * So an invalidation that races a fill always wins. A put that writes remote tiers stores its entry
 * in the in-process tier under a check of its own ({@link #putStillCurrent}): only if no
 * invalidation of its key (a second, invalidation-only epoch per stripe, and the global epoch)
 * and no later put of its key ({@link #latestPuts}) began since it began, so an invalidation or a
 * later write that completes while the put's remote write is in flight wins over the put's
 * in-process store as well, while concurrent puts of other keys do not make it give up. Epochs are
 * striped: an unrelated key of the same stripe can make a fill give up, or a put's store when it
 * was invalidated, which costs a miss, never a stale hit. {@link #latestPuts} holds only the keys
 * of puts between their first move and their in-process step. Thread-safe.
 */
final class Coherence<K> {
  private static final int STRIPES = 1024;

  private final String cacheName;
  private final @Nullable InvalidationChannel channel;
  private final KeyCodec<K> keyCodec;
  private final LocalWrites<K, ?> local;
  private final StatsCounter stats;
  private final Events events;
  /** Per stripe: moved by every write and invalidation of its keys; what fills check. */
  private final AtomicLongArray stripeEpochs = new AtomicLongArray(STRIPES);
  /** Per stripe: moved by invalidations of its keys only, with {@link #stripeEpochs}; what puts check. */
  private final AtomicLongArray invalidationEpochs = new AtomicLongArray(STRIPES);
  /** The sequence of the newest put begun of each key that has a put between its first move and its in-process step. */
  private final ConcurrentHashMap<Object, Long> latestPuts = new ConcurrentHashMap<>();
  private final AtomicLong putSequence = new AtomicLong();
  private final AtomicLong globalEpoch = new AtomicLong();
  private final Runnable countUnacknowledged;
  private InvalidationChannel.@Nullable Subscription subscription;

  Coherence(
      String cacheName,
      @Nullable InvalidationChannel channel,
      KeyCodec<K> keyCodec,
      LocalWrites<K, ?> local,
      StatsCounter stats,
      Events events) {
    this.cacheName = cacheName;
    this.channel = channel;
    this.keyCodec = keyCodec;
    this.local = local;
    this.stats = stats;
    this.events = events;
    this.countUnacknowledged = stats.unacknowledgedInvalidations::increment;
  }

  /** Starts listening to other instances; called once, when the cache is complete. */
  void start() {
    if (channel != null) {
      subscription = channel.subscribe(cacheName, new ChannelListener());
    }
  }

  /** Stops listening; idempotent. */
  void stop() {
    InvalidationChannel.Subscription current = subscription;
    subscription = null;
    if (current != null) {
      current.close();
    }
  }

  boolean hasChannel() {
    return channel != null;
  }

  /** Returns a new flight of {@code key}, which remembers the epochs as of now. */
  <V> Flight<V> newFlight(K key, @Nullable Thread owner) {
    int stripe = stripeOf(key);
    return new Flight<>(owner, stripe, stripeEpochs.get(stripe), globalEpoch.get());
  }

  /** Returns a new write-through flight of {@code key} (see {@link Flight#write}). */
  <V> Flight<V> newWriteFlight(K key, @Nullable Thread owner) {
    int stripe = stripeOf(key);
    return new Flight<>(owner, stripe, stripeEpochs.get(stripe), globalEpoch.get(), true);
  }

  /**
   * Whether nothing invalidated {@code flight}'s key since it began (no epoch moved, and no put
   * superseded it: see {@link SingleFlight#supersede}) and the channel delivers.
   */
  boolean isCurrent(Flight<?> flight) {
    return stripeEpochs.get(flight.stripe) == flight.stripeEpoch
        && globalEpoch.get() == flight.globalEpoch
        && !flight.superseded
        && delivering();
  }

  /**
   * Whether {@code flight}'s key was invalidated since it began: an epoch of its key moved, or a put
   * superseded it. Unlike {@link #isCurrent}, a channel that does not deliver does not count: that
   * is not an invalidation of this key, and every flight would look stale while it lasts.
   */
  boolean invalidatedSince(Flight<?> flight) {
    return stripeEpochs.get(flight.stripe) != flight.stripeEpoch
        || globalEpoch.get() != flight.globalEpoch
        || flight.superseded;
  }

  /**
   * Whether no invalidation moved the global epoch since {@code flight} began, and the channel
   * delivers: what a fill made for the flight must still satisfy once its entry is stored and
   * visible, or the fill removes that entry again ({@link LocalWrites#fillIf}). An invalidation of a
   * tag or of everything (here or received, a flush, a received key whose stripe is unknown) moves
   * the global epoch and then drops the in-process entries it finds without taking their keys'
   * locks, so it can miss an entry whose check passed before its move but that became visible after
   * its drop; this second ask sees its move. An invalidation that moves only a key's stripe drops
   * the key under its lock after its move, so it either came before the fill's check, which then
   * failed, or waits for the store and drops the entry itself; and a put that superseded the flight
   * or moved its stripe stores after the fill under the same lock. Neither needs the second ask, and
   * leaving them out of it keeps a put's value that is the very object the fill stored (which removal
   * by identity could not tell from the fill's).
   */
  boolean unswept(Flight<?> flight) {
    return globalEpoch.get() == flight.globalEpoch && delivering();
  }

  /** Whether invalidations from other instances reach us; without a channel there are none to miss. */
  boolean delivering() {
    return channel == null || channel.isDelivering();
  }

  /**
   * An invalidation's move of {@code key}'s epochs: fills of it in flight will not be stored, and
   * neither will puts of it whose remote writes are in flight.
   */
  void bump(K key) {
    bumpStripe(stripeOf(key));
  }

  private void bumpStripe(int stripe) {
    stripeEpochs.incrementAndGet(stripe);
    invalidationEpochs.incrementAndGet(stripe);
  }

  /**
   * What a put that writes remote tiers noted when it began ({@link #beginPut}), so that its
   * in-process store can tell whether it is still the key's newest write and nothing invalidated the
   * key since ({@link #putStillCurrent}): the key, its stripe, that stripe's invalidation epoch and
   * the global epoch then, and the put's sequence number.
   */
  record PutEpochs(Object key, int stripe, long invalidationEpoch, long globalEpoch, long sequence) {}

  /**
   * A put's first move: records the put as the newest of {@code key} (until {@link #endPut}), and
   * moves the key's stripe epoch, as {@link #bump} does, so that fills in flight lose to it.
   */
  PutEpochs beginPut(K key) {
    int stripe = stripeOf(key);
    long sequence = putSequence.incrementAndGet();
    latestPuts.put(key, sequence);
    stripeEpochs.incrementAndGet(stripe);
    return new PutEpochs(key, stripe, invalidationEpochs.get(stripe), globalEpoch.get(), sequence);
  }

  /**
   * A put's second move, once its remote writes ended and before its in-process store: moves the
   * key's stripe epoch again, so that a fill that read a remote tier before the write ended (the old
   * value) is not stored.
   */
  void endPut(PutEpochs put) {
    stripeEpochs.incrementAndGet(put.stripe());
  }

  /**
   * Whether the put that {@link #beginPut} returned {@code put} for is still its key's newest (no
   * later put of the key began) and nothing invalidated the key since it began (the key's
   * invalidation epoch and the global epoch did not move), and the channel delivers: the condition
   * of the put's in-process store, asked under the key's lock there and again once stored. Puts of
   * other keys do not count (they move only {@code stripeEpochs}); an invalidation of another key of
   * the same stripe does, which costs a miss, never a stale hit.
   */
  boolean putStillCurrent(PutEpochs put) {
    Long newest = latestPuts.get(put.key()); // null once a later put of the key has finished too
    return invalidationEpochs.get(put.stripe()) == put.invalidationEpoch()
        && globalEpoch.get() == put.globalEpoch()
        && newest != null
        && newest == put.sequence()
        && delivering();
  }

  /** Ends the put's record as its key's newest, once its in-process step is done; a later put's stays. */
  void finishPut(PutEpochs put) {
    latestPuts.remove(put.key(), put.sequence());
  }

  /** Moves the global epoch: no fill in flight will be stored. */
  void bumpAll() {
    globalEpoch.incrementAndGet();
  }

  /**
   * Drops every in-process entry, because invalidations may have been missed (a store came back
   * after its breaker was open, or the channel lost messages), and discards fills in flight.
   */
  void flushLocal(String reason) {
    OperatorLog.COHERENCE.log(
        System.Logger.Level.WARNING, "cache {0}: in-process tier flushed: {1}", cacheName, reason);
    stats.localFlushes.increment();
    globalEpoch.incrementAndGet();
    local.invalidateAll();
    events.localFlushed();
  }

  /** Returns {@code keys} as other instances name them, or nothing when there is no channel. */
  List<String> encoded(Iterable<? extends K> keys) {
    List<String> encoded = new ArrayList<>();
    if (channel != null) {
      keys.forEach(key -> encoded.add(keyCodec.encode(key)));
    }
    return encoded;
  }

  /**
   * Tells the other instances, after a write or invalidation, to drop their copies; completes when
   * the channel considers it delivered, fails when the channel fails it (a {@link
   * CacheTimeoutException} or {@link CacheUnavailableException} from the channel keeps its type),
   * and counts each announcement the channel reports as unacknowledged. {@code error} is the write's
   * own failure, reported in preference: the announcement is still sent then, but not waited for,
   * so that a caller pays one timeout, not two, while a server is down.
   */
  CompletableFuture<Void> announce(
      @Nullable Throwable error, InvalidationChannel.Kind kind, List<String> keys) {
    CompletableFuture<Void> announced =
        channel == null
            ? CompletableFuture.completedFuture(null)
            : channel
                .publish(
                    cacheName,
                    new InvalidationChannel.Event(kind, keys),
                    countUnacknowledged)
                .exceptionallyCompose(
                    failure -> {
                      Throwable cause = Futures.unwrap(failure);
                      String message =
                          "cache '" + cacheName + "': other instances may not have dropped " + keys
                              + " (" + kind + "): " + cause.getMessage();
                      return CompletableFuture.failedFuture(
                          cause instanceof CacheTimeoutException
                              ? new CacheTimeoutException(message, cause)
                              : cause instanceof CacheUnavailableException
                                  ? new CacheUnavailableException(message, cause)
                                  : new CacheException(message, cause));
                    });
    return error == null ? announced : CompletableFuture.failedFuture(Futures.unwrap(error));
  }

  private static int stripeOf(Object key) {
    int h = key.hashCode();
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  /**
   * Moves the epochs an invalidation of {@code aliases} (keys as other instances name them) must
   * move: the stripe of each key the codec reads back from its alias, and the global epoch if any
   * alias names a key it does not read back, whose stripe is unknown.
   */
  private void bumpEpochsOf(List<String> aliases) {
    boolean unknownStripe = false;
    for (String alias : aliases) {
      Object key = KeyCodec.decodeOrNull(keyCodec, alias);
      if (key == null) {
        unknownStripe = true;
      } else {
        bumpStripe(stripeOf(key));
      }
    }
    if (unknownStripe) {
      globalEpoch.incrementAndGet();
    }
  }

  /**
   * Applies what other instances invalidated. Each event first moves the epochs, so that a fill in
   * flight (which may have read the old remote value) is discarded: for keys, the stripes of those
   * the key codec reads back from their aliases and the global epoch for any other; for a tag or
   * everything, the global epoch. Then it drops the matching in-process entries.
   */
  private final class ChannelListener implements InvalidationChannel.Listener {
    @Override
    public void onEvent(InvalidationChannel.Event event) {
      stats.invalidationsReceived.increment();
      if (event.kind() == InvalidationChannel.Kind.KEYS) {
        bumpEpochsOf(event.keys());
      } else {
        globalEpoch.incrementAndGet();
      }
      switch (event.kind()) {
        case KEYS -> event.keys().forEach(local::invalidateAlias);
        case TAG -> event.keys().forEach(local::invalidateTag);
        case ALL -> local.invalidateAll();
      }
    }

    @Override
    public void onPossibleLoss() {
      flushLocal("the invalidation channel may have lost messages");
    }
  }
}
