package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Writes loaded entries to every tier, farthest first, unless an invalidation intervened (the
 * flight's epochs moved) or the lease was lost (the farthest tier refuses a publish whose lease
 * lapsed, and nothing nearer is then written). The in-process write is a fill ({@link
 * LocalWrites#fillIf}): checked under the key's lock, and undone if an invalidation of a tag or of
 * everything ran while it was being stored. A tier that failed the flight's read is not waited
 * for again: the caller gets its value within one timeout, and the next caller finds the breaker's
 * verdict. Failures are counted and absorbed. Thread-safe.
 */
final class Publisher<K, V> {
  private final List<Tier<K, V>> remotes;
  private final LocalWrites<K, V> local;
  private final Coherence<K> coherence;
  private final ReadThrough<K, V> reads;

  Publisher(List<Tier<K, V>> remotes, LocalWrites<K, V> local, Coherence<K> coherence, ReadThrough<K, V> reads) {
    this.remotes = remotes;
    this.local = local;
    this.coherence = coherence;
    this.reads = reads;
  }

  /**
   * Readies every remote tier for the publish of a load of an entry with {@code tags} that begins
   * at {@code startedAtMillis} ({@link Tier#prepareTags}); completes, never exceptionally, once all
   * are ready or have failed. A failure is counted and marks the flight degraded, as a failed read
   * does: its publish then skips the remote tiers rather than wait for a failing store again.
   */
  CompletableFuture<Void> prepareTags(Set<String> tags, long startedAtMillis, Flight<V> flight) {
    if (tags.isEmpty() || remotes.isEmpty() || flight.degraded) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<?>[] ready = new CompletableFuture<?>[remotes.size()];
    for (int i = 0; i < ready.length; i++) {
      ready[i] = reads.failOpen(remotes.get(i), t -> t.prepareTags(tags, startedAtMillis), null, flight);
    }
    return CompletableFuture.allOf(ready);
  }

  /** Publishes one loaded entry; completes with whether every tier stored it. */
  CompletableFuture<Boolean> publish(K key, TierEntry<V> entry, Flight<V> flight, @Nullable Lease lease) {
    if (!coherence.isCurrent(flight)) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> chain = CompletableFuture.completedFuture(true);
    for (int i = flight.degraded ? -1 : remotes.size() - 1; i >= 0; i--) {
      Tier<K, V> tier = remotes.get(i);
      boolean guarded = lease != null && i == remotes.size() - 1;
      chain =
          chain.thenCompose(
              stored -> {
                if (!stored) {
                  return CompletableFuture.completedFuture(false);
                }
                return reads.failOpen(
                    tier,
                    t -> guarded ? t.putUnderLease(key, entry, lease) : t.putLoaded(key, entry).thenApply(done -> true),
                    true);
              });
    }
    return chain.thenApply(
        stored ->
            stored && fill(key, entry, flight));
  }

  /**
   * Publishes bulk-loaded entries of a cache with a distributed lock: each entry whose key's lease
   * is in {@code leases} as {@link #publish} does under that lease; any other only to the
   * in-process tier (its key's lease is another's, or could not be asked for), as a fill that checks
   * its own flight.
   */
  CompletableFuture<Void> publishEach(Map<K, TierEntry<V>> entries, Map<K, Flight<V>> flights, Map<K, Lease> leases) {
    CompletableFuture<?>[] published = new CompletableFuture<?>[entries.size()];
    int i = 0;
    for (Map.Entry<K, TierEntry<V>> loaded : entries.entrySet()) {
      K key = loaded.getKey();
      TierEntry<V> entry = loaded.getValue();
      Flight<V> flight = flights.get(key);
      Lease lease = leases.get(key);
      if (lease != null) {
        published[i++] = publish(key, entry, flight, lease);
      } else {
        fill(key, entry, flight);
        published[i++] = CompletableFuture.completedFuture(null);
      }
    }
    return CompletableFuture.allOf(published);
  }

  /** Publishes bulk-loaded entries, one pipeline per tier; each in-process fill checks its own flight. */
  CompletableFuture<Void> publishAll(Map<K, TierEntry<V>> entries, Map<K, Flight<V>> flights) {
    if (entries.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    boolean degraded = flights.values().stream().anyMatch(flight -> flight.degraded);
    CompletableFuture<@Nullable Void> chain = CompletableFuture.completedFuture(null);
    for (int i = degraded ? -1 : remotes.size() - 1; i >= 0; i--) {
      Tier<K, V> tier = remotes.get(i);
      chain = chain.thenCompose(done -> reads.failOpen(tier, t -> t.putAll(entries), null));
    }
    return chain.thenAccept(
        done ->
            entries.forEach(
                (key, entry) -> {
                  Flight<V> flight = flights.get(key);
                  fill(key, entry, flight);
                }));
  }

  /** The in-process fill of a loaded entry, kept only while {@code flight} is current and unswept. */
  private boolean fill(K key, TierEntry<V> entry, Flight<V> flight) {
    return local.fillIf(key, entry, () -> coherence.isCurrent(flight), () -> coherence.unswept(flight));
  }
}
