package dev.cascade.cache.internal;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Write-through: the system of record first, then the cache. A write claims its key in {@link
 * SingleFlight} for its whole length, so that in this JVM:
 *
 * <ul>
 *   <li>a load of the key that began before the write finishes (publish included) before the write
 *       touches the system of record, and the write's cache update then overwrites what it
 *       published;
 *   <li>a load that asks while the write runs waits for it and gets the written value (or loads
 *       for itself if the write fails);
 *   <li>two writes of one key run one after the other.
 * </ul>
 *
 * Only when the system of record accepted the change does the {@link WritePipeline} apply it to
 * every tier and announce it to the other instances; a failed write leaves every tier unchanged.
 * Loads racing in other instances are kept from publishing an older value by the distributed lease
 * (a put revokes it); without one, only this JVM's loads are ordered. Thread-safe.
 */
final class WriteThrough<K, V> {
  private final SingleFlight<K, V> singleFlight;
  private final Coherence<K> coherence;
  private final WritePipeline<K, V> writes;

  WriteThrough(SingleFlight<K, V> singleFlight, Coherence<K> coherence, WritePipeline<K, V> writes) {
    this.singleFlight = singleFlight;
    this.coherence = coherence;
    this.writes = writes;
  }

  /**
   * Writes {@code value} with {@code writer} (the system of record), then puts it into every tier.
   * {@code executor} runs the steps after waiting for a load or a remote write.
   */
  CompletableFuture<Void> write(
      K key,
      V value,
      Function<? super K, ? extends CompletionStage<?>> writer,
      Executor executor,
      @Nullable Thread owner) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(writer, "writer");
    return underClaim(key, owner, executor, writer, () -> writes.put(key, value, null, Set.of()), value, false);
  }

  /** Deletes {@code key} with {@code deleter} (the system of record), then invalidates it everywhere. */
  CompletableFuture<Void> delete(
      K key, Function<? super K, ? extends CompletionStage<?>> deleter, Executor executor, @Nullable Thread owner) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(deleter, "deleter");
    return underClaim(key, owner, executor, deleter, () -> writes.invalidate(key), null, true);
  }

  /**
   * Claims {@code key} (waiting for a flight of it to end first), runs {@code recordChange}, then
   * {@code cacheChange} if it succeeded, and releases the claim: waiting readers get {@code
   * written}, or load for themselves when {@code readersLoad} (a delete) or when the write failed.
   */
  private CompletableFuture<Void> underClaim(
      K key,
      @Nullable Thread owner,
      Executor executor,
      Function<? super K, ? extends CompletionStage<?>> recordChange,
      Supplier<CompletableFuture<Void>> cacheChange,
      @Nullable V written,
      boolean readersLoad) {
    Flight<V> claim = coherence.newWriteFlight(key, owner);
    Flight<V> running = singleFlight.register(key, claim);
    if (running != null) {
      if (owner != null && running.owner == owner) {
        throw new IllegalStateException(
            "recursive write: a loader or writer of key " + key + " wrote the same key through the cache");
      }
      // wait for the load or write of the key to end, whatever its outcome, then try again
      return running.settled
          .thenComposeAsync(
              ended -> underClaim(key, owner, executor, recordChange, cacheChange, written, readersLoad),
              executor);
    }
    CompletableFuture<Void> done;
    try {
      done =
          Objects.requireNonNull(recordChange.apply(key), "the writer returned a null future")
              .toCompletableFuture()
              .thenComposeAsync(recorded -> cacheChange.get(), executor);
    } catch (RuntimeException | Error e) {
      done = CompletableFuture.failedFuture(e);
    }
    return done.whenComplete(
        (ok, error) ->
            singleFlight.settle(key, claim, written, error == null && readersLoad ? LOAD_AGAIN : error));
  }

  /** How a finished delete tells the readers that waited for it to load for themselves. */
  private static final Throwable LOAD_AGAIN = new Throwable("the key was deleted: load it", null, false, false) {};
}
