package dev.cascade.cache.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A capability of a {@link RemoteStore} that has sets (Redis): tags kept as sets of member keys,
 * the layout of hand-written cache-aside code ({@code SADD tag:<name> <key>}), which a cache uses
 * with {@code RemoteLayout.tagSets(...)} to invalidate entries together with other services that
 * write that layout. Core's default tags are tag versions and need no sets.
 *
 * <p>Implementations must be thread-safe and fail only through the returned futures, as every
 * {@link RemoteStore} method does.
 */
public interface TagSetStore {

  /**
   * Returns whether this store can keep tag sets (a Redis Cluster store cannot: a tag's members
   * live in other slots than its set). A cache with tag sets refuses to build on a store that says
   * no.
   */
  boolean tagSetsSupported();

  /**
   * Stores {@code value} under {@code key} with {@code ttl} (or none), adds {@code key} to each set
   * in {@code setKeys}, and makes each set live at least {@code setTtl} (or, if {@code null}, as the
   * entry then never expires, takes any TTL the set had away), in one atomic step or one
   * transaction: a set never lacks a member that was written, nor expires before it.
   */
  CompletableFuture<Void> putTagged(
      String key, byte[] value, @Nullable Duration ttl, Collection<String> setKeys, @Nullable Duration setTtl);

  /** Deletes every member key of the set {@code setKey}, and the set, in one atomic step. */
  CompletableFuture<Void> deleteTagSet(String setKey);
}
