package dev.cascade.cache.memory;

import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import dev.cascade.cache.spi.TagSetStore;
import dev.cascade.cache.spi.TimedValue;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link RemoteStore} held in this JVM's memory: the remote adapter's path (key codec, value
 * codec, envelope, prefixes, tag versions) without a server. Several caches sharing one instance
 * behave like several service instances sharing one Redis, which makes it the store for core's own
 * tests and for single-process use. Expiry follows the given {@link Ticker}; unbounded in size.
 * Reads and touches in one step ({@link #getAndTouch}), so it serves caches with a sliding TTL. Keeps
 * tag sets ({@link TagSetStore}) beside the values, as Redis keeps sets beside strings.
 *
 * <p>Thread-safe; every future it returns is already complete.
 */
public final class InMemoryRemoteStore implements RemoteStore, TagSetStore {
  private final ConcurrentHashMap<String, Item> items = new ConcurrentHashMap<>();
  private final Ticker ticker;
  private final StoreCapabilities capabilities;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final ConcurrentHashMap<String, TagSet> sets = new ConcurrentHashMap<>();
  /** Makes each tag set operation atomic against the others, as one Lua script is on Redis. */
  private final ReentrantLock setLock = new ReentrantLock();
  /**
   * Held for writing by every deletion by prefix (and {@link #clear()}) while it counts itself in
   * {@link #prefixDeletions} and deletes; held for reading by {@link #putUnlessDeletedByPrefixSince}
   * while it checks that count and stores, so such a put lands either before a deletion (and is
   * deleted) or after it (and sees its count).
   */
  private final ReentrantReadWriteLock prefixDeletion = new ReentrantReadWriteLock();
  /** The deletions by prefix so far; written only under {@link #prefixDeletion}'s write lock. */
  private volatile long prefixDeletions;
  /**
   * The prefixes of the last {@link #PREFIX_LOG_SIZE} deletions by prefix, oldest first ({@code ""}
   * for a clear); read and written only under {@link #prefixDeletion}.
   */
  private final java.util.ArrayDeque<String> prefixLog = new java.util.ArrayDeque<>();

  private static final int PREFIX_LOG_SIZE = 1024;

  private record Item(byte[] value, long expiresAtMillis) {}

  private record TagSet(Set<String> members, long expiresAtMillis) {}

  private InMemoryRemoteStore(Ticker ticker, StoreCapabilities capabilities) {
    this.ticker = ticker;
    this.capabilities = capabilities;
  }

  /** Returns a store on the system clock with binary-safe keys of up to 64 KiB. */
  public static InMemoryRemoteStore create() {
    return create(Ticker.system());
  }

  /** Returns a store whose entries expire by {@code ticker}'s wall clock. */
  public static InMemoryRemoteStore create(Ticker ticker) {
    return create(ticker, new StoreCapabilities(65_536, true, Integer.MAX_VALUE, true, true));
  }

  /**
   * Returns a store declaring {@code capabilities}, for example Memcached's limits (250-byte keys,
   * no spaces or control characters) to exercise key hashing without a server.
   */
  public static InMemoryRemoteStore create(Ticker ticker, StoreCapabilities capabilities) {
    return new InMemoryRemoteStore(
        Objects.requireNonNull(ticker, "ticker"), Objects.requireNonNull(capabilities, "capabilities"));
  }

  @Override
  public StoreCapabilities capabilities() {
    return capabilities;
  }

  /** Returns the live value under {@code key} or {@code null}; synchronous. */
  public byte @Nullable [] getNow(String key) {
    Item item = items.get(key);
    if (item == null) {
      return null;
    }
    if (item.expiresAtMillis <= ticker.wallMillis()) {
      items.remove(key, item);
      return null;
    }
    return item.value.clone();
  }

  /** Stores {@code value} under {@code key}; synchronous. */
  public void putNow(String key, byte[] value, @Nullable Duration ttl) {
    checkOpen();
    if (value.length > capabilities.maxValueBytes()) {
      throw new IllegalArgumentException(
          "value of " + value.length + " bytes exceeds the limit of " + capabilities.maxValueBytes());
    }
    items.put(key, new Item(value.clone(), expiry(ttl)));
  }

  /** Returns the live keys, sorted; for tests and diagnostics. */
  public Set<String> keys() {
    Set<String> live = new TreeSet<>();
    for (String key : items.keySet()) {
      if (getNow(key) != null) {
        live.add(key);
      }
    }
    return live;
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(String key) {
    checkOpen();
    return CompletableFuture.completedFuture(getNow(key));
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
    checkOpen();
    Map<String, byte[]> found = new HashMap<>();
    for (String key : keys) {
      byte[] value = getNow(key);
      if (value != null) {
        found.put(key, value);
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  /**
   * Reads and touches {@code key} atomically (under the key's lock in the map), whatever the
   * declared capabilities say.
   */
  @Override
  public CompletableFuture<byte @Nullable []> getAndTouch(String key, Duration ttl) {
    checkOpen();
    return CompletableFuture.completedFuture(touchNow(key, Objects.requireNonNull(ttl, "ttl")));
  }

  @Override
  public CompletableFuture<Map<String, byte[]>> getAllAndTouch(Collection<String> keys, Duration ttl) {
    checkOpen();
    Objects.requireNonNull(ttl, "ttl");
    Map<String, byte[]> found = new HashMap<>();
    for (String key : keys) {
      byte[] value = touchNow(key, ttl);
      if (value != null) {
        found.put(key, value);
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  /** Returns the live value under {@code key}, whose expiry becomes now + {@code ttl}; or {@code null}. */
  private byte @Nullable [] touchNow(String key, Duration ttl) {
    long now = ticker.wallMillis();
    Item touched =
        items.computeIfPresent(
            key, (k, current) -> current.expiresAtMillis <= now ? null : new Item(current.value, expiry(ttl)));
    return touched == null ? null : touched.value.clone();
  }

  @Override
  public CompletableFuture<@Nullable TimedValue> getWithTtl(String key) {
    checkOpen();
    return CompletableFuture.completedFuture(timedNow(key));
  }

  @Override
  public CompletableFuture<Map<String, TimedValue>> getAllWithTtl(Collection<String> keys) {
    checkOpen();
    Map<String, TimedValue> found = new HashMap<>();
    for (String key : keys) {
      TimedValue value = timedNow(key);
      if (value != null) {
        found.put(key, value);
      }
    }
    return CompletableFuture.completedFuture(found);
  }

  private @Nullable TimedValue timedNow(String key) {
    Item item = items.get(key);
    long now = ticker.wallMillis();
    if (item == null || item.expiresAtMillis <= now) {
      return null;
    }
    Duration remaining = item.expiresAtMillis == Long.MAX_VALUE ? null : Duration.ofMillis(item.expiresAtMillis - now);
    return new TimedValue(item.value.clone(), remaining);
  }

  /**
   * Returns the time {@code key} has left by the store's ticker, or {@code null} when it is absent
   * or expired ({@link Duration#ZERO} never); {@code ChronoUnit.FOREVER}'s duration for no expiry.
   * For tests and diagnostics, as {@code PTTL} on Redis.
   */
  public @Nullable Duration remainingTtl(String key) {
    Item item = items.get(key);
    long now = ticker.wallMillis();
    if (item == null || item.expiresAtMillis <= now) {
      return null;
    }
    return item.expiresAtMillis == Long.MAX_VALUE
        ? java.time.temporal.ChronoUnit.FOREVER.getDuration()
        : Duration.ofMillis(item.expiresAtMillis - now);
  }

  @Override
  public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
    return run(() -> putNow(key, value, ttl));
  }

  @Override
  public CompletableFuture<Void> putAll(Map<String, Write> writes) {
    return run(() -> writes.forEach((key, write) -> putNow(key, write.value(), write.ttl())));
  }

  @Override
  public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
    checkOpen();
    boolean[] stored = {false};
    long now = ticker.wallMillis();
    items.compute(
        key,
        (k, current) -> {
          if (current != null && current.expiresAtMillis > now) {
            return current;
          }
          stored[0] = true;
          return new Item(value.clone(), expiry(ttl));
        });
    return CompletableFuture.completedFuture(stored[0]);
  }

  @Override
  public CompletableFuture<Void> delete(String key) {
    return run(() -> items.remove(key));
  }

  @Override
  public CompletableFuture<Boolean> deleteIfUnchanged(String key, byte[] expected) {
    try {
      checkOpen();
      boolean[] deleted = {false};
      items.computeIfPresent(
          key,
          (k, item) -> {
            if (java.util.Arrays.equals(item.value, expected)) {
              deleted[0] = true;
              return null;
            }
            return item;
          });
      return CompletableFuture.completedFuture(deleted[0]);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<Void> deleteAll(Collection<String> keys) {
    return run(() -> keys.forEach(items::remove));
  }

  @Override
  public CompletableFuture<Void> deleteByPrefix(String prefix) {
    return run(() -> deletePrefix(prefix));
  }

  /** Removes everything, like a server's {@code FLUSHALL}. */
  public void clear() {
    deletePrefix("");
  }

  private void deletePrefix(String prefix) {
    prefixDeletion.writeLock().lock();
    try {
      prefixDeletions++;
      prefixLog.addLast(prefix);
      if (prefixLog.size() > PREFIX_LOG_SIZE) {
        prefixLog.removeFirst();
      }
      items.keySet().removeIf(key -> key.startsWith(prefix));
      sets.keySet().removeIf(key -> key.startsWith(prefix));
    } finally {
      prefixDeletion.writeLock().unlock();
    }
  }

  /** The number of deletions by prefix (and clears) so far: what a lease records when taken. */
  long prefixDeletions() {
    return prefixDeletions;
  }

  /**
   * {@link #putNow}, unless a deletion by a prefix of {@code key} (or a clear) happened since {@link
   * #prefixDeletions()} returned {@code since}: how a lease taken before {@code invalidateAll()} of
   * its cache is kept from publishing after it, while other caches' {@code invalidateAll()} leave it
   * be (unless more than {@value #PREFIX_LOG_SIZE} deletions by prefix came since, which it cannot
   * tell apart any more: then it does not store). Returns whether it stored.
   */
  boolean putUnlessDeletedByPrefixSince(long since, String key, byte[] value, @Nullable Duration ttl) {
    prefixDeletion.readLock().lock();
    try {
      long missed = prefixDeletions - since;
      if (missed > prefixLog.size()) {
        return false;
      }
      java.util.Iterator<String> newestFirst = prefixLog.descendingIterator();
      for (long i = 0; i < missed; i++) {
        if (key.startsWith(newestFirst.next())) {
          return false;
        }
      }
      putNow(key, value, ttl);
      return true;
    } finally {
      prefixDeletion.readLock().unlock();
    }
  }

  /** {@code true}: this store keeps sets. */
  @Override
  public boolean tagSetsSupported() {
    return true;
  }

  @Override
  public CompletableFuture<Void> putTagged(
      String key, byte[] value, @Nullable Duration ttl, Collection<String> setKeys, @Nullable Duration setTtl) {
    return run(
        () -> {
          setLock.lock();
          try {
            putNow(key, value, ttl);
            long now = ticker.wallMillis();
            for (String setKey : setKeys) {
              sets.compute(
                  setKey,
                  (k, current) -> {
                    boolean live = current != null && current.expiresAtMillis > now;
                    Set<String> members = new TreeSet<>(live ? current.members : Set.of());
                    members.add(key);
                    long expires = live ? current.expiresAtMillis : Long.MAX_VALUE;
                    if (setTtl == null) {
                      expires = Long.MAX_VALUE; // a member that never expires: nor may its set
                    } else if (!live || (expires != Long.MAX_VALUE && expires < expiry(setTtl))) {
                      expires = expiry(setTtl); // created now, or lengthened: never shortened
                    }
                    return new TagSet(Set.copyOf(members), expires);
                  });
            }
          } finally {
            setLock.unlock();
          }
        });
  }

  @Override
  public CompletableFuture<Void> deleteTagSet(String setKey) {
    return run(
        () -> {
          setLock.lock();
          try {
            TagSet set = sets.remove(setKey);
            if (set != null && set.expiresAtMillis > ticker.wallMillis()) {
              set.members.forEach(items::remove);
            }
          } finally {
            setLock.unlock();
          }
        });
  }

  /** Returns the members of the tag set {@code setKey}, sorted (empty if it has none); for tests. */
  public Set<String> tagSetMembers(String setKey) {
    TagSet set = sets.get(setKey);
    return set == null || set.expiresAtMillis <= ticker.wallMillis() ? Set.of() : new TreeSet<>(set.members);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  private long expiry(@Nullable Duration ttl) {
    if (ttl == null) {
      return Long.MAX_VALUE;
    }
    long ttlMillis = ttl.toMillis();
    return ttlMillis >= Long.MAX_VALUE - ticker.wallMillis() ? Long.MAX_VALUE : ticker.wallMillis() + ttlMillis;
  }

  private CompletableFuture<Void> run(Runnable action) {
    try {
      checkOpen();
      action.run();
      return CompletableFuture.completedFuture(null);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("store is closed");
    }
  }
}
