package dev.cascade.benchmarks;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.BytesCodec;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StoreCapabilities;
import dev.cascade.cache.spi.ValueReader;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a Cascade cache adds to one 100-key bulk read of hits, without a network: {@code cascadeGetAll}
 * ({@code Cache.getAll} of a cache whose only tier is a store in memory) against {@code storeGetAll}
 * (the same store's own ordered bulk read of the same keys' remote keys, which is what a raw client's
 * {@code MGET} hands its caller). The store answers in the order asked and copies every value, as a
 * client decoding a reply does, so both sides allocate the values; the difference is the cache's own
 * per-call and per-key work: key encoding and checks, the envelope, the codec, the maps of the
 * answer and the statistics. Both sides hand the store key objects other than the ones it holds, so
 * that every look-up compares characters rather than matching on identity; the cache's keys, built
 * per call, are also hashed per call,
 * about 100 hashes of 20-odd characters that a network client would not compute, counted against
 * the cache. The network runs ({@link RedisLoadBenchmark}, {@link
 * MemcachedLoadBenchmark}) carry this cost inside round trips whose spread hides it; this one does
 * not.
 *
 * <p>{@code cascadeGet} and {@code storeGet} do the same for one key ({@code Cache.getIfPresent}
 * against the store's {@code get}); {@code cascadeGetWithLoader} reads that key through {@code
 * Cache.get(key, loader)}, the read-through call, whose miss of the (absent) in-process tier takes
 * the miss chain.
 *
 * <p>{@code keys=redis} declares Redis's key capabilities (binary-safe), {@code keys=memcached}
 * Memcached's (250 bytes, no whitespace or control characters: every key is scanned). One thread;
 * average time per call.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class BulkReadOverhead {
  static final int KEYS = 10_000;
  static final int BULK = 100;
  static final int VALUE_BYTES = 512;

  @State(Scope.Benchmark)
  public static class Setting {
    @Param({"redis", "memcached"})
    String keys;

    OrderedStore store;
    Cache<String, byte[]> cache;
    /** Batches of {@link #BULK} consecutive cache keys, and the same batches as remote keys. */
    final List<List<String>> cacheBatches = new ArrayList<>();
    final List<List<String>> remoteBatches = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
      StoreCapabilities capabilities =
          keys.equals("redis")
              ? new StoreCapabilities(1024, true, 1 << 20, false, true)
              : new StoreCapabilities(250, false, 1 << 20, false, true);
      store = new OrderedStore(capabilities);
      cache = Cache.<String, byte[]>builder("bulk").tier(store).valueCodec(BytesCodec.create()).build();
      byte[] value = new byte[VALUE_BYTES];
      Arrays.fill(value, (byte) 'v');
      Map<String, byte[]> all = new HashMap<>();
      String[] cacheKeys = new String[KEYS];
      for (int i = 0; i < KEYS; i++) {
        cacheKeys[i] = String.format("key-%05d", i);
        all.put(cacheKeys[i], value);
      }
      cache.putAll(all);
      if (store.size() != KEYS) {
        throw new IllegalStateException("the store holds " + store.size() + " keys, not " + KEYS);
      }
      Map<String, String> remoteKeys = store.remoteKeys();
      for (int from = 0; from + BULK <= KEYS; from += BULK) {
        List<String> batch = List.of(Arrays.copyOfRange(cacheKeys, from, from + BULK));
        cacheBatches.add(batch);
        List<String> remote = new ArrayList<>(BULK);
        for (String key : batch) {
          // A copy, not the store's own key object: see the class comment.
          remote.add(new String(Objects.requireNonNull(remoteKeys.get(key), key)));
        }
        remoteBatches.add(List.copyOf(remote));
      }
    }

    @TearDown(Level.Trial)
    public void close() {
      cache.close();
    }
  }

  /** The next batch of one thread; batches cycle through all keys. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;

    int nextBatch(int batches) {
      int batch = next;
      next = batch + 1 == batches ? 0 : batch + 1;
      return batch;
    }
  }

  @Benchmark
  public Map<String, byte[]> cascadeGetAll(Setting s, Cursor cursor) {
    Map<String, byte[]> found = s.cache.getAll(s.cacheBatches.get(cursor.nextBatch(s.cacheBatches.size())));
    if (found.size() != BULK) {
      throw new IllegalStateException("a bulk read of hits found " + found.size() + " of " + BULK);
    }
    return found;
  }

  @Benchmark
  public byte[] cascadeGet(Setting s, Cursor cursor) {
    byte[] found = s.cache.getIfPresent(s.cacheBatches.get(cursor.nextBatch(s.cacheBatches.size())).get(0));
    if (found == null) {
      throw new IllegalStateException("a read of a hit missed");
    }
    return found;
  }

  /** {@code cascadeGet} read as cache-aside code reads it: {@code get(key, loader)}, every key a hit. */
  @Benchmark
  public byte[] cascadeGetWithLoader(Setting s, Cursor cursor) {
    return s.cache.get(s.cacheBatches.get(cursor.nextBatch(s.cacheBatches.size())).get(0), BulkReadOverhead::neverLoaded);
  }

  private static byte[] neverLoaded(String key) {
    throw new IllegalStateException(key + " was not in the store: the loader ran");
  }

  @Benchmark
  public byte[] storeGet(Setting s, Cursor cursor) {
    byte[] found = s.store.get(s.remoteBatches.get(cursor.nextBatch(s.remoteBatches.size())).get(0)).join();
    if (found == null) {
      throw new IllegalStateException("a read of a hit missed");
    }
    return found;
  }

  @Benchmark
  public List<byte @Nullable []> storeGetAll(Setting s, Cursor cursor) {
    List<byte @Nullable []> found = s.store.getAllInOrder(s.remoteBatches.get(cursor.nextBatch(s.remoteBatches.size()))).join();
    for (byte[] value : found) {
      if (value == null) {
        throw new IllegalStateException("a bulk read of hits missed");
      }
    }
    return found;
  }

  /**
   * A store in memory that answers bulk reads in the order asked with a copy of each value, as a
   * client decoding a reply does. Only what this benchmark calls is implemented.
   */
  static final class OrderedStore implements RemoteStore {
    private final StoreCapabilities capabilities;
    private final Map<String, byte[]> values = new ConcurrentHashMap<>();

    OrderedStore(StoreCapabilities capabilities) {
      this.capabilities = capabilities;
    }

    int size() {
      return values.size();
    }

    /**
     * The remote key the cache stored each of its keys under, by cache key: every cache key is 9
     * characters ({@code key-00042}) and ends its remote key.
     */
    Map<String, String> remoteKeys() {
      Map<String, String> byCacheKey = new HashMap<>();
      for (String remote : values.keySet()) {
        byCacheKey.put(remote.substring(remote.length() - 9), remote);
      }
      return byCacheKey;
    }

    @Override
    public StoreCapabilities capabilities() {
      return capabilities;
    }

    @Override
    public CompletableFuture<byte @Nullable []> get(String key) {
      byte[] value = values.get(key);
      return CompletableFuture.completedFuture(value == null ? null : value.clone());
    }

    @Override
    public CompletableFuture<Map<String, byte[]>> getAll(Collection<String> keys) {
      Map<String, byte[]> found = new HashMap<>();
      for (String key : keys) {
        byte[] value = values.get(key);
        if (value != null) {
          found.put(key, value.clone());
        }
      }
      return CompletableFuture.completedFuture(found);
    }

    @Override
    public CompletableFuture<List<byte @Nullable []>> getAllInOrder(List<String> keys) {
      List<byte @Nullable []> found = new ArrayList<>(keys.size());
      for (String key : keys) {
        byte[] value = values.get(key);
        found.add(value == null ? null : value.clone());
      }
      return CompletableFuture.completedFuture(found);
    }

    /**
     * Hands {@code reader} each stored value in place, as the Redis store hands it the bytes of the
     * reply where they arrived: the reader's copy is the only one, as a raw client's is in {@link
     * #getAllInOrder(List)}.
     */
    @Override
    public <T> CompletableFuture<List<@Nullable T>> getAllInOrder(List<String> keys, ValueReader<? extends T> reader) {
      List<@Nullable T> found = new ArrayList<>(keys.size());
      for (String key : keys) {
        byte[] value = values.get(key);
        found.add(value == null ? null : reader.read(ByteBuffer.wrap(value).asReadOnlyBuffer()));
      }
      return CompletableFuture.completedFuture(found);
    }

    @Override
    public CompletableFuture<Void> put(String key, byte[] value, @Nullable Duration ttl) {
      values.put(key, value.clone());
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> putAll(Map<String, Write> writes) {
      writes.forEach((key, write) -> values.put(key, write.value().clone()));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, byte[] value, @Nullable Duration ttl) {
      return CompletableFuture.completedFuture(values.putIfAbsent(key, value.clone()) == null);
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
      values.remove(key);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteAll(Collection<String> keys) {
      keys.forEach(values::remove);
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deleteByPrefix(String prefix) {
      values.keySet().removeIf(key -> key.startsWith(prefix));
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}
  }
}
