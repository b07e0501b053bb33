package dev.cascade.benchmarks;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.internal.ShippedHitCount;
import dev.cascade.cache.memory.CaffeineTier;
import dev.cascade.cache.spi.TierEntry;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of an in-process (L1) hit through Cascade versus raw Caffeine, over the same keys and the
 * same lookup sequence ({@link HitKeys}) in the same run. Every cache holds the same {@code size}
 * entries and every lookup hits; each cache's tear-down fails the trial if a lookup missed or an
 * entry was lost.
 *
 * <ul>
 *   <li>{@code cascade*}: {@code Cache.builder(..).inMemory(m -> m.maximumSize(size)).build()};
 *       {@code cascadeTtl*} adds {@code .ttl(Duration.ofMinutes(10))}.
 *   <li>{@code cascadeGetIfPresentAfterThreadChurn}: the same cache after 128 threads, each of
 *       which made one hit, have ended (see {@link ChurnedCascade}).
 *   <li>{@code tierGetIfPresent}: the {@link CaffeineTier} alone (no policy layer), configured as
 *       a cache without TTLs configures it, to split Cascade's overhead into tier and policy parts.
 *   <li>{@code caffeine*}: raw {@code Caffeine.newBuilder().maximumSize(size).build()}.
 *   <li>{@code caffeineExpiry*}: raw Caffeine with variable expiry ({@code expireAfter}), which
 *       Cascade's tier uses when the cache has a TTL.
 *   <li>{@code caffeineStats*}: raw Caffeine with {@code recordStats()}: Caffeine keeping exact hit
 *       counts, as Cascade always does.
 *   <li>{@code caffeineThreadCountedGetIfPresent}: raw Caffeine and a hit count in a field of the
 *       benchmark thread's own state, the cheapest exact count.
 *   <li>{@code caffeineShippedCountGetIfPresent}: raw Caffeine and the exact count Cascade's hit path
 *       keeps ({@link ShippedHitCount}, the shipped counter).
 *   <li>{@code caffeineThreadIdCountedGetIfPresent}: raw Caffeine and the least a count a library
 *       keeps per thread must do (find the calling thread's slot by its id, then a plain increment;
 *       not exact), the floor of a library's count.
 * </ul>
 *
 * <p>The head-to-head benchmarks ({@code cascadeGetIfPresent} against {@code caffeineGetIfPresent},
 * {@code cascadeGetWithLoader} against {@code caffeineGetWithLoader}) share {@link SameSetup}: every
 * fork builds and fills both caches and measures one. Every other cache lives in its own state, so
 * a fork builds and fills only the cache its benchmark reads: filling several differently
 * configured Caffeine caches in one JVM makes Caffeine's shared code polymorphic and slows
 * whichever one is measured.
 *
 * <p>The defaults below are the full-length run; {@code docs/benchmarks.md} gives the short mode.
 * Throughput is the sum over all benchmark threads.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(2)
@Threads(2)
public class L1HitBenchmark {

  /** Never called while measuring: every lookup hits. Non-capturing, so no allocation per call. */
  static final Function<Integer, String> LOADER = key -> "loaded-" + key;

  // ---- states ---------------------------------------------------------------------------------

  /**
   * The Cascade cache and the raw Caffeine cache of the head-to-head benchmarks, both built and
   * filled in every fork that measures either, so that the fork's JIT history is the same whichever
   * one it measures. Building and filling a Cascade cache runs code (lambdas, method handles, maps
   * of other key types) that can make the JDK's shared methods, {@code ConcurrentHashMap.get}
   * among them, see more receiver types: in some forks that had built a Cascade cache, {@code
   * key.hashCode()} inside {@code ConcurrentHashMap.get} was compiled as a virtual call ({@code
   * -XX:+PrintInlining}: "Object::hashCode (intrinsic, virtual)") rather than inlined as {@code
   * Integer.hashCode}. Both caches use the same Caffeine classes (size-bounded, strong keys and
   * values, no expiry), so building both does not make Caffeine's own code polymorphic.
   */
  @State(Scope.Benchmark)
  public static class SameSetup {
    Cache<Integer, String> cascade;
    com.github.benmanes.caffeine.cache.Cache<Integer, String> caffeine;
    int size;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      size = keys.size;
      cascade = Cache.<Integer, String>builder("bench").inMemory(m -> m.maximumSize(keys.size)).build();
      fillCascade(cascade, keys);
      caffeine = Caffeine.newBuilder().maximumSize(keys.size).build();
      fillRaw(caffeine, keys);
    }

