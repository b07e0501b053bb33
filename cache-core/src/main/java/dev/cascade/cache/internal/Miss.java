package dev.cascade.cache.internal;

import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One call's miss of one key, handed along the steps of the {@link MissChain}: what the caller
 * asked for, plus what earlier steps established for later ones ({@link #flight} from single-flight,
 * {@link #lease} from the lease step). Owned by one call; each step hands it on after it is done
 * with it, so no two threads write it at once.
 */
final class Miss<K, V> {
  final K key;
  /** The TTL and tags the caller asked the loaded entry to have; {@code null} for the defaults. */
  final @Nullable EntrySpec spec;
  final Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader;
  /** Where steps continue after a remote read; the caller's own loop for the blocking API. */
  final Executor executor;
  /** The blocking caller's thread, for recursion detection; {@code null} for the async API. */
  final @Nullable Thread owner;
  /**
   * When the miss (or refresh) began, by the cache's ticker: an entry it loads records the time
   * from here to its value, which early refresh takes as the time a refresh needs.
   */
  final long startedNanos;
  /** Set by the single-flight step: the flight this miss leads. */
  @Nullable Flight<V> flight;
  /**
   * Whether this call's lookup was counted already (it waited for a write-through that failed or
   * deleted the key, and runs the chain again): then no step counts a hit or a miss for it.
   */
  boolean counted;
  /**
   * Set by the single-flight step when this call waited for a load that began before an
   * invalidation of its key: it then looks again once, and joins whatever load it finds.
   */
  boolean waitedOutStaleLoad;
  /** Set by the lease step when this instance holds the distributed lease on the key. */
  @Nullable Lease lease;
  /**
   * The entry a background refresh was started for, {@code null} for a caller's miss: a refresh
   * counts no lookup, never joins another flight and ends without a load when it finds a fresh
   * entry that {@linkplain Freshness#supersedes supersedes} this one.
   */
  final @Nullable TierEntry<V> trigger;
  /**
   * For a refresh started by a caller's remote read ({@link RemoteRead}), that caller's flight, which
   * began before the read that found {@link #trigger}; {@code null} for a caller's miss and for a
   * refresh of an entry the in-process tier holds. See {@link Flight#refreshingReadBy}.
   */
  final @Nullable Flight<?> triggerReadBy;
  /** Set by the single-flight step when a refresh found the key's flight running and did nothing. */
  boolean skipped;
  /**
   * The newest logically expired entry the steps after single-flight found for the key: what
   * stale-if-error may answer if the load fails.
   */
  @Nullable TierEntry<V> stale;

  Miss(
      K key,
      @Nullable EntrySpec spec,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Executor executor,
      @Nullable Thread owner,
      long startedNanos) {
    this(key, spec, loader, executor, owner, startedNanos, null, null);
  }

  Miss(
      K key,
      @Nullable EntrySpec spec,
      Function<? super K, ? extends CompletionStage<? extends @Nullable V>> loader,
      Executor executor,
      @Nullable Thread owner,
      long startedNanos,
      @Nullable TierEntry<V> trigger,
      @Nullable Flight<?> triggerReadBy) {
    this.key = key;
    this.startedNanos = startedNanos;
    this.spec = spec;
    this.loader = loader;
    this.executor = executor;
    this.owner = owner;
    this.trigger = trigger;
    this.triggerReadBy = triggerReadBy;
    this.counted = trigger != null;
  }

  /** Whether this miss is a background refresh rather than a caller's. */
  boolean isRefresh() {
    return trigger != null;
  }

  /** Keeps {@code entry} as the stale candidate if it is newer than the one kept. */
  void offerStale(TierEntry<V> entry) {
    TierEntry<V> kept = stale;
    if (kept == null || entry.writtenAtMillis() >= kept.writtenAtMillis()) {
      stale = entry;
    }
  }

  /** Returns the flight set by the single-flight step. */
  Flight<V> flight() {
    Flight<V> current = flight;
    if (current == null) {
      throw new IllegalStateException("no flight: the single-flight step must run first");
    }
    return current;
  }
}
