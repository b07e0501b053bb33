package dev.cascade.cache;

import dev.cascade.cache.spi.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Memoization, the {@code functools.lru_cache} / {@code cache} / {@code alru_cache} analogue: wraps a
 * function so that its results are cached per argument list.
 *
 * <pre>{@code
 * Memoized<Integer, BigInteger> fib = Memoize.lru(256, this::fibonacci); // may call fib itself
 * fib.apply(90); fib.stats(); fib.clear();
 *
 * // Backed by any cache (Redis, layered...): keys are MemoKey(name, arguments)
 * Memoized<Long, Product> getProduct =
 *     Memoize.in(productCache).prefix("shop").ttl(Duration.ofMinutes(5)).of("getProduct", repo::find);
 * getProduct.invalidate(42L);
 * }</pre>
 *
 * <p>Results, {@code null} included, are cached; exceptions are not. Concurrent calls with the same
 * arguments run the function once (single-flight). A function may call its own memoized form
 * recursively with other arguments: each argument list is its own load, so nothing like Caffeine's
 * recursive {@code computeIfAbsent} failure can occur; calling itself with the same arguments throws
 * {@link IllegalStateException}. An asynchronous function that calls itself with the same arguments
 * while it runs, before it returns its future, gets a future failed with {@link
 * IllegalStateException} (and so, usually, does the outer call); one that makes that call later, in
 * a continuation of a future it returned, waits for its own result and never completes, as any
 * future that depends on itself. Arguments are compared with {@code equals}: arrays compare by
 * identity, as in a {@code HashMap}. The memoized objects are thread-safe; the builders are not.
 */
