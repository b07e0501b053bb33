package dev.cascade.benchmarks;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.BytesCodec;
import dev.cascade.cache.redis.RedisBackend;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RBuckets;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * The clients of {@link RedisLoadBenchmark} on one Redis, and the data they read: {@value #KEYS}
 * entries of {@value #VALUE_BYTES}-byte values put through a Cascade cache that has only the Redis
 * tier. Every raw client reads the very keys Cascade wrote (same key bytes, same stored bytes:
 * Cascade's envelope around the value), so each read is the same work for the server and the wire,
 * and only the client side differs: Cascade decodes its envelope, the raw clients return the stored
 * bytes. Each read is checked to be a hit by its length. Not thread-safe to build; the clients are.
 */
final class RedisLoadClients implements AutoCloseable {
  static final int KEYS = 10_000;
  static final int VALUE_BYTES = 512;

  /** A client under test. A method the client does not take part in throws {@link UnsupportedOperationException}. */
  interface Client {
    String name();

    /** One blocking get of key {@code i}; returns whether it was a verified hit. */
    boolean get(int i) throws Exception;

    /** One get of key {@code i} without blocking; completes with whether it was a verified hit. */
    CompletableFuture<Boolean> getAsync(int i);

    /** One blocking bulk read of keys {@code first} to {@code first + count - 1}; returns the verified hits. */
    int getAll(int first, int count) throws Exception;

    /** Which workloads it takes part in. */
    boolean supports(String workload);
  }

  private final RedisBackend backend;
  private final Cache<String, byte[]> cache;
  private final StatefulRedisConnection<String, byte[]> lettuce;
  private final RedissonClient redisson;
  private final String[] cacheKeys = new String[KEYS];
  private final String[] redisKeys = new String[KEYS];
  private final List<String> cacheKeyList;
  private final int storedBytes;
  private final List<Client> clients = new ArrayList<>();

  RedisLoadClients(RedisClient client, String uri, byte[] value) {
    // The default command timeout (250 ms) is for a service; on a loaded 2-core machine a 2 s one,
    // as the Memcached harness uses, keeps a stall from turning into a miss that fails the run.
    backend = RedisBackend.builder(client).commandTimeout(Duration.ofSeconds(2)).build();
    cache = Cache.<String, byte[]>builder("rbench").tier(backend.store()).valueCodec(BytesCodec.create()).build();
    for (int i = 0; i < KEYS; i++) {
      cacheKeys[i] = String.format("key-%05d", i);
    }
    for (int from = 0; from < KEYS; from += 1_000) {
      Map<String, byte[]> batch = new HashMap<>();
      for (int i = from; i < from + 1_000; i++) {
        batch.put(cacheKeys[i], value);
      }
      cache.putAll(batch);
    }
    cacheKeyList = List.of(cacheKeys);
    lettuce = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    RedisCommands<String, byte[]> sync = lettuce.sync();
    String prefix = redisPrefix(sync, cacheKeys[0]);
    for (int i = 0; i < KEYS; i++) {
      redisKeys[i] = prefix + cacheKeys[i];
    }
    if (sync.exists(redisKeys) != KEYS) {
      throw new IllegalStateException("Cascade's keys are not all under \"" + prefix + "\"");
    }
    storedBytes = Math.toIntExact(sync.strlen(redisKeys[0]));
    Config config = new Config();
    config.setCodec(org.redisson.client.codec.ByteArrayCodec.INSTANCE);
    config.useSingleServer().setAddress(uri);
    redisson = Redisson.create(config);
    clients.add(cascade());
    clients.add(cascadeLoader());
    clients.add(lettuceAsync());
    clients.add(lettuceSync());
    clients.add(lettuceLoop());
    clients.add(redisson());
  }

  /** Returns the key prefix Cascade put in front of {@code cacheKey} on Redis, found by {@code SCAN}. */
  private static String redisPrefix(RedisCommands<String, byte[]> sync, String cacheKey) {
    io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
    do {
      io.lettuce.core.KeyScanCursor<String> page = sync.scan(cursor, ScanArgs.Builder.matches("*" + cacheKey).limit(1_000));
      for (String key : page.getKeys()) {
        if (key.endsWith(cacheKey)) {
          return key.substring(0, key.length() - cacheKey.length());
        }
      }
      cursor = page;
    } while (!cursor.isFinished());
    throw new IllegalStateException("no Redis key ends with " + cacheKey);
  }

  List<Client> all() {
    return clients;
  }

  /** Redis's key of entry {@code i} (Cascade's prefix and key), for the report. */
  String redisKey(int i) {
    return redisKeys[i];
  }

  /** The bytes stored per entry: Cascade's envelope around the {@value #VALUE_BYTES}-byte value. */
  int storedBytes() {
    return storedBytes;
  }

  /** The server's count of processed commands, to report commands per operation. */
  long commandsProcessed() {
    String info = new String(lettuce.sync().info("stats").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    for (String line : info.split("\r?\n")) {
      if (line.startsWith("total_commands_processed:")) {
        return Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    throw new IllegalStateException("no total_commands_processed in INFO stats");
  }

  private boolean hit(byte @Nullable [] stored) {
    return stored != null && stored.length == storedBytes;
  }

  private Client cascade() {
    return new Client() {
      @Override
      public String name() {
        return "cascade";
      }

      @Override
      public boolean get(int i) {
        byte[] value = cache.getIfPresent(cacheKeys[i]);
        return value != null && value.length == VALUE_BYTES;
      }

      @Override
      public CompletableFuture<Boolean> getAsync(int i) {
        return cache.async().getIfPresent(cacheKeys[i]).thenApply(value -> value != null && value.length == VALUE_BYTES);
      }

      @Override
      public int getAll(int first, int count) {
        Map<String, byte[]> found = cache.getAll(cacheKeyList.subList(first, first + count));
        int hits = 0;
        for (byte[] value : found.values()) {
          hits += value.length == VALUE_BYTES ? 1 : 0;
        }
        return hits;
      }

      @Override
      public boolean supports(String workload) {
        return true;
      }
    };
  }

  /**
   * The same cache read as cache-aside code reads it, {@code get(key, loader)}: every read a hit in
   * Redis, so the loader never runs (it fails the run if it does). Single gets only.
   */
  private Client cascadeLoader() {
    return new Client() {
      @Override
      public String name() {
        return "cascade-loader";
      }

      @Override
      public boolean get(int i) {
        byte[] value = cache.get(cacheKeys[i], key -> {
          throw loaderRan(key);
        });
        return value.length == VALUE_BYTES;
      }

      @Override
      public CompletableFuture<Boolean> getAsync(int i) {
        return cache.async()
            .get(cacheKeys[i], key -> CompletableFuture.<byte[]>failedFuture(loaderRan(key)))
            .thenApply(value -> value.length == VALUE_BYTES);
      }

      @Override
      public int getAll(int first, int count) {
        throw new UnsupportedOperationException("cascade-loader reads single keys");
      }

      @Override
      public boolean supports(String workload) {
        return workload.startsWith("get-");
      }
    };
  }

  /** The failure of a loader of {@code cascade-loader}, which runs only if a key was not in Redis. */
  private static IllegalStateException loaderRan(String key) {
    return new IllegalStateException(key + " was not in Redis: the loader ran");
  }

  private Client lettuceAsync() {
    RedisAsyncCommands<String, byte[]> async = lettuce.async();
    return new Client() {
      @Override
      public String name() {
        return "lettuce-async";
      }

      @Override
      public boolean get(int i) throws Exception {
        return hit(async.get(redisKeys[i]).get(2, TimeUnit.SECONDS));
      }

      @Override
      public CompletableFuture<Boolean> getAsync(int i) {
        return async.get(redisKeys[i]).thenApply(RedisLoadClients.this::hit).toCompletableFuture();
      }

      /** One {@code MGET}. */
      @Override
      public int getAll(int first, int count) throws Exception {
        String[] keys = java.util.Arrays.copyOfRange(redisKeys, first, first + count);
        return hits(async.mget(keys).get(2, TimeUnit.SECONDS));
      }

      @Override
      public boolean supports(String workload) {
        return true;
      }
    };
  }

  private int hits(List<KeyValue<String, byte[]>> values) {
    int hits = 0;
    for (KeyValue<String, byte[]> value : values) {
      hits += value.hasValue() && hit(value.getValue()) ? 1 : 0;
    }
    return hits;
  }

  private Client lettuceSync() {
    RedisCommands<String, byte[]> sync = lettuce.sync();
    return new Client() {
      @Override
      public String name() {
        return "lettuce-sync";
      }

      @Override
      public boolean get(int i) {
        return hit(sync.get(redisKeys[i]));
      }

      @Override
      public CompletableFuture<Boolean> getAsync(int i) {
        throw new UnsupportedOperationException();
      }

      /** One {@code MGET}. */
      @Override
      public int getAll(int first, int count) {
        return hits(sync.mget(java.util.Arrays.copyOfRange(redisKeys, first, first + count)));
      }

      @Override
      public boolean supports(String workload) {
        return !workload.endsWith("async");
      }
    };
  }

  /** Bulk only: {@code count} async {@code GET}s, pipelined on the one connection, then awaited. */
  private Client lettuceLoop() {
    RedisAsyncCommands<String, byte[]> async = lettuce.async();
    return new Client() {
      @Override
      public String name() {
        return "lettuce-loop";
      }

      @Override
      public boolean get(int i) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CompletableFuture<Boolean> getAsync(int i) {
        throw new UnsupportedOperationException();
      }

      @Override
      public int getAll(int first, int count) throws Exception {
        List<RedisFuture<byte[]>> reads = new ArrayList<>(count);
        for (int i = first; i < first + count; i++) {
          reads.add(async.get(redisKeys[i]));
        }
        int hits = 0;
        for (RedisFuture<byte[]> read : reads) {
          hits += hit(read.get(2, TimeUnit.SECONDS)) ? 1 : 0;
        }
        return hits;
      }

      @Override
      public boolean supports(String workload) {
        return workload.startsWith("getAll");
      }
    };
  }

  /** {@code RBucket.get} and {@code RBuckets.get(keys...)} (one {@code MGET}), raw bytes codec. */
  private Client redisson() {
    RBuckets buckets = redisson.getBuckets(org.redisson.client.codec.ByteArrayCodec.INSTANCE);
    return new Client() {
      @Override
      public String name() {
        return "redisson";
      }

      @Override
      public boolean get(int i) {
        return hit(redisson.<byte[]>getBucket(redisKeys[i], org.redisson.client.codec.ByteArrayCodec.INSTANCE).get());
      }

      @Override
      public CompletableFuture<Boolean> getAsync(int i) {
        return redisson
            .<byte[]>getBucket(redisKeys[i], org.redisson.client.codec.ByteArrayCodec.INSTANCE)
            .getAsync()
            .thenApply(RedisLoadClients.this::hit)
            .toCompletableFuture();
      }

      @Override
      public int getAll(int first, int count) {
        Map<String, byte[]> found = buckets.get(java.util.Arrays.copyOfRange(redisKeys, first, first + count));
        int hits = 0;
        for (byte[] value : found.values()) {
          hits += hit(value) ? 1 : 0;
        }
        return hits;
      }

      @Override
      public boolean supports(String workload) {
        return true;
      }
    };
  }

  @Override
  public void close() {
    redisson.shutdown();
    lettuce.close();
    cache.close();
    backend.close();
  }
}
