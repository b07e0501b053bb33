package dev.cascade.cache.internal;

import dev.cascade.cache.spi.TierEntry;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One load (or write-through, {@link #write}) of one key in this JVM, shared by every caller that
 * asks for the key while it runs, plus the invalidation epochs seen when it began. A fill or publish made on behalf of the flight
 * is stored only if no invalidation touched its key (or the whole cache) since then, which is how an
 * invalidation that races a fill or a load wins.
 */
final class Flight<V> extends CompletableFuture<@Nullable V> {
  final @Nullable Thread owner;
  final int stripe;
  final long stripeEpoch;
  final long globalEpoch;
  /**
   * Whether this flight is a write-through rather than a load: callers that wait for it get the
   * written value, and if the write fails they load for themselves instead of failing with it.
   */
  final boolean write;
  /**
   * Whether this flight is a background refresh ({@link Refresher}): callers that wait for it get
   * its value, and if it fails they load for themselves, as after a failed write, instead of failing
   * with it. Set before the flight is registered, which publishes it.
   */
  boolean refresh;
  /**
   * Completes (with nothing) once the flight has left the single-flight map: what a write waits for
   * before it claims the key. A bulk load completes its flights' values before it publishes them and
   * leaves the map only after, so the value's completion is not that moment.
   */
  final CompletableFuture<@Nullable Void> settled = new CompletableFuture<>();
  /**
   * For a background refresh of an entry a caller's remote read found, that entry: callers that
   * come while the refresh runs are answered with it (see {@code SingleFlight}) instead of waiting
   * for the load, while nothing invalidated the key since {@link #refreshingReadBy} began. Set
   * before the flight is registered, which publishes it; {@code null} for every other flight, a
   * refresh of an entry the in-process tier holds included.
   */
  @Nullable TierEntry<V> refreshing;
  /**
   * The flight of the caller whose remote read found {@link #refreshing}: it began before that
   * read, so its epochs say whether an invalidation or a put of the key came after the read. This
   * flight's own epochs are later (it is registered once that caller's flight ended), so they cannot.
   */
  @Nullable Flight<?> refreshingReadBy;
  /** Set when a remote tier failed during this flight: later remote steps are skipped. */
  volatile boolean degraded;
  /**
   * Set by a put into a cache whose only tier is in-process, instead of moving the key's epoch:
   * the flight's fill will not be stored (see {@link Coherence#isCurrent}).
   */
  volatile boolean superseded;

  Flight(@Nullable Thread owner, int stripe, long stripeEpoch, long globalEpoch) {
    this(owner, stripe, stripeEpoch, globalEpoch, false);
  }

  Flight(@Nullable Thread owner, int stripe, long stripeEpoch, long globalEpoch, boolean write) {
    this.owner = owner;
    this.stripe = stripe;
    this.stripeEpoch = stripeEpoch;
    this.globalEpoch = globalEpoch;
    this.write = write;
  }
}
