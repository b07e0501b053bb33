package dev.cascade.cache.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * The miss path of a single key: an ordered chain of steps, each of which serves the miss or hands
 * it on. The order, stated here once:
 *
 * <ol>
 *   <li>{@link Revalidate} (only with stale-while-revalidate and an in-process tier): an entry of
 *       the in-process tier past its expiry but within the window is served at once, and one
 *       background refresh starts.
 *   <li>{@link SingleFlight}: one load per key per JVM; later callers wait for the first one's
 *       result. The leader's flight remembers the invalidation epochs as of now.
 *   <li>{@link LocalRecheck}: a look at the in-process tier again, since another flight may have
 *       stored the key between the caller's miss and this flight's start.
 *   <li>{@link RemoteRead}: the remote tiers, nearest first, filling nearer tiers on the way back.
 *       It comes before the lease so that a value another instance already stored costs one read,
 *       not a lease round trip. The steps after it run on the miss's executor.
 *   <li>{@link LeaseStep}: with a distributed stampede lock, the lease on the key across instances;
 *       a caller that loses it waits for the holder's value, then loads itself.
 *   <li>{@link StaleIfError} (only with stale-if-error): if the load fails, an expired entry found
 *       by the steps above, within the bound, answers instead.
 *   <li>{@link LoadStep}: the loader, then the conditional publish ({@link Publisher}): farthest
 *       tier first, under the lease when held, unless an invalidation intervened.
 * </ol>
 *
 * A background refresh (early refresh, or the revalidation above) runs a second chain built from
 * the same steps: {@link SingleFlight} (a refresh never joins a running flight), {@link Refresher}
 * (the rest runs on the cache's executor), then the steps from {@link LocalRecheck} on, which end a
 * refresh early when they find a newer fresh entry. Chains are built once per cache; serving a
 * miss allocates no chain objects. A blocking caller of a cache with one remote tier takes the
 * steps up to the remote read on its own thread instead ({@link BlockingMiss}), the same step
 * objects in the same order, and this chain's steps after them. Thread-safe.
 */
final class MissChain<K, V> {
  private final MissStep.Rest<K, V> head;

  MissChain(List<MissStep<K, V>> steps) {
    MissStep.Rest<K, V> rest =
        miss -> CompletableFuture.failedFuture(new IllegalStateException("no step served the miss of " + miss.key));
    for (int i = steps.size() - 1; i >= 0; i--) {
      MissStep<K, V> step = steps.get(i);
      MissStep.Rest<K, V> next = rest;
      rest = miss -> step.serve(miss, next);
    }
    this.head = rest;
  }

  /** Serves {@code miss} through every step in order. */
  CompletableFuture<@Nullable V> serve(Miss<K, V> miss) {
    return head.proceed(miss);
  }
}
