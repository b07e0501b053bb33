package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import java.time.Duration;
import java.util.Locale;
import java.util.function.IntPredicate;

/**
 * The in-process hit ratio of a layered cache's L1 against raw Caffeine's on the same key stream:
 * the Zipf(0.99) stream over 100 000 keys of {@link LayeredRedisBenchmark}, an L1 (and a raw
 * Caffeine) of 10 000 entries, one caller. Every cache reads the stream once to warm up and once
 * more to be measured; the figure is the share of the second pass's reads answered in process.
 *
 * <ul>
 *   <li>raw Caffeine, cache-aside ({@code getIfPresent}, then {@code put} on a miss), and with
 *       {@code get(key, mappingFunction)};
 *   <li>Cascade in-process only ({@code get(key, loader)});
 *   <li>Cascade layered: L1 over an in-memory remote store holding every key, with an invalidation
 *       channel, configured as {@code LayeredRedisBenchmark}'s layered cache.
 * </ul>
 *
 * Not a measure of speed. Deterministic apart from when Caffeine's maintenance runs (its default
 * executor, as a user's cache has).
 *
 * <pre>{@code java -cp benchmarks/target/cascade-benchmarks.jar dev.cascade.benchmarks.LayeredHitRatio}</pre>
 */
public final class LayeredHitRatio {
  private static final int L1_SIZE = 10_000;

  private LayeredHitRatio() {}

  public static void main(String[] args) {
    int[] stream = LayeredRedisBenchmark.zipfStream(1 << 20, 0.99);
    System.out.printf(
        Locale.ROOT, "perfect-LFU bound: %.4f%n", LayeredRedisBenchmark.optimalHitRatio(0.99));

    report("raw Caffeine, getIfPresent + put", stream, cacheAside(Caffeine.newBuilder().maximumSize(L1_SIZE).build()));

    com.github.benmanes.caffeine.cache.Cache<Integer, String> computing =
        Caffeine.newBuilder().maximumSize(L1_SIZE).build();
    report("raw Caffeine, get(key, mappingFunction)", stream, key -> {
      boolean[] loaded = {false};
      computing.get(key, k -> {
        loaded[0] = true;
        return value(k);
      });
      return !loaded[0];
    });

    try (Cache<Integer, String> local =
        Cache.<Integer, String>builder("local").inMemory(m -> m.maximumSize(L1_SIZE)).build()) {
      reportCascade("Cascade, in-process only", local, stream);
    }

    InMemoryRemoteStore store = InMemoryRemoteStore.create();
    InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
    try (Cache<Integer, String> filler =
            Cache.<Integer, String>builder("bench").tier(store).valueCodec(StringCodec.create()).build();
        Cache<Integer, String> layered =
            Cache.<Integer, String>builder("bench")
                .inMemory(m -> m.maximumSize(L1_SIZE).ttl(Duration.ofMinutes(10)))
                .tier(store)
                .valueCodec(StringCodec.create())
                .invalidation(bus.newChannel())
                .build()) {
      for (int key = 0; key < 100_000; key++) {
        filler.put(key, value(key));
      }
      reportCascade("Cascade, layered (L1 over a remote store)", layered, stream);
    }
  }

  private static String value(int key) {
    return "value-" + key;
  }

  /** Reads the stream twice through {@code cache} and reports the second pass's L1 hit ratio. */
  private static void reportCascade(String label, Cache<Integer, String> cache, int[] stream) {
    for (int key : stream) {
      cache.get(key, LayeredHitRatio::value);
    }
    CacheInspector.LocalLookups before = cache.inspect().localLookups();
    for (int key : stream) {
      cache.get(key, LayeredHitRatio::value);
    }
    CacheInspector.LocalLookups after = cache.inspect().localLookups();
    long hits = after.hits() - before.hits();
    long lookups = hits + after.misses() - before.misses();
    print(label, hits, lookups);
  }

  /** Reads the stream twice with {@code read} (true for a hit) and reports the second pass. */
  private static void report(String label, int[] stream, IntPredicate read) {
    print(label, secondPassHits(stream, read), stream.length);
  }

  /** A read of {@code cache} as cache-aside code reads it: a hit, or a miss and then a put. */
  static IntPredicate cacheAside(com.github.benmanes.caffeine.cache.Cache<Integer, String> cache) {
    return key -> {
      if (cache.getIfPresent(key) != null) {
        return true;
      }
      cache.put(key, value(key));
      return false;
    };
  }

  /** Reads the stream twice with {@code read} (true for a hit); returns the second pass's hits. */
  static long secondPassHits(int[] stream, IntPredicate read) {
    for (int key : stream) {
      read.test(key);
    }
    long hits = 0;
    for (int key : stream) {
      if (read.test(key)) {
        hits++;
      }
    }
    return hits;
  }

  private static void print(String label, long hits, long lookups) {
    System.out.printf(
        Locale.ROOT, "%-45s hit ratio %.4f (%,d of %,d reads)%n", label, hits / (double) lookups, hits, lookups);
  }
}
