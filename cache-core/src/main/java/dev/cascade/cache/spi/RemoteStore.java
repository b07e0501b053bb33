package dev.cascade.cache.spi;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * A byte-level remote store with string keys: what a remote backend (Redis, Memcached) implements.
 * Core's remote adapter turns it into a typed {@link Tier} using the cache's key and value codecs
 * and its envelope; backends hold no policy.
 *
 * <p>Keys reaching a store are already safe for it: core hashes any key longer than {@link
 * StoreCapabilities#maxKeyBytes()} or, if keys are not binary-safe, containing spaces or control
 * characters. A {@code ttl} of {@code null} means no expiry; otherwise it is positive and the
 * store must not let the entry outlive it.
 *
 * <p>Implementations must be thread-safe, must never block the calling thread past their configured
 * timeout and must fail only through the returned futures, with a {@link
 * dev.cascade.cache.CacheException} that keeps the client's exception as its cause.
 */
public interface RemoteStore extends AutoCloseable {

  /** Returns what this store can do. */
  StoreCapabilities capabilities();

  /**
   * Returns the object whose health this store shares with others: every store (of every cache)
   * that returns the same object is behind one circuit breaker, so a dead server costs one
   * breaker's worth of timeouts, not one per cache. A backend's stores return the backend (or the
   * one store it hands out); the default, {@code this}, gives each store object its own breaker.
   * Compared by identity; must not change.
   */
  default Object failureDomain() {
    return this;
  }

  /**
   * Returns whether a value put under a key is stored under exactly that key as exactly those
   * bytes, so that other programs find it (what a cache with {@code RemoteLayout.rawValues()} or a
   * key template needs), and whether {@link #deleteByPrefix} takes any prefix, either as it is or
   * through the view {@link #forLayout} returns. Default {@code true}; a store that rewrites keys or
   * values, or deletes only namespaces of its own form, and has no such view, says {@code false}, and
   * {@code CacheBuilder.build()} then refuses a remote layout on it.
   */
  default boolean supportsRawLayout() {
    return true;
  }

  /**
   * Returns the store a cache with a remote layout ({@code RemoteLayout}) reads and writes through:
   * every key of that cache starts with {@code namespace} (its key template's literal, or {@code
   * <prefix>:<cache>:}), and {@code rawValues} says whether its values are the codec's bytes with no
   * envelope, which other programs read and write. {@code CacheBuilder.build()} calls it once per
   * such cache and store, after {@link #supportsRawLayout()} said {@code true}; caches of the default
   * layout never call it. A store that keeps keys and bytes as given (Redis, the in-memory store)
   * needs nothing more: the default returns {@code this}. A store whose own bookkeeping rides on
   * keys or values returns a view that lays that cache out as asked (Memcached: values under
   * another client's flags convention); a store that forwards to another must forward this call.
   *
   * <p>The view shares this store's connections and {@link #failureDomain()}; closing it does
   * nothing. Thread-safe.
   *
   * @throws IllegalStateException if this store cannot lay out such a cache; the message says why
   *     and is passed on by {@code build()}
   */
  default RemoteStore forLayout(String namespace, boolean rawValues) {
    return this;
  }

  /** Returns a future of the value under {@code key}, or of {@code null} when there is none. */
  CompletableFuture<byte @Nullable []> get(String key);

  /**
   * Returns a future of the values present among {@code keys}; absent keys are not in the map.
   * Stores use one round trip per server.
   */
  CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys);

  /**
   * {@link #getAll} answered by position: returns a future of a list as long as {@code keys} whose
   * element {@code i} is the value under key {@code i}, or {@code null} when there is none. {@code
   * keys} holds no duplicates. What core's bulk reads call: a store whose protocol answers in the
   * order asked (Redis {@code MGET}) overrides it so that no map of the values is built and looked
   * up again. The default calls {@link #getAll} and looks each key up in its answer.
   */
  default CompletableFuture<List<byte @Nullable []>> getAllInOrder(List<String> keys) {
    return getAll(keys)
        .thenApply(
            found -> {
              List<byte @Nullable []> inOrder = new ArrayList<>(keys.size());
              for (String key : keys) {
                inOrder.add(found.isEmpty() ? null : found.get(key));
              }
              return inOrder;
            });
  }
  /**
   * {@link #getAllInOrder(List)} with each value found handed to {@code reader} as the store decodes
   * its reply: element {@code i} of the answer is what {@code reader} made of the value under key
   * {@code i}, or {@code null} when there is none. A store whose client decodes replies on an I/O
   * thread overrides it to run {@code reader} there, on the bytes it received (the Redis store does,
   * for a server that is not a cluster), so that a value's bytes are read once, while they are in
   * that thread's cache; the default reads {@link #getAllInOrder(List)} and runs {@code reader} on
   * each value on the thread that completes it. {@code keys} holds no duplicates.
   */
  default <T> CompletableFuture<List<@Nullable T>> getAllInOrder(List<String> keys, ValueReader<? extends T> reader) {
    return getAllInOrder(keys)
        .thenApply(
            found -> {
              List<@Nullable T> read = new ArrayList<>(found.size());
              for (byte[] value : found) {
                read.add(value == null ? null : reader.read(ByteBuffer.wrap(value)));
              }
              return read;
            });
  }


  /**
   * Returns a future of the value under {@code key} (or of {@code null} when there is none) and, if
   * there is one, sets its remaining TTL to {@code ttl}, in one atomic step: what a cache with
   * {@code expireAfterAccess} (sliding TTL) reads with. Redis does it with {@code GETEX key PX ms},
   * Memcached with a meta get carrying the {@code T} flag. A store that implements it declares
   * {@link StoreCapabilities#touchOnRead()}; core calls it on no other store.
   *
   * <p>The default fails with {@link UnsupportedOperationException} (through the future). There is
   * deliberately no fallback built on {@link #get} and {@link #put}: re-putting the bytes just read
   * would not be atomic, and a write or delete landing between the two steps would be undone by
   * the re-put (a value resurrected after its invalidation).
   *
   * @param ttl positive; the entry's new remaining lifetime
   */
  default CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(getClass().getName() + " cannot read and touch in one step"));
  }

  /**
   * {@link #getAndTouch} for many keys: returns the values present among {@code keys} (absent keys
   * are not in the map) and sets the remaining TTL of each one found to {@code ttl}. Each key is
   * read and touched atomically, the keys together are not; stores use one round trip per server
   * (Redis pipelines one {@code GETEX} per key, Memcached one batch of meta gets per server). The
   * default fails as {@link #getAndTouch}'s does.
   */
  default CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    return CompletableFuture.failedFuture(
        new UnsupportedOperationException(getClass().getName() + " cannot read and touch in one step"));
  }

  /**
   * Returns a future of the value under {@code key} with the time it has left (or of {@code null}
   * when there is none), read in one atomic step: what a cache with raw values reads, since such a
   * value carries no expiry of its own. Redis does it with one script ({@code GET} and {@code
   * PTTL}). The default reads with {@link #get} and reports the time left as unknown; core then
   * bounds nearer tiers' copies by the cache's TTL alone.
   */
  default CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
    return get(key).thenApply(value -> value == null ? null : new TimedValue(value, null));
  }

  /**
   * {@link #getWithTtl} for many keys: the values present among {@code keys} (absent keys are not in
   * the map), each with the time it has left; each key is read atomically, the keys together are
   * not. The default reads with {@link #getAll} and reports the times as unknown.
   */
  default CompletableFuture<Map<String, TimedValue>> getAllWithTtl(Collection<String> keys) {
    return getAll(keys)
        .thenApply(
            found -> {
              Map<String, TimedValue> timed = new HashMap<>();
              found.forEach((key, value) -> timed.put(key, new TimedValue(value, null)));
              return timed;
            });
  }

  /** Stores {@code value} under {@code key}, replacing what was there. */
  CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl);

  /** Stores all {@code writes}, each with its own TTL, pipelined. */
  CompletableFuture<Void> putAll(Map<String, Write> writes);

  /** Stores {@code value} only if {@code key} has no value; returns whether it was stored. */
  CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl);

  /** Deletes {@code key}; deleting an absent key is not an error. */
  CompletableFuture<Void> delete(String key);

  /**
   * Deletes the value under {@code key} only if it is still {@code expected}, byte for byte, as one
   * atomic step, and returns whether it did. The engine drops a stale or corrupt entry it read this
   * way, so that it never takes with it a newer value, or another instance's lease marker, written
   * since. The default deletes nothing and returns {@code false}: a store that cannot compare and
   * delete atomically keeps such an entry until its TTL ends (reads still treat it as a miss, but
   * until then no plain lease can be taken on the key).
   */
  default CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    return CompletableFuture.completedFuture(false);
  }

  /** Deletes all {@code keys}. */
  CompletableFuture<Void> deleteAll(Collection<String> keys);

  /**
   * Deletes every key that starts with {@code prefix}, and only those (the namespace of one cache).
   * Redis does this with SCAN and UNLINK on every master; Memcached by a namespace version.
   */
  CompletableFuture<Void> deleteByPrefix(String prefix);

  /**
   * Returns the current version of each tag key, giving a missing one a fresh version first ({@link
   * TagVersion#created}{@code (createdAtMillis)}). A record is missing either because its tag was
   * never used or because the store evicted it, perhaps right after an invalidation whose time it
   * took with it. Loads that began before {@code createdAtMillis} are not served under the new
   * record (the engine gives a put's or a load's start, or, for the publish of a load that found
   * the record gone, the current time). The default
   * reads, then creates the missing ones with {@link #putIfAbsent} and reads again; stores with
   * scripting may do it in one round trip.
   *
   * @throws IllegalArgumentException if {@code createdAtMillis} is negative
   */
  default CompletableFuture<Map<String, TagVersion>> tagVersions(Collection<String> tagKeys, long createdAtMillis) {
    TagVersion.created(createdAtMillis); // checks it before anything is sent
    return getAll(tagKeys)
        .thenCompose(
            found -> {
              Map<String, TagVersion> versions = new HashMap<>();
              List<String> missing = new ArrayList<>();
              for (String tagKey : tagKeys) {
                TagVersion version = TagVersion.fromBytes(found.get(tagKey));
                if (version == null) {
                  missing.add(tagKey);
                } else {
                  versions.put(tagKey, version);
                }
              }
              if (missing.isEmpty()) {
                return CompletableFuture.completedFuture(versions);
              }
              List<CompletableFuture<Boolean>> creations = new ArrayList<>();
              for (String tagKey : missing) {
                creations.add(putIfAbsent(tagKey, TagVersion.created(createdAtMillis).toBytes(), null));
              }
              return CompletableFuture.allOf(creations.toArray(CompletableFuture[]::new))
                  .thenCompose(created -> getAll(missing))
                  .thenApply(
                      again -> {
                        for (String tagKey : missing) {
                          TagVersion version = TagVersion.fromBytes(again.get(tagKey));
                          // Evicted between our write and our read: an impossible version makes
                          // every entry written with it invalid, which is the safe outcome.
                          versions.put(tagKey, version != null ? version : new TagVersion(0, Long.MAX_VALUE));
                        }
                        return versions;
                      });
            });
  }

  /**
   * Gives the tag a fresh version stamped {@code nowMillis}, which invalidates every entry written
   * with the old one and every load that started before {@code nowMillis}.
   */
  default CompletableFuture<Void> newTagVersion(String tagKey, long nowMillis) {
    return put(tagKey, TagVersion.fresh(nowMillis).toBytes(), null);
  }

  /** Releases the store's connections. */
  @Override
  void close();

  /**
   * One entry of a {@link #putAll}.
   *
   * @param value the bytes to store
   * @param ttl the entry's TTL, or {@code null} for none
   */
  record Write(byte[] value, @Nullable Duration ttl) {}
}
