package dev.cascade.cache.internal;

import dev.cascade.cache.InvalidationScope;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.codec.Envelope;
import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.spi.TagVersion;
import dev.cascade.cache.spi.Tier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The adapter that makes a byte-level {@link RemoteStore} a typed {@link Tier}: key codec and
 * prefix, value codec, envelope, tag versions and leases.
 *
 * <p>Invariants: a value that cannot be parsed or decoded is counted, deleted (only if the key
 * still holds it: never another instance's newer value or lease marker) and reported as a miss,
 * never thrown; an entry is returned only if its logical expiry is in the future and each of
 * its tags still has the version recorded in the entry, whose record admits the entry ({@link
 * dev.cascade.cache.spi.TagVersion#admits}: not invalidated after the entry's write or load began,
 * nor, for a load's entry, created after the load began). Stateless apart from its collaborators;
 * thread-safe.
 *
 * <p>With a sliding TTL, reads go through the store's {@link RemoteStore#getAndTouch} (and {@link
 * RemoteStore#getAllAndTouch}), which move the entry's server-side TTL in the same step. The
 * envelope's logical expiry then only records the entry's first lifetime, which the touches have
 * overtaken: for an entry with a value the store's TTL rules, and the entry is returned expiring
 * the sliding duration after the read, so that the nearer tiers it fills keep it that long and a
 * value that keeps being read never reads as expired. A cached absence does not slide: its logical
 * expiry is checked as without a sliding TTL.
 *
 * <p>Leases (asking, publishing under one, releasing) belong to {@link RemoteLeases}; what a value
 * read means (envelope or raw form, expiry, decoding in place, corrupt and stale values) to {@link
 * RemoteValues}; reads, one key or many, asynchronous or blocking, to {@link RemoteReads}; every
 * store and lock call goes through one {@link CircuitGuard}. A bulk read asks the store by position
 * ({@link RemoteStore#getAllInOrder}) and keeps keys, remote keys and values in arrays of one order.
 *
 * <p>With raw values ({@link RawValues}) there is no envelope on the wire: a value is read with the
 * time it has left in the store ({@link RemoteStore#getWithTtl}) and wrapped in an envelope without
 * tags that expires then, and a write stores the codec's bytes (or the null marker). Tags then live in tag
 * sets, if the layout has them ({@link RemoteTags}): a tagged put adds its key to each tag's set,
 * and an invalidation deletes a set's members; without tag sets a raw cache refuses tags.
 */
final class RemoteTier<K, V> implements Tier<K, V> {
  private final String name;
  /** This tier's index among the cache's tiers, as events name it. */
  private final int index;
  private final RemoteStore store;
  private final RemoteKeys<K> keys;
  private final Codec<V> codec;
  private final Ticker ticker;
  private final @Nullable StampedeLock lock;
  private final StatsCounter stats;
  private final Events events;
  /** Runs each store and lock call through the circuit breaker, if any. */
  private final CircuitGuard guard;
  private final RemoteLeases<K> leases;
  /** The sliding TTL, or {@code null} for plain reads and fixed expiries. */
  private final @Nullable Duration sliding;
  /** Parses, decodes and drops the values read. */
  private final RemoteValues<V> values;
  /** The raw value form, or {@code null} for the envelope. */
  private final @Nullable RawValues raw;
  /** Tag versions, tag sets or no tags, as the layout says. */
  private final RemoteTags<K> tags;
  /** How values are read, asynchronously or blocking. */
  private final RemoteReads<K, V> reads;

  RemoteTier(
      String name,
      int index,
      RemoteStore store,
      RemoteKeys<K> keys,
      Codec<V> codec,
      Ticker ticker,
      @Nullable StampedeLock lock,
      StatsCounter stats,
      Events events,
      @Nullable CircuitBreaker breaker,
      @Nullable Duration sliding,
      boolean leasesOverValues,
      @Nullable RawValues raw,
      boolean tagSets) {
    this.name = name;
    this.index = index;
    this.store = store;
    this.keys = keys;
    this.codec = codec;
    this.ticker = ticker;
    this.lock = lock;
    this.stats = stats;
    this.events = events;
    this.guard = new CircuitGuard(name, breaker);
    this.leases = new RemoteLeases<>(store, keys, lock, guard, leasesOverValues);
    this.sliding = sliding;
    this.raw = raw;
    OperatorLog.RejectionLog rejections = new OperatorLog.RejectionLog(keys.namespace() + " (" + name + ")");
    this.values = new RemoteValues<>(store, codec, ticker, stats, rejections, guard, sliding, raw);
    this.tags = new RemoteTags<>(store, keys, guard, ticker, raw != null, tagSets);
    this.reads = new RemoteReads<>(store, keys, ticker, guard, sliding, values, raw, tags);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public CompletableFuture<@Nullable TierEntry<V>> get(K key) {
    return observe(TierOperation.GET, () -> reads.read(key), this::countLookup);
  }

  /**
   * {@link #get} for a caller that blocks on it: waits on this thread for the store's reply and
   * parses it here, with no completion stage of its own and no hop (what a blocking caller of a
   * cache with this tier alone saves; see {@link ReadThrough#lookupBlocking}). Reads and events are
   * those of {@link #get}.
   *
   * @throws IllegalArgumentException if the key cannot be encoded (before anything is sent)
   * @throws CompletionException wrapping the failure of the store or of the value's handling
   */
  @Nullable TierEntry<V> getBlocking(K key) {
    return observeBlocking(TierOperation.GET, () -> reads.readBlocking(key), this::countLookup);
  }

  private void countLookup(@Nullable TierEntry<V> found) {
    events.tierLookups(index, found == null ? 0 : 1, found == null ? 1 : 0);
  }

  @Override
  public CompletableFuture<Map<K, TierEntry<V>>> getAll(Set<K> wanted) {
    Object[] asked = wanted.toArray();
    return getAllAligned(asked).thenApply(found -> asMap(asked, found));
  }

  /**
   * {@link #getAll} without the map: element {@code i} of the answer is the entry of {@code
   * asked[i]}, or {@code null}. {@code asked} holds distinct keys of type {@code K}; the array
   * answered is new and the caller's to change.
   */
  CompletableFuture<@Nullable TierEntry<V>[]> getAllAligned(Object[] asked) {
    return observe(TierOperation.GET_ALL, () -> reads.readAll(asked), found -> countLookups(found));
  }

  /**
   * {@link #getAllAligned} for a caller that blocks on it, as {@link #getBlocking} is for {@link
   * #get}.
   *
   * @throws IllegalArgumentException if a key cannot be encoded (before anything is sent)
   * @throws CompletionException wrapping the failure of the store or of the values' handling
   */
  @Nullable TierEntry<V>[] getAllAlignedBlocking(Object[] asked) {
    return observeBlocking(
        TierOperation.GET_ALL, () -> reads.readAllBlocking(asked), found -> countLookups(found));
  }

  private void countLookups(@Nullable Object[] found) {
    int hits = countPresent(found);
    events.tierLookups(index, hits, found.length - hits);
  }

  private static int countPresent(@Nullable Object[] found) {
    int present = 0;
    for (Object entry : found) {
      if (entry != null) {
        present++;
      }
    }
    return present;
  }

  private static <K, V> Map<K, TierEntry<V>> asMap(Object[] asked, @Nullable TierEntry<V>[] found) {
    Map<K, TierEntry<V>> entries = new HashMap<>(ReadThrough.capacityFor(found.length));
    for (int i = 0; i < found.length; i++) {
      if (found[i] != null) {
        @SuppressWarnings("unchecked")
        K key = (K) asked[i];
        entries.put(key, found[i]);
      }
    }
    return entries;
  }

  @Override
  public CompletableFuture<Void> put(K key, TierEntry<V> entry) {
    return observe(TierOperation.PUT, () -> write(key, entry, false), done -> events.tierStored(index, 1));
  }

  @Override
  public CompletableFuture<Void> prepareTags(Set<String> tagsOfLoad, long startedAtMillis) {
    return observe(
        TierOperation.GET_ALL, () -> tags.versionsOf(tagsOfLoad, startedAtMillis, false).thenApply(versions -> null), done -> {});
  }

  @Override
  public CompletableFuture<Void> putLoaded(K key, TierEntry<V> entry) {
    return observe(TierOperation.PUT, () -> write(key, entry, true), done -> events.tierStored(index, 1));
  }

  /** Writes {@code entry}; {@code loaded}: whether a load produced it (see {@link RemoteTags#versionsOf}). */
  private CompletableFuture<Void> write(K key, TierEntry<V> entry, boolean loaded) {
    String remoteKey = keys.entryKey(key);
    Duration ttl = ttlOf(entry);
    if (ttl != null && ttl.isZero()) {
      return delete(key); // already expired: the older value must not stay, nor a holder's load land
    }
    if (raw != null && !entry.tags().isEmpty()) {
      CompletableFuture<Void> tagged = tags.putTagged(remoteKey, envelope(entry, Map.of()), ttl, entry);
      if (tagged != null) {
        return tagged;
      }
    }
    CompletableFuture<Void> revoked = lock == null ? CompletableFuture.completedFuture(null) : guard.callUncounted(() -> lock.revoke(remoteKey));
    return revoked
        .thenCompose(done -> encode(entry, loaded))
        .thenCompose(bytes -> guard.call(() -> store.put(remoteKey, bytes, ttl)));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<K, TierEntry<V>> entries) {
    return observe(TierOperation.PUT_ALL, () -> writeAll(entries), done -> events.tierStored(index, entries.size()));
  }

  private CompletableFuture<Void> writeAll(Map<K, TierEntry<V>> entries) {
    Set<String> tagged = new HashSet<>();
    entries.values().forEach(entry -> tagged.addAll(entry.tags()));
    tags.checkBulk(tagged);
    // bulk writes carry no tags today (the API takes none), so no record is created here
    long oldest = entries.values().stream().mapToLong(TierEntry::writtenAtMillis).min().orElse(0);
    return tags.versionsOf(tagged, oldest, false)
        .thenCompose(
            versions -> {
              Map<String, RemoteStore.Write> writes = new LinkedHashMap<>();
              List<String> expired = new ArrayList<>(); // already expired: the older value must not stay
              entries.forEach(
                  (key, entry) -> {
                    Duration ttl = ttlOf(entry);
                    if (ttl != null && ttl.isZero()) {
                      expired.add(keys.entryKey(key));
                    } else {
                      writes.put(keys.entryKey(key), new RemoteStore.Write(envelope(entry, versions), ttl));
                    }
                  });
              List<String> touched = new ArrayList<>(writes.keySet());
              touched.addAll(expired);
              return revokeAll(touched)
                  .thenCompose(done -> writes.isEmpty() ? CompletableFuture.<Void>completedFuture(null) : guard.call(() -> store.putAll(writes)))
                  .thenCompose(done -> expired.isEmpty() ? CompletableFuture.<Void>completedFuture(null) : guard.call(() -> store.deleteAll(expired)));
            });
  }

  /**
   * Revokes the leases held on {@code remoteKeys}, so that a holder's load, which read the source
   * before this write, cannot land after it (as {@link #write} and {@link #delete} do for one key).
   */
  private CompletableFuture<Void> revokeAll(List<String> remoteKeys) {
    if (lock == null || remoteKeys.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return CompletableFuture.allOf(remoteKeys.stream().map(k -> guard.callUncounted(() -> lock.revoke(k))).toArray(CompletableFuture[]::new));
  }

  @Override
  public CompletableFuture<Void> invalidate(K key) {
    return observe(TierOperation.INVALIDATE, () -> delete(key), done -> events.tierInvalidated(index, InvalidationScope.KEY, 1));
  }

  private CompletableFuture<Void> delete(K key) {
    String remoteKey = keys.entryKey(key);
    if (lock == null) {
      return guard.call(() -> store.delete(remoteKey));
    }
    // Revoke first: a holder publishing between the two steps then fails, or is deleted after.
    return guard.callUncounted(() -> lock.revoke(remoteKey)).thenCompose(done -> guard.call(() -> store.delete(remoteKey)));
  }

  @Override
  public CompletableFuture<Void> invalidateAll(Set<K> keysToDrop) {
    return observe(TierOperation.INVALIDATE_ALL, () -> deleteAll(keysToDrop), done -> events.tierInvalidated(index, InvalidationScope.KEY, keysToDrop.size()));
  }

  private CompletableFuture<Void> deleteAll(Set<K> keysToDrop) {
    List<String> remoteKeys = new ArrayList<>(keysToDrop.size());
    keysToDrop.forEach(key -> remoteKeys.add(keys.entryKey(key)));
    return revokeAll(remoteKeys).thenCompose(done -> guard.call(() -> store.deleteAll(remoteKeys)));
  }

  @Override
  public CompletableFuture<Void> invalidateAll() {
    return observe(TierOperation.INVALIDATE_ALL, () -> guard.call(() -> store.deleteByPrefix(keys.namespace())), done -> events.tierInvalidated(index, InvalidationScope.ALL, 1));
  }

  @Override
  public CompletableFuture<Void> invalidateTag(String tag) {
    return observe(TierOperation.INVALIDATE_TAG, () -> tags.invalidate(tag), done -> events.tierInvalidated(index, InvalidationScope.TAG, 1));
  }

  @Override
  public CompletableFuture<@Nullable Lease> tryLease(K key, Duration leaseTime) {
    return observe(TierOperation.LEASE, () -> leases.acquire(key, leaseTime), lease -> {});
  }

  @Override
  public CompletableFuture<Boolean> putUnderLease(K key, TierEntry<V> entry, Lease lease) {
    return observe(TierOperation.PUT, () -> writeUnderLease(key, entry, lease), stored -> events.tierStored(index, stored ? 1 : 0));
  }

  private CompletableFuture<Boolean> writeUnderLease(K key, TierEntry<V> entry, Lease lease) {
    if (lock == null) {
      return write(key, entry, true).thenApply(stored -> true);
    }
    Duration ttl = ttlOf(entry);
    if (ttl != null && ttl.isZero()) {
      return CompletableFuture.completedFuture(false);
    }
    return encode(entry, true).thenCompose(bytes -> leases.publish(lease, bytes, ttl));
  }

  @Override
  public CompletableFuture<Void> releaseLease(Lease lease) {
    return observe(TierOperation.LEASE, () -> leases.release(lease), done -> {});
  }

  @Override
  public void close() {
    store.close();
  }

  private CompletableFuture<byte[]> encode(TierEntry<V> entry, boolean loaded) {
    return tags.versionsOf(entry.tags(), entry.writtenAtMillis(), loaded).thenApply(versions -> envelope(entry, versions));
  }

  private byte[] envelope(TierEntry<V> entry, Map<String, TagVersion> versionsByTagKey) {
    RawValues rawForm = raw;
    if (rawForm != null) {
      V value = entry.value();
      return checkSize(rawForm.write(value == null ? null : codec.encode(value)), "");
    }
    Map<String, Long> recorded = new LinkedHashMap<>();
    for (String tag : entry.tags()) {
      recorded.put(tag, tags.versionIn(versionsByTagKey, tag));
    }
    V value = entry.value();
    byte[] payload = value == null ? new byte[0] : codec.encode(value);
    byte[] bytes =
        new Envelope(
                value == null ? Envelope.FLAG_NULL : 0,
                entry.expiresAtMillis(),
                entry.writtenAtMillis(),
                entry.loadNanos(),
                recorded,
                payload)
            .toBytes();
    return checkSize(bytes, " (with envelope)");
  }

  private byte[] checkSize(byte[] bytes, String form) {
    int limit = store.capabilities().maxValueBytes();
    if (bytes.length > limit) {
      throw new IllegalArgumentException(
          "value of " + bytes.length + " bytes" + form + " exceeds the store's limit of " + limit + " bytes");
    }
    return bytes;
  }

  private @Nullable Duration ttlOf(TierEntry<V> entry) {
    if (entry.expiresAtMillis() == TierEntry.NO_EXPIRY) {
      return null;
    }
    return Duration.ofMillis(entry.remainingMillis(ticker.wallMillis()));
  }

  /**
   * Runs {@code call} as {@code operation}: reports its duration and outcome, and passes its value
   * to {@code onSuccess} before the returned future completes with it.
   */
  /**
   * {@link #observe} for a call that returns its result on this thread: the same reports, the
   * call's failure thrown as it is.
   */
  private <T> T observeBlocking(TierOperation operation, Supplier<T> call, Consumer<? super T> onSuccess) {
    if (!events.observed()) {
      return call.get(); // as observe: nothing to report to, so not even a completed future
    }
    return observe(operation, () -> CompletableFuture.completedFuture(call.get()), onSuccess).join();
  }

  private <T> CompletableFuture<T> observe(
      TierOperation operation, Supplier<CompletableFuture<T>> call, Consumer<? super T> onSuccess) {
    if (!events.observed()) {
      return call.get(); // nothing to report to: no clock reads, no stage
    }
    long start = ticker.read();
    CompletableFuture<T> future;
    try {
      future = call.get();
    } catch (RuntimeException e) {
      events.tierOperation(index, operation, ticker.read() - start, CircuitGuard.unwrap(e));
      throw e;
    }
    return future.whenComplete(
        (value, error) -> {
          events.tierOperation(index, operation, ticker.read() - start, error == null ? null : CircuitGuard.unwrap(error));
          if (error == null) {
            onSuccess.accept(value);
          }
        });
  }
}
