package dev.cascade.cache.internal;

import dev.cascade.cache.spi.TierEntry;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The last step of the miss chain: calls the loader, counts the load and its time, and publishes
 * the value ({@link Publisher}) before the caller gets it. A load of an entry with tags readies the
 * remote tiers' tag records as it begins ({@link Publisher#prepareTags}), alongside the loader. A
 * loader's failure, or a {@code null} in a cache that does not cache absences, fails the miss and
 * caches nothing. Thread-safe.
 */
final class LoadStep<K, V> implements MissStep<K, V> {
  private final String cacheName;
  private final Entries entries;
  private final Publisher<K, V> publisher;
  private final StatsCounter stats;
  private final Events events;

  LoadStep(String cacheName, Entries entries, Publisher<K, V> publisher, StatsCounter stats, Events events) {
    this.cacheName = cacheName;
    this.entries = entries;
    this.publisher = publisher;
    this.stats = stats;
    this.events = events;
  }

  @Override
  public CompletableFuture<@Nullable V> serve(Miss<K, V> miss, Rest<K, V> rest) {
    long startNanos = entries.ticker().read();
    long startWall = entries.ticker().wallMillis();
    Set<String> tags = EntrySpec.tagsOf(miss.spec);
    CompletableFuture<Void> prepared = publisher.prepareTags(tags, startWall, miss.flight());
    CompletionStage<? extends @Nullable V> stage;
    try {
      stage = Objects.requireNonNull(miss.loader.apply(miss.key), "the loader returned a null future");
    } catch (RuntimeException | Error e) {
      stage = CompletableFuture.failedFuture(e);
    }
    return stage
        .handle(
            (value, error) -> {
              long took = entries.ticker().read() - startNanos;
              if (error != null) {
                loadFailed(took);
                return CompletableFuture.<@Nullable V>failedFuture(Futures.unwrap(error));
              }
              if (value == null && !entries.cachesAbsences()) {
                loadFailed(took);
                return CompletableFuture.<@Nullable V>failedFuture(nullWithoutNullCaching(miss.key));
              }
              loadSucceeded(took);
              // what early refresh needs to know: the whole refresh, its reads and hand-offs included;
              // at least 1, since a remote tier tells a load's entry from a put's by it (RemoteTags.valid)
              long needed = Math.max(1, Math.max(took, entries.ticker().read() - miss.startedNanos));
              TierEntry<V> entry = entries.create(value, EntrySpec.ttlOf(miss.spec), startWall, needed, tags);
              return prepared
                  .thenCompose(ready -> publisher.publish(miss.key, entry, miss.flight(), miss.lease))
                  .thenApply(stored -> (@Nullable V) value);
            })
        .thenCompose(Function.identity())
        .toCompletableFuture();
  }

  /** Counts a successful loader call that took {@code nanos}; shared with bulk loads. */
  void loadSucceeded(long nanos) {
    stats.loadNanos.add(nanos);
    stats.loadSuccesses.increment();
    events.loaded(true, nanos);
  }

  /** Counts a failed loader call that took {@code nanos}; shared with bulk loads. */
  void loadFailed(long nanos) {
    stats.loadNanos.add(nanos);
    stats.loadFailures.increment();
    events.loaded(false, nanos);
  }

  private IllegalStateException nullWithoutNullCaching(Object key) {
    return new IllegalStateException(
        "the loader returned null for key " + key + " of cache '" + cacheName
            + "', which does not cache absences: return a value, or set nullTtl(...) on the builder");
  }
}
