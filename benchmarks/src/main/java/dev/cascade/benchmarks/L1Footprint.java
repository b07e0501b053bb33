package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Cache;
import dev.cascade.cache.memory.InMemoryInvalidationBus;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * A rough measure of the in-process tier's memory per entry, for docs/operations.md and
 * docs/benchmarks.md: the heap used (after full collections) before and after {@code n} puts,
 * divided by {@code n}, for raw Caffeine (size-bounded, and with variable expiry) and for the shapes
 * of Cascade cache that store entries differently. Keys are created beforehand and all values are one shared
 * string, so the figure is the cache's own cost per entry, without the key and value objects
 * themselves. Run with one collector and enough heap for steady figures:
 *
 * <pre>{@code java -Xmx3g -XX:+UseSerialGC -Dn=200000 -cp benchmarks/target/cascade-benchmarks.jar dev.cascade.benchmarks.L1Footprint}</pre>
 *
 * Figures move with the hash table's growth (a power of two) and Caffeine's frequency sketch, so
 * try several {@code n}. Not a benchmark of speed; single-threaded.
 */
public final class L1Footprint {
  private static final String VALUE = "v";

  private L1Footprint() {}

  public static void main(String[] args) {
    int n = Integer.getInteger("n", 200_000);
    Long[] keys = new Long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = 1_000_000L + i;
    }
    long bound = Math.max(n, 1_000);
    measureRaw("raw Caffeine, maximumSize", keys, () -> Caffeine.newBuilder().maximumSize(bound).build());
    measureRaw("raw Caffeine, maximumSize and expireAfter (variable expiry)", keys, () ->
        Caffeine.newBuilder()
            .maximumSize(bound)
            .expireAfter(new HitExpiry<Long, String>(Duration.ofMinutes(5)))
            .build());
    measure("in-process only, no TTL (bare values)", keys, false, () ->
        Cache.<Long, String>builder("bare").inMemory(m -> m.maximumSize(bound)).build());
    measure("with a TTL (entries with expiry, as in a layered L1)", keys, false, () ->
        Cache.<Long, String>builder("ttl")
            .inMemory(m -> m.maximumSize(bound))
            .ttl(Duration.ofMinutes(5))
            .build());
    measure("with a TTL and one tag per entry (100 tags)", keys, true, () ->
        Cache.<Long, String>builder("tags")
            .inMemory(m -> m.maximumSize(bound))
            .ttl(Duration.ofMinutes(5))
            .build());
    InMemoryInvalidationBus bus = new InMemoryInvalidationBus();
    measure("with a TTL and an invalidation channel (keys read back)", keys, false, () ->
        Cache.<Long, String>builder("channel")
            .inMemory(m -> m.maximumSize(bound))
            .ttl(Duration.ofMinutes(5))
            .invalidation(bus.newChannel())
            .build());
    // A key codec that does not read keys back (as a codec of your own by default): the L1 keeps its
    // alias index, encoded key -> key, as it does for record, enum and list keys.
    measure("with a TTL, a channel and an alias index", keys, false, () ->
        Cache.<Long, String>builder("indexed")
            .inMemory(m -> m.maximumSize(bound))
            .ttl(Duration.ofMinutes(5))
            .keyCodec((Long key) -> "n" + key)
            .invalidation(bus.newChannel())
            .build());
  }

  private static void measure(String shape, Long[] keys, boolean tags, Supplier<Cache<Long, String>> build) {
    try (Cache<Long, String> cache = build.get()) {
      long before = usedHeap();
      for (int i = 0; i < keys.length; i++) {
        if (tags) {
          cache.put(keys[i], VALUE, Duration.ofMinutes(5), "tag-" + (i % 100));
        } else {
          cache.put(keys[i], VALUE);
        }
      }
      print(shape, usedHeap() - before, keys.length, cache.inspect().localSizeExact());
    }
  }

  /** The same measure for a raw Caffeine cache, with the same keys and the same value. */
  private static void measureRaw(
      String shape, Long[] keys, Supplier<com.github.benmanes.caffeine.cache.Cache<Long, String>> build) {
    com.github.benmanes.caffeine.cache.Cache<Long, String> cache = build.get();
    long before = usedHeap();
    for (Long key : keys) {
      cache.put(key, VALUE);
    }
    print(shape, usedHeap() - before, keys.length, cache.estimatedSize());
    Reference.reachabilityFence(cache);
  }

  private static void print(String shape, long grownBy, int puts, long entries) {
    System.out.printf(
        Locale.ROOT, "%-55s %6.1f bytes per entry (%d entries)%n", shape, grownBy / (double) puts, entries);
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
