package dev.cascade.cache.internal;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.spi.Checks;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Puts and invalidations. Every write runs the same sequence ({@link #write}): move the epochs,
 * write each remote tier farthest first, move the epochs again and apply the write to the
 * in-process tier (or drop the key there, if a remote write failed or the channel cannot deliver),
 * then announce it to the other instances. The second epoch move is not redundant: a load that
 * missed between the two moves must not overwrite the write with what it loaded.
 *
 * <p>A put's in-process store is conditional, checked under the key's lock in the in-process tier
 * and again once stored ({@link #storeOrDrop}): it is kept only if nothing invalidated the key and
 * no later put of it began since the put began ({@link Coherence#putStillCurrent}), else the key
 * is dropped there. An invalidation moves the epochs before its in-process drop, so one that
 * completed while the put's remote write was in flight (on this instance or, through the channel,
 * on another) is not undone by the put's store landing after its drop, and neither is a later write
 * of the key: the in-process tier never keeps a value the remote tiers no longer hold. Puts of other
 * keys do not make the store give up; an invalidation of an unrelated key of the same epoch stripe
 * does, which costs one miss.
 * A cache without remote tiers has no remote write for anything to race, and its in-process tier
 * holds the only copy: it stores unconditionally (with a channel, while the channel delivers).
 *
 * <p>A remote failure reaches the caller as a {@link CacheException} (a {@link
 * CacheTimeoutException} or {@link CacheUnavailableException} when that is what happened) after
 * the in-process copy was dropped; bad input stays an {@link IllegalArgumentException}.
 * Thread-safe.
 */
final class WritePipeline<K, V> {
  private final String cacheName;
  private final List<Tier<K, V>> remotes;
  private final LocalWrites<K, V> local;
  private final Coherence<K> coherence;
  private final SingleFlight<K, V> flights;
  private final Entries entries;
  private final StatsCounter stats;
  /** No remote tier and no channel: a write touches only the in-process tier, on the calling thread. */
  private final boolean localOnly;

  WritePipeline(
      String cacheName,
      List<Tier<K, V>> remotes,
      LocalWrites<K, V> local,
      Coherence<K> coherence,
      SingleFlight<K, V> flights,
      Entries entries,
      StatsCounter stats) {
    this.cacheName = cacheName;
    this.remotes = remotes;
    this.local = local;
    this.coherence = coherence;
    this.flights = flights;
    this.entries = entries;
    this.stats = stats;
    this.localOnly = remotes.isEmpty() && !coherence.hasChannel();
  }

  /** Puts one entry; checks the key, the value, the TTL and the tags, in this order. */
  CompletableFuture<Void> put(K key, V value, @Nullable Duration entryTtl, Collection<String> rawTags) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (entryTtl != null) {
      Checks.requirePositive(entryTtl, "ttl");
    }
    Set<String> tags = Entries.checkTags(rawTags);
    stats.puts.increment();
    if (localOnly) {
      return putLocalOnly(key, value, entryTtl, tags);
    }
    Coherence.PutEpochs epochs = coherence.beginPut(key);
    TierEntry<V> entry = entries.create(value, entryTtl, entries.ticker().wallMillis(), 0, tags);
    return write(
        () -> "put of key " + key,
        tier -> tier.put(key, entry),
        error -> {
          coherence.endPut(epochs); // a fill that read the old remote value during the write must lose
          try {
            storeOrDrop(key, entry, epochs, error);
          } finally {
            coherence.finishPut(epochs);
          }
        },
        InvalidationChannel.Kind.KEYS,
        () -> coherence.encoded(List.of(key)));
  }

  /**
   * {@link #put} on a cache whose only tier is in-process: {@link #write}'s sequence with nothing
   * between its two epoch moves. Instead of moving the key's epoch (an atomic write to memory every
   * writer shares), it marks the key's running flight, if any, as superseded right before the
   * store: a fill whose flight was registered before loses, and one registered after loaded after
   * this put began, as with the epoch move (see {@link SingleFlight#supersede}). The write time is
   * read only for an entry the tier keeps it for (see {@link Entries#keepsWriteTime}).
   */
  private CompletableFuture<Void> putLocalOnly(K key, V value, @Nullable Duration entryTtl, Set<String> tags) {
    try {
      long writtenAt = entries.keepsWriteTime(entryTtl, tags) ? entries.ticker().wallMillis() : 0;
      TierEntry<V> entry = entries.create(value, entryTtl, writtenAt, 0, tags);
      flights.supersede(key);
      local.put(key, entry);
      return CompletableFuture.completedFuture(null);
    } catch (Throwable e) { // as write() reports a failure of its in-process step
      return CompletableFuture.failedFuture(e);
    }
  }

  CompletableFuture<Void> putAll(Map<? extends K, ? extends V> values) {
    Objects.requireNonNull(values, "entries");
    Map<K, TierEntry<V>> typed = new LinkedHashMap<>();
    long now = entries.ticker().wallMillis();
    values.forEach(
        (key, value) -> {
          Objects.requireNonNull(key, "entries contains a null key");
          Objects.requireNonNull(value, () -> "entries maps key " + key + " to null");
          typed.put(key, entries.create(value, null, now, 0, Set.of()));
        });
    stats.puts.add(typed.size());
    Map<K, Coherence.PutEpochs> epochs = new LinkedHashMap<>();
    typed.keySet().forEach(key -> epochs.put(key, coherence.beginPut(key)));
    return write(
        () -> "putAll of " + typed.size() + " entries",
        tier -> tier.putAll(typed),
        error -> {
          epochs.values().forEach(coherence::endPut); // a fill that read an old remote value must lose
          typed.forEach(
              (key, entry) -> {
                Coherence.PutEpochs put = epochs.get(key);
                try {
                  if (localOnly) {
                    local.put(key, entry); // no remote write and no channel: nothing could race it
                  } else {
                    storeOrDrop(key, entry, put, error);
                  }
                } finally {
                  coherence.finishPut(put);
                }
              });
        },
        InvalidationChannel.Kind.KEYS,
        () -> coherence.encoded(typed.keySet()));
  }

  /**
   * A put's in-process step, after its second epoch move: stores {@code entry} if the remote writes
   * succeeded ({@code error} is null) and, under the key's lock, the put is still current ({@link
   * Coherence#putStillCurrent}: no invalidation of the key, no later put of it, and the channel
   * delivers); else drops the key, whose
   * in-process copy (an older value, or nothing) the put's remote writes may have made stale.
   *
   * <p>The condition is asked again once the entry is stored, and the put's own entry dropped (only
   * while the key still holds it) if it no longer holds: an invalidation of a tag or of everything
   * finds the in-process entries to drop without their keys' locks (through the tag index, or the
   * keys present), so one that moved its epochs and made its drop between the check and the moment
   * the stored entry became visible would not see the entry. Its epoch moves came before its drop,
   * so the second ask sees them.
   *
   * <p>A cache with a channel but no remote tier keeps the value only in its in-process tier:
   * dropping it would lose the write, not cost a miss, so there the put stores as it did before the
   * check existed (while the channel delivers).
   */
  private void storeOrDrop(K key, TierEntry<V> entry, Coherence.PutEpochs epochs, @Nullable Throwable error) {
    if (remotes.isEmpty()) {
      if (coherence.delivering()) {
        local.put(key, entry);
      } else {
        local.invalidate(key);
      }
      return;
    }
    BooleanSupplier stillCurrent = () -> coherence.putStillCurrent(epochs);
    if (error != null || !local.putIf(key, entry, stillCurrent)) {
      local.invalidate(key); // the older in-process copy may be stale now
    } else if (!stillCurrent.getAsBoolean()) {
      local.invalidateEntry(key, entry);
    }
  }

  CompletableFuture<Void> invalidate(K key) {
    Objects.requireNonNull(key, "key");
    coherence.bump(key);
    return write(
        () -> "invalidation of key " + key,
        tier -> tier.invalidate(key),
        error -> {
          coherence.bump(key); // a fill that read the remote value before the delete must lose
          local.invalidate(key);
        },
        InvalidationChannel.Kind.KEYS,
        () -> coherence.encoded(List.of(key)));
  }

  CompletableFuture<Void> invalidateAll(Iterable<? extends K> keys) {
    Objects.requireNonNull(keys, "keys");
    Set<K> keySet = new LinkedHashSet<>();
    for (K key : keys) {
      keySet.add(Objects.requireNonNull(key, "keys contains a null key"));
    }
    keySet.forEach(coherence::bump);
    return write(
        () -> "invalidation of " + keySet.size() + " keys",
        tier -> tier.invalidateAll(keySet),
        error -> {
          keySet.forEach(coherence::bump);
          keySet.forEach(local::invalidate);
        },
        InvalidationChannel.Kind.KEYS,
        () -> coherence.encoded(keySet));
  }

  CompletableFuture<Void> invalidateAll() {
    coherence.bumpAll();
    return write(
        () -> "invalidateAll",
        Tier::invalidateAll,
        error -> {
          coherence.bumpAll();
          local.invalidateAll();
        },
        InvalidationChannel.Kind.ALL,
        List::of);
  }

  CompletableFuture<Void> invalidateTag(String tag) {
    Entries.checkTag(tag);
    coherence.bumpAll();
    return write(
        () -> "invalidation of tag " + tag,
        tier -> tier.invalidateTag(tag),
        error -> {
          coherence.bumpAll();
          local.invalidateTag(tag);
        },
        InvalidationChannel.Kind.TAG,
        () -> List.of(tag));
  }

  /**
   * Every write's sequence: {@code remoteWrite} on each remote tier (farthest first), then {@code
   * afterRemotes} with the first failure (or null), then the announcement of {@code announced}
   * keys to other instances (after a failure too: see {@link Coherence#announce}). The returned
   * future fails with the first failure.
   *
   * <p>Without remote tiers and without a channel, nothing is waited for: {@code afterRemotes}
   * runs at once, on the calling thread, and no chain of futures is built.
   */
  private CompletableFuture<Void> write(
      Supplier<String> what,
      Function<Tier<K, V>, CompletableFuture<Void>> remoteWrite,
      Consumer<@Nullable Throwable> afterRemotes,
      InvalidationChannel.Kind kind,
      Supplier<List<String>> announced) {
    if (localOnly) {
      try {
        afterRemotes.accept(null);
        return CompletableFuture.completedFuture(null);
      } catch (Throwable e) { // what the chain's whenComplete would have caught
        return CompletableFuture.failedFuture(e);
      }
    }
    return writeRemotes(what, remoteWrite)
        .whenComplete((done, error) -> afterRemotes.accept(error))
        .handle((done, error) -> error)
        .thenCompose(error -> coherence.announce(error, kind, announced.get()));
  }

  /** Runs {@code write} on every remote tier, farthest first; fails with the first error. */
  private CompletableFuture<Void> writeRemotes(
      Supplier<String> what, Function<Tier<K, V>, CompletableFuture<Void>> write) {
    CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
    for (int i = remotes.size() - 1; i >= 0; i--) {
      Tier<K, V> tier = remotes.get(i);
      chain =
          chain.thenCompose(
              done -> {
                CompletableFuture<Void> written;
                try {
                  written = write.apply(tier);
                } catch (RuntimeException e) {
                  written = CompletableFuture.failedFuture(e);
                }
                return written.exceptionallyCompose(
                    error -> CompletableFuture.failedFuture(translate(what.get(), tier, Futures.unwrap(error))));
              });
    }
    return chain;
  }

  /** The exception a caller gets for {@code cause}, which failed {@code what} on {@code tier}. */
  private RuntimeException translate(String what, Tier<K, V> tier, Throwable cause) {
    if (CircuitGuard.isRefusal(cause)) {
      return (RuntimeException) cause; // bad input, or an operation refused by design, stays what it is
    }
    String message =
        "cache '" + cacheName + "': " + what + " failed on tier '" + tier.name() + "': " + cause.getMessage();
    OperatorLog.WRITES.log(System.Logger.Level.WARNING, message);
    if (hasCause(cause, CacheTimeoutException.class) || hasCause(cause, TimeoutException.class)) {
      return new CacheTimeoutException(message + " (timed out)", cause);
    }
    if (hasCause(cause, CacheUnavailableException.class)) {
      return new CacheUnavailableException(message, cause);
    }
    return new CacheException(message, cause);
  }

  private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
      if (cause.getCause() == cause) {
        return false;
      }
    }
    return false;
  }
}