public final class Memoize {
  private static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE);
  private static final Object NULL_ARGUMENT = new Object();

  private Memoize() {}

  /** Caches up to {@code maximumSize} results (near-LRU eviction by Caffeine). */
  public static <A, R> Memoized<A, R> lru(long maximumSize, Function<? super A, ? extends R> function) {
    return builder().maximumSize(maximumSize).of(function);
  }

  /** Caches up to {@code maximumSize} results of a two-argument function. */
  public static <A, B, R> BiMemoized<A, B, R> lru(
      long maximumSize, BiFunction<? super A, ? super B, ? extends R> function) {
    return builder().maximumSize(maximumSize).of(function);
  }

  /** Caches every result without bound ({@code functools.cache}): for small argument domains. */
  public static <A, R> Memoized<A, R> unbounded(Function<? super A, ? extends R> function) {
    return builder().unbounded().of(function);
  }

  /** Caches up to {@code maximumSize} results of an asynchronous function ({@code alru_cache}). */
  public static <A, R> AsyncMemoized<A, R> async(
      long maximumSize, Function<? super A, ? extends CompletionStage<R>> function) {
    return builder().maximumSize(maximumSize).ofAsync(function);
  }

  /** Returns a builder of memoized functions with their own in-process cache. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder of memoized functions cached in {@code cache}, under keys {@code
   * MemoKey(prefix.name, arguments)}. Give each memoized function a cache of its own if you want
   * {@code clear()}: it clears the whole backing cache. A function returning {@code null} needs a
   * cache that caches absences.
   */
  public static <R> Shared<R> in(Cache<MemoKey, R> cache) {
    return new Shared<>(Objects.requireNonNull(cache, "cache"));
  }

  /**
   * Options of memoized functions with their own in-process cache. Each option may be set once (a
   * second call throws {@link IllegalStateException}; {@code maximumSize} and {@code unbounded} are
   * one option). Not thread-safe.
   */
  public static final class Builder {
    private long maximumSize = -1;
    private boolean unbounded;
    private @Nullable Duration ttl;
    private @Nullable Ticker ticker;

    private Builder() {}

    /** Bounds the number of cached results. */
    public Builder maximumSize(long maximumSize) {
      Checks.requireUnset(this.maximumSize == -1 && !unbounded ? null : "a bound", "maximumSize");
      this.maximumSize = Checks.requirePositive(maximumSize, "maximumSize");
      return this;
    }

    /** Lets the number of cached results grow without bound. */
    public Builder unbounded() {
      Checks.requireUnset(this.maximumSize == -1 && !unbounded ? null : "a bound", "unbounded");
      this.unbounded = true;
      return this;
    }

    /** Expires each result {@code ttl} after it was computed. */
    public Builder ttl(Duration ttl) {
      Checks.requireUnset(this.ttl, "ttl");
      this.ttl = Checks.requirePositive(ttl, "ttl");
      return this;
    }

    /** Sets the time source of expiry (for tests). */
    public Builder ticker(Ticker ticker) {
      Checks.requireUnset(this.ticker, "ticker");
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** Returns {@code function}, memoized. */
    public <A, R> Memoized<A, R> of(Function<? super A, ? extends R> function) {
      Objects.requireNonNull(function, "function");
      Engine<Object, R> engine = new Engine<>(newCache(), maximumSize, true, null);
      return new Single<>(engine, argument -> argument == null ? NULL_ARGUMENT : argument, function);
    }

    /** Returns {@code function}, memoized on both arguments. */
    public <A, B, R> BiMemoized<A, B, R> of(BiFunction<? super A, ? super B, ? extends R> function) {
      Objects.requireNonNull(function, "function");
      Engine<Object, R> engine = new Engine<>(newCache(), maximumSize, true, null);
      return new Pair<>(engine, (first, second) -> Arrays.asList(first, second), function);
    }

    /** Returns {@code function}, memoized; in-flight calls are shared and failures not kept. */
    public <A, R> AsyncMemoized<A, R> ofAsync(Function<? super A, ? extends CompletionStage<R>> function) {
      Objects.requireNonNull(function, "function");
      Engine<Object, R> engine = new Engine<>(newCache(), maximumSize, true, null);
      return new Async<>(engine, argument -> argument == null ? NULL_ARGUMENT : argument, function);
    }

    private <R> Cache<Object, R> newCache() {
      if (maximumSize < 0 && !unbounded) {
        throw new IllegalStateException("choose maximumSize(...) or unbounded()");
      }
      if (maximumSize >= 0 && unbounded) {
        throw new IllegalStateException("maximumSize(" + maximumSize + ") contradicts unbounded()");
      }
      CacheBuilder<Object, R> cache =
          Cache.<Object, R>builder("memo")
              .inMemory(m -> {
                if (unbounded) {
                  m.unbounded();
                } else {
                  m.maximumSize(maximumSize);
                }
              })
              .nullTtl(ttl == null ? FOREVER : ttl);
      if (ttl != null) {
        cache.ttl(ttl);
      }
      if (ticker != null) {
        cache.ticker(ticker);
      }
      return cache.build();
    }
  }

  /**
   * Options of memoized functions cached in a shared cache. Each option may be set once (a second
   * call throws {@link IllegalStateException}). Not thread-safe.
   */
  public static final class Shared<R> {
    private final Cache<MemoKey, R> cache;
    private String prefix = "";
    private @Nullable Duration ttl;

    private Shared(Cache<MemoKey, R> cache) {
      this.cache = cache;
    }

    /** Prefixes function names, as in {@code prefix.name}, to separate services or versions. */
    public Shared<R> prefix(String prefix) {
      Checks.requireUnset(this.prefix.isEmpty() ? null : this.prefix, "prefix");
      Objects.requireNonNull(prefix, "prefix");
      if (prefix.isEmpty()) {
        throw new IllegalArgumentException("prefix must not be empty");
      }
      this.prefix = prefix + ".";
      return this;
    }

    /** Gives each computed result {@code ttl} instead of the cache's default TTL. */
    public Shared<R> ttl(Duration ttl) {
      Checks.requireUnset(this.ttl, "ttl");
      this.ttl = Checks.requirePositive(ttl, "ttl");
      return this;
    }

    /** Returns {@code function}, named {@code name}, memoized in the shared cache. */
    public <A> Memoized<A, R> of(String name, Function<? super A, ? extends R> function) {
      String qualified = qualify(name);
      Objects.requireNonNull(function, "function");
      return new Single<>(new Engine<>(cache, -1, false, ttl), argument -> MemoKey.of(qualified, argument), function);
    }

    /** Returns the two-argument {@code function}, named {@code name}, memoized in the shared cache. */
    public <A, B> BiMemoized<A, B, R> of(String name, BiFunction<? super A, ? super B, ? extends R> function) {
      String qualified = qualify(name);
      Objects.requireNonNull(function, "function");
      return new Pair<>(
          new Engine<>(cache, -1, false, ttl), (first, second) -> MemoKey.of(qualified, first, second), function);
    }

    /** Returns the asynchronous {@code function}, named {@code name}, memoized in the shared cache. */
    public <A> AsyncMemoized<A, R> ofAsync(String name, Function<? super A, ? extends CompletionStage<R>> function) {
      String qualified = qualify(name);
      Objects.requireNonNull(function, "function");
      return new Async<>(new Engine<>(cache, -1, false, ttl), argument -> MemoKey.of(qualified, argument), function);
    }

    private String qualify(String name) {
      Objects.requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("name must not be empty");
      }
      return prefix + name;
    }
  }

  /**
   * What every memoized form shares: the cache, the counters and the sizes. A call is a miss when
   * the cache runs the function for it, and a hit when it returns a result without that (a cached
   * one, or one a concurrent call of the same arguments computed); a call that throws, or whose
   * future fails, without running the function is neither. Thread-safe.
   */
  private static final class Engine<K, R> {
    /**
     * The asynchronous calls whose function runs on this thread now, each as its cache and key:
     * set while the function is called, cleared when it has returned its future. A call of the
     * same cache and key from within would wait for its own load, whose future cannot complete
     * before the function returns; it fails instead.
     */
    private static final ThreadLocal<@Nullable ArrayList<Calling>> CALLING = new ThreadLocal<>();

    final Cache<K, R> cache;
    final long maxSize;
    final boolean owned;
    final @Nullable Duration ttl;
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();

    Engine(Cache<K, R> cache, long maxSize, boolean owned, @Nullable Duration ttl) {
      this.cache = cache;
      this.maxSize = maxSize;
      this.owned = owned;
      this.ttl = ttl;
    }

    @SuppressWarnings("NullAway") // a memoized function's result may be null by design
    R get(K key, Function<? super K, ? extends @Nullable R> function) {
      Run<K, @Nullable R> run = new Run<>(function, misses, null);
      R result = ttl == null ? cache.get(key, run) : cache.get(key, ttl, run);
      if (!run.ran) {
        hits.increment();
      }
      return result;
    }

    CompletableFuture<R> getAsync(K key, Function<? super K, ? extends CompletionStage<R>> function) {
      Calling calling = new Calling(cache, key);
      if (isCalling(calling)) {
        return CompletableFuture.failedFuture(
            new IllegalStateException(
                "recursive load: the asynchronous memoized function, called with "
                    + (key == NULL_ARGUMENT ? "null" : key)
                    + ", called itself with the same arguments before returning its future"));
      }
      Run<K, CompletionStage<R>> run = new Run<>(function, misses, calling);
      CompletableFuture<@Nullable R> loaded =
          ttl == null ? cache.async().get(key, run) : cache.async().get(key, ttl, run);
      // Counted before the caller can see the result, so stats() read after it includes the call.
      CompletableFuture<R> result = new CompletableFuture<>();
      loaded.whenComplete(
          (value, error) -> {
            if (error != null) {
              result.completeExceptionally(error);
              return;
            }
            if (!run.ran) {
              hits.increment();
            }
            @SuppressWarnings("NullAway") // a memoized function's result may be null by design
            R typed = value;
            result.complete(typed);
          });
      return result;
    }

    MemoStats stats() {
      long size = -1;
      if (owned && cache.inspect().hasLocalTier()) {
        size = cache.inspect().localSizeExact();
      }
      return new MemoStats(hits.sum(), misses.sum(), maxSize, size);
    }

    private static boolean isCalling(Calling calling) {
      ArrayList<Calling> running = CALLING.get();
      return running != null && running.contains(calling);
    }

    /** Marks {@code calling} as running on this thread until {@link #ended}. */
    private static void started(Calling calling) {
      ArrayList<Calling> running = CALLING.get();
      if (running == null) {
        running = new ArrayList<>(2);
        CALLING.set(running);
      }
      running.add(calling);
    }

    private static void ended(Calling calling) {
      ArrayList<Calling> running = CALLING.get();
      if (running != null) {
        running.remove(running.size() - 1); // calls nest, so the last one started ends first
        if (running.isEmpty()) {
          CALLING.remove(); // leaves nothing behind on pool threads
        }
      }
    }
  }

  /** An asynchronous call in progress on a thread: its cache, by identity, and its key. */
  private record Calling(Object cache, Object key) {
    @Override
    public boolean equals(@Nullable Object other) {
      return other instanceof Calling that && cache == that.cache && key.equals(that.key);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(cache) * 31 + key.hashCode();
    }
  }

  /**
   * The function as one call hands it to the cache: if the cache runs it, it counts a miss and
   * remembers that this call ran it (so the call is not a hit too); an asynchronous call is marked
   * on the thread while the function runs. One per call; the cache runs it at most once.
   */
  private static final class Run<K, T> implements Function<K, T> {
    private final Function<? super K, ? extends T> function;
    private final LongAdder misses;
    private final @Nullable Calling calling;
    volatile boolean ran;

    Run(Function<? super K, ? extends T> function, LongAdder misses, @Nullable Calling calling) {
      this.function = function;
      this.misses = misses;
      this.calling = calling;
    }

    @Override
    public T apply(K key) {
      ran = true;
      misses.increment();
      if (calling == null) {
        return function.apply(key);
      }
      Engine.started(calling);
      try {
        return function.apply(key);
      } finally {
        Engine.ended(calling);
      }
    }
  }

  /** What every memoized form does the same way: clear its cache, report its statistics. */
  private abstract static class Memo<K, R> {
    final Engine<K, R> engine;

    Memo(Engine<K, R> engine) {
      this.engine = engine;
    }

    public void clear() {
      engine.cache.invalidateAll();
    }

    public MemoStats stats() {
      return engine.stats();
    }
  }

  private static final class Single<A, K, R> extends Memo<K, R> implements Memoized<A, R> {
    private final Function<@Nullable A, K> keyOf;
    private final Function<? super A, ? extends R> function;

    Single(Engine<K, R> engine, Function<@Nullable A, K> keyOf, Function<? super A, ? extends R> function) {
      super(engine);
      this.keyOf = keyOf;
      this.function = function;
    }

    @Override
    public R apply(A argument) {
      return engine.get(keyOf.apply(argument), key -> function.apply(argument));
    }

    @Override
    public void invalidate(@Nullable A argument) {
      engine.cache.invalidate(keyOf.apply(argument));
    }
  }

  private static final class Pair<A, B, K, R> extends Memo<K, R> implements BiMemoized<A, B, R> {
    private final BiFunction<@Nullable A, @Nullable B, K> keyOf;
    private final BiFunction<? super A, ? super B, ? extends R> function;

    Pair(
        Engine<K, R> engine,
        BiFunction<@Nullable A, @Nullable B, K> keyOf,
        BiFunction<? super A, ? super B, ? extends R> function) {
      super(engine);
      this.keyOf = keyOf;
      this.function = function;
    }

    @Override
    public R apply(A first, B second) {
      return engine.get(keyOf.apply(first, second), key -> function.apply(first, second));
    }

    @Override
    public void invalidate(@Nullable A first, @Nullable B second) {
      engine.cache.invalidate(keyOf.apply(first, second));
    }
  }

  private static final class Async<A, K, R> extends Memo<K, R> implements AsyncMemoized<A, R> {
    private final Function<@Nullable A, K> keyOf;
    private final Function<? super A, ? extends CompletionStage<R>> function;

    Async(Engine<K, R> engine, Function<@Nullable A, K> keyOf, Function<? super A, ? extends CompletionStage<R>> function) {
      super(engine);
      this.keyOf = keyOf;
      this.function = function;
    }

    @Override
    public CompletableFuture<R> apply(A argument) {
      return engine.getAsync(keyOf.apply(argument), key -> function.apply(argument));
    }

    @Override
    public void invalidate(@Nullable A argument) {
      engine.cache.invalidate(keyOf.apply(argument));
    }
  }
}