    /** Fails the trial if a lookup missed or an entry was lost (a fork measures one of the two). */
    @TearDown(Level.Trial)
    public void verify() {
      CacheStats stats = cascade.stats();
      if (stats.missCount() != 0 || stats.evictionCount() != 0) {
        throw new IllegalStateException(cascade.name() + " did not only hit: " + stats);
      }
      verifySize("caffeine", caffeine.estimatedSize(), size);
    }
  }

  @State(Scope.Benchmark)
  public static class CascadeTtlCache {
    Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      cache =
          Cache.<Integer, String>builder("bench-ttl")
              .inMemory(m -> m.maximumSize(keys.size))
              .ttl(Duration.ofMinutes(10))
              .build();
      fillCascade(cache, keys);
    }

    @TearDown(Level.Trial)
    public void verify() {
      verifyCascade(cache);
    }
  }

  /**
   * A cache built as {@link SameSetup} builds Cascade's, after 128 short-lived threads made one hit
   * each and ended, as a pool that replaces its threads leaves behind (the common pool retires idle
   * workers): their ids cover every residue the hit counter maps threads to slots by, so every slot
   * was claimed by a thread that has since ended before the benchmark's threads make their first hit.
   */
  @State(Scope.Benchmark)
  public static class ChurnedCascade {
    Cache<Integer, String> cache;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) throws InterruptedException {
      cache = Cache.<Integer, String>builder("bench-churned").inMemory(m -> m.maximumSize(keys.size)).build();
      fillCascade(cache, keys);
      for (int i = 0; i < 128; i++) {
        int key = keys.keys[i % keys.size];
        Thread hit = new Thread(() -> cache.getIfPresent(key));
        hit.start();
        hit.join();
      }
    }

    @TearDown(Level.Trial)
    public void verify() {
      verifyCascade(cache);
    }
  }

  @State(Scope.Benchmark)
  public static class Tier {
    CaffeineTier<Integer, String> tier;
    int size;

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      size = keys.size;
      tier = CaffeineTier.<Integer, String>builder("l1").maximumSize(keys.size).expiringEntries(false).build();
      for (int i = 0; i < keys.size; i++) {
        tier.putLocal(keys.keys[i], entry(HitKeys.valueOf(i)));
      }
      tier.cleanUp();
      verify();
    }

    @TearDown(Level.Trial)
    public void verify() {
      verifySize("tier", tier.estimatedSize(), size);
    }
  }

  /**
   * A raw Caffeine cache configured by the subclass, in a state of its own (see the class comment),
   * filled with every key; its tear-down fails the trial if an entry was lost.
   */
  public abstract static class RawCaffeineState {
    private final String name;
    com.github.benmanes.caffeine.cache.Cache<Integer, String> cache;
    int size;

    RawCaffeineState(String name) {
      this.name = name;
    }

    /** Returns the cache to measure, empty, bounded to {@code maximumSize} entries. */
    abstract com.github.benmanes.caffeine.cache.Cache<Integer, String> build(int maximumSize);

    @Setup(Level.Trial)
    public void setUp(HitKeys keys) {
      size = keys.size;
      cache = build(keys.size);
      fillRaw(cache, keys);
    }

    @TearDown(Level.Trial)
    public void verify() {
      verifySize(name, cache.estimatedSize(), size);
    }
  }

  @State(Scope.Benchmark)
  public static class RawCaffeineExpiry extends RawCaffeineState {
    public RawCaffeineExpiry() {
      super("caffeineExpiry");
    }

    @Override
    com.github.benmanes.caffeine.cache.Cache<Integer, String> build(int maximumSize) {
      return Caffeine.newBuilder()
          .maximumSize(maximumSize)
          .expireAfter(new HitExpiry<Integer, String>(Duration.ofMinutes(10)))
          .build();
    }
  }

  @State(Scope.Benchmark)
  public static class RawCaffeineStats extends RawCaffeineState {
    public RawCaffeineStats() {
      super("caffeineStats");
    }

    @Override
    com.github.benmanes.caffeine.cache.Cache<Integer, String> build(int maximumSize) {
      return Caffeine.newBuilder().maximumSize(maximumSize).recordStats().build();
    }

    /** Fails the trial if a lookup missed or no hit was counted. */
    @TearDown(Level.Trial)
    public void verifyOnlyHits() {
      com.github.benmanes.caffeine.cache.stats.CacheStats stats = cache.stats();
      if (stats.missCount() != 0 || stats.evictionCount() != 0 || stats.hitCount() == 0) {
        throw new IllegalStateException("caffeineStats did not only hit: " + stats);
      }
    }
  }

  // ---- Cascade ------------------------------------------------------------------------------

  @Benchmark
  public String cascadeGetIfPresent(SameSetup s, HitKeys keys, HitCursor cursor) {
    return s.cascade.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String cascadeGetWithLoader(SameSetup s, HitKeys keys, HitCursor cursor) {
    return s.cascade.get(cursor.next(keys), LOADER);
  }

  /** {@code cascadeGetIfPresent} on a cache whose hit counter's slots ended threads had claimed. */
  @Benchmark
  public String cascadeGetIfPresentAfterThreadChurn(ChurnedCascade c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String cascadeTtlGetIfPresent(CascadeTtlCache c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  /**
   * The in-process tier alone, without the policy layer (stats, null checks, dispatch), through
   * the method the cache's hit path calls.
   */
  @Benchmark
  public Object tierGetIfPresent(Tier t, HitKeys keys, HitCursor cursor) {
    return t.tier.getValueIfPresent(cursor.next(keys));
  }

  // ---- raw Caffeine -------------------------------------------------------------------------

  @Benchmark
  public String caffeineGetIfPresent(SameSetup s, HitKeys keys, HitCursor cursor) {
    return s.caffeine.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String caffeineGetWithLoader(SameSetup s, HitKeys keys, HitCursor cursor) {
    return s.caffeine.get(cursor.next(keys), LOADER);
  }

  /** A benchmark thread's own count of its hits: the cheapest exact hit count there is. */
  @State(Scope.Thread)
  public static class ThreadHitCount {
    long hits;
  }

  /**
   * Raw Caffeine plus an exact hit count in a field only the calling thread touches, a count no
   * library can make cheaper (it knows its thread without looking it up): the bound of what an
   * exact count costs a hit, against {@code caffeineGetIfPresent}.
   */
  @Benchmark
  public String caffeineThreadCountedGetIfPresent(SameSetup s, HitKeys keys, HitCursor cursor, ThreadHitCount count) {
    String value = s.caffeine.getIfPresent(cursor.next(keys));
    if (value != null) {
      count.hits++;
    }
    return value;
  }

  /**
   * Raw Caffeine plus the exact hit count Cascade keeps, the shipped {@code HitCounter} itself
   * (which must first find the calling thread's slot): against {@code caffeineGetIfPresent}, what
   * that count costs a hit; against {@code cascadeGetIfPresent}, what Cascade's hit adds beyond it.
   */
  @Benchmark
  public String caffeineShippedCountGetIfPresent(SameSetup s, HitKeys keys, HitCursor cursor, ShippedHitCount count) {
    String value = s.caffeine.getIfPresent(cursor.next(keys));
    if (value != null) {
      count.increment();
    }
    return value;
  }

  /**
   * Per-thread slots found by the calling thread's id, incremented with a plain read and store and no
   * owner check: not exact (two threads whose ids share a slot lose counts), so not a count to ship,
   * but the least any count a library keeps per thread must do on a hit, since a library does not
   * hold its caller's state and must look the thread up. Slots are 128 bytes apart, as {@code
   * HitCounter}'s are.
   */
  @State(Scope.Benchmark)
  public static class ThreadIdSlots {
    private static final int SLOTS = 64;
    private static final int PAD = 16;
    final long[] cells = new long[(SLOTS + 2) * PAD];

    void increment() {
      long[] slots = cells;
      int count = ((int) Thread.currentThread().getId() & (SLOTS - 1)) * PAD + PAD + 1;
      slots[count]++;
    }

    /** Fails the trial if nothing was counted: the benchmark would then not measure a count. */
    @TearDown(Level.Trial)
    public void verify() {
      long counted = 0;
      for (long cell : cells) {
        counted += cell;
      }
      if (counted == 0) {
        throw new IllegalStateException("the thread-id slots counted no hit");
      }
    }
  }

  /**
   * Raw Caffeine plus {@link ThreadIdSlots}: the floor of what a hit count costs a library, which
   * must find the calling thread's counter; against {@code caffeineGetIfPresent}, the bound a
   * library's exact count can reach, and against {@code cascadeGetIfPresent}, what Cascade's count
   * costs beyond that floor.
   */
  @Benchmark
  public String caffeineThreadIdCountedGetIfPresent(SameSetup s, HitKeys keys, HitCursor cursor, ThreadIdSlots count) {
    String value = s.caffeine.getIfPresent(cursor.next(keys));
    if (value != null) {
      count.increment();
    }
    return value;
  }

  @Benchmark
  public String caffeineStatsGetIfPresent(RawCaffeineStats c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  @Benchmark
  public String caffeineExpiryGetIfPresent(RawCaffeineExpiry c, HitKeys keys, HitCursor cursor) {
    return c.cache.getIfPresent(cursor.next(keys));
  }

  // ---- helpers ------------------------------------------------------------------------------

  static TierEntry<String> entry(String value) {
    return new TierEntry<>(value, TierEntry.NO_EXPIRY, System.currentTimeMillis(), 0, Set.of());
  }

  static void fillCascade(Cache<Integer, String> cache, HitKeys keys) {
    for (int i = 0; i < keys.size; i++) {
      cache.put(keys.keys[i], HitKeys.valueOf(i));
    }
    verifySize(cache.name(), cache.inspect().localSizeExact(), keys.size);
  }

  static void fillRaw(com.github.benmanes.caffeine.cache.Cache<Integer, ? super String> cache, HitKeys keys) {
    fill(cache, keys, HitKeys::valueOf);
  }

  /** Puts {@code valueOf(i)} under every key {@code i} of {@code keys}, then checks the size. */
  static <V> void fill(
      com.github.benmanes.caffeine.cache.Cache<Integer, V> cache, HitKeys keys, IntFunction<? extends V> valueOf) {
    for (int i = 0; i < keys.size; i++) {
      cache.put(keys.keys[i], valueOf.apply(i));
    }
    cache.cleanUp();
    verifySize("raw caffeine", cache.estimatedSize(), keys.size);
  }

  /** Fails the trial if a Cascade lookup missed: the figures would not be hit costs. */
  static void verifyCascade(Cache<Integer, String> cache) {
    CacheStats stats = cache.stats();
    if (stats.missCount() != 0 || stats.evictionCount() != 0 || stats.hitCount() == 0) {
      throw new IllegalStateException(cache.name() + " did not only hit: " + stats);
    }
  }

  static void verifySize(String what, long estimatedSize, int expected) {
    if (estimatedSize != expected) {
      throw new IllegalStateException(what + " holds " + estimatedSize + " entries, expected " + expected);
    }
  }
}
