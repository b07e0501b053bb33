package dev.cascade.cache.spring;

import dev.cascade.cache.AsyncCache;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.Cached;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.support.SimpleValueWrapper;

/**
 * A Spring {@link org.springframework.cache.Cache} over one Cascade {@link Cache}, as {@link
 * CascadeCacheManager} hands them out. Each Spring operation is one Cascade operation:
 *
 * <ul>
 *   <li>{@link #get(Object)} and {@link #get(Object, Class)}: {@link Cache#lookup}, never loads; a
 *       cached absence (a method's {@code null}, kept for the cache's {@code nullTtl}) is a {@code
 *       ValueWrapper} holding {@code null}, a miss is {@code null};
 *   <li>{@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}): {@link Cache#get(Object,
 *       java.util.function.Function)}, so one caller per key loads in this JVM, and one across
 *       instances when the cache has a distributed stampede lease;
 *   <li>{@link #retrieve(Object)} and {@link #retrieve(Object, Supplier)} (methods returning {@code
 *       CompletableFuture}): the same through {@link Cache#async()};
 *   <li>{@link #put}: {@link Cache#put}, failing open after a miss (see there); {@link
 *       #putIfAbsent}: {@link Cache#lookup}, then {@link Cache#put} if absent; {@link #evict}, {@link
 *       #evictIfPresent} ({@code @CacheEvict(beforeInvocation = true)}): {@link Cache#invalidate}
 *       only, no read; {@link #clear}, {@link #invalidate()}: {@link Cache#invalidateAll()}, this
 *       cache's entries only.
 * </ul>
 *
 * <p>A {@link CascadeKeys.Tagged} key is read and written under its inner key, with its tags (and
 * the cache's own, see {@link CascadeCacheSpec#tags}); evicting a {@link CascadeKeys.Tag}
 * invalidates the tag. A load ({@code get(key, loader)}, {@code retrieve(key, loader)}) stores what
 * it loaded with those tags, through {@link Cache#get(Object, Set, java.util.function.Function)}: like
 * every load, it is stored only if no eviction of the key, of a tag or of the cache overlapped it.
 * A cached absence carries the tags too.
 *
 * <p>Remote tiers fail open: a read that times out or finds the server down is a miss and the
 * method runs, and the {@code put} of {@code @Cacheable} that follows it is skipped or, if it fails,
 * logged rather than thrown. An eviction or clear is done in every tier and instance when it
 * returns; one that fails throws Cascade's {@code CacheException} (after the in-process copy was
 * dropped), which Spring's {@code CacheErrorHandler} receives: a stale entry is worth reporting.
 * Thread-safe.
 */
public final class CascadeCache implements org.springframework.cache.Cache {
  /**
   * Where the futures of {@link #retrieve} complete: a remote tier's future completes on its
   * client's I/O thread, and Spring continues there, with a blocking {@code put} after a miss; that
   * put waits for a reply only this I/O thread can read, so it timed out. Completing on the common
   * pool keeps Spring's continuation off the I/O thread.
   */
  private static final java.util.concurrent.Executor HAND_OFF = java.util.concurrent.ForkJoinPool.commonPool();
  private final Cache<Object, Object> cache;
  private final boolean cachesNulls;
  private final Set<String> tags;
  private final boolean layered;
  private final int tierCount;
  // The last miss of get(key) on this thread, for the put that @Cacheable sends right after it on
  // the same thread; a put removes it, so a later put of the key is not taken for a fill. A miss
  // that no put follows (the method threw) stays until the thread's next get or put of this cache,
  // and counts for a put of its key only within FILL_WINDOW_NANOS: a @CachePut long after a failed
  // @Cacheable of the same key on the same thread is sent and reported like any other put.
  private final ThreadLocal<@Nullable Miss> lastMiss = new ThreadLocal<>();

  private record Miss(Object key, boolean degraded, long atNanos) {}

  /** How long after its miss a put is still taken for the fill of that miss. */
  private static final long FILL_WINDOW_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);

  /**
   * Wraps {@code cache}. {@code cachesNulls} must say whether the cache was built with a {@code
   * nullTtl}; {@code tags} are given to every entry written through this adapter.
   */
  @SuppressWarnings("unchecked")
  public CascadeCache(Cache<?, ?> cache, boolean cachesNulls, Set<String> tags) {
    this.cache = (Cache<Object, Object>) Objects.requireNonNull(cache, "cache");
    this.cachesNulls = cachesNulls;
    this.tags = Set.copyOf(tags);
    this.layered = cache.inspect().hasRemoteTier();
    this.tierCount = cache.inspect().tierNames().size();
  }

  /** Returns the Cascade cache's name. */
  @Override
  public String getName() {
    return cache.name();
  }

  /** Returns the Cascade {@link Cache} this adapter is over. */
  @Override
  public Cache<Object, Object> getNativeCache() {
    return cache;
  }

  /** Returns whether a {@code null} result is cached (the cache has a {@code nullTtl}). */
  public boolean cachesNulls() {
    return cachesNulls;
  }

  /**
   * Returns what the cache holds for {@code key}: {@code null} on a miss, a wrapper of {@code null}
   * for a cached absence, else a wrapper of the value. Never loads.
   */
  @Override
  public @Nullable ValueWrapper get(Object key) {
    Cached<Object> cached = lookup(keyOf(key));
    return cached == null ? null : new SimpleValueWrapper(cached.value());
  }

  /**
   * Returns the cached value of {@code key}, or {@code null} on a miss or for a cached absence.
   *
   * @throws IllegalStateException if the cached value is not a {@code type}
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
    Cached<Object> cached = lookup(keyOf(key));
    Object value = cached == null ? null : cached.value();
    if (value != null && type != null && !type.isInstance(value)) {
      throw new IllegalStateException(
          "Cached value is not of required type [" + type.getName() + "]: " + value);
    }
    return (T) value;
  }

  /** Looks {@code cacheKey} up and remembers a miss for the {@code put} that may follow it. */
  private @Nullable Cached<Object> lookup(Object cacheKey) {
    if (!layered) {
      return cache.lookup(cacheKey);
    }
    long errors = cache.stats().tierErrorCount();
    Cached<Object> cached = cache.lookup(cacheKey);
    if (cached == null) {
      lastMiss.set(new Miss(cacheKey, cache.stats().tierErrorCount() > errors || circuitOpen(), System.nanoTime()));
    } else {
      lastMiss.remove();
    }
    return cached;
  }

  /**
   * Returns the cached value of {@code key}, calling {@code valueLoader} on a miss; concurrent
   * callers for the key wait for one load (and, with a distributed lease, for one load across
   * instances).
   *
   * @throws ValueRetrievalException wrapping whatever {@code valueLoader} threw (nothing is cached)
   * @throws IllegalStateException if the loader returned {@code null} and the cache does not cache
   *     absences
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
    Objects.requireNonNull(valueLoader, "valueLoader");
    Object cacheKey = keyOf(key);
    Object value =
        cache.get(
            cacheKey,
            tagsOf(key),
            k -> {
              T result;
              try {
                result = valueLoader.call();
              } catch (Exception e) {
                throw new ValueRetrievalException(key, valueLoader, e);
              }
              if (result == null && !cachesNulls) {
                throw new IllegalStateException(nullRefused());
              }
              return result;
            });
    return (T) value;
  }

  /**
   * Returns a future of what the cache holds for {@code key}: {@code null} on a miss, a {@code
   * ValueWrapper} of {@code null} for a cached absence, else the value. Never loads; never blocks on
   * a remote tier.
   */
  @Override
  public CompletableFuture<?> retrieve(Object key) {
    return cache
        .async()
        .lookup(keyOf(key))
        .thenApplyAsync(cached -> cached == null ? null : cached.isNull() ? new SimpleValueWrapper(null) : cached.value(), HAND_OFF);
  }

  /**
   * Returns a future of the cached value of {@code key}, calling {@code valueLoader} on a miss; one
   * load per key at a time, shared by concurrent callers. A failed load fails the future and is not
   * cached.
   */
  @Override
  @SuppressWarnings("unchecked")
  public <T> CompletableFuture<T> retrieve(Object key, Supplier<CompletableFuture<T>> valueLoader) {
    Objects.requireNonNull(valueLoader, "valueLoader");
    CompletableFuture<@Nullable Object> future =
        cache
            .async()
            .get(
                keyOf(key),
                tagsOf(key),
                k -> {
                  return valueLoader
                      .get()
                      .thenApply(
                          result -> {
                            if (result == null && !cachesNulls) {
                              throw new IllegalStateException(nullRefused());
                            }
                            return result;
                          });
                });
    return (CompletableFuture<T>) (CompletableFuture<?>) future.thenApplyAsync(value -> value, HAND_OFF);
  }

  /**
   * Stores {@code value} under {@code key} with the cache's default TTL and the tags of the cache and
   * of the key; a {@code null} value is cached as an absence (for the cache's {@code nullTtl}). When
   * it returns, every tier holds the value and the other instances have dropped their in-process
   * copies.
   *
   * <p>A put that fills a miss, that is, one that follows a {@link #get(Object)} of the same key on
   * the same thread that missed, within 5 seconds (what {@code @Cacheable} does), fails open: a remote write that
   * fails is logged and counted by Cascade instead of failing the method (nothing of the key is
   * cached then), and if that lookup met a failing remote tier, or a remote tier's circuit breaker
   * is not closed, the value is not written at all (the write would fail too, and a failed write
   * leaves nothing cached), so the call costs at most one command timeout, not two. Any other put ({@code @CachePut})
   * throws Cascade's {@code CacheException} when a remote tier fails, for Spring's {@code
   * CacheErrorHandler}: the remote tier may still hold the older value.
   *
   * @throws IllegalArgumentException if {@code value} is {@code null} and the cache does not cache
   *     absences, or if {@code key} is a {@link CascadeKeys.Tag}
   */
  @Override
  public void put(Object key, @Nullable Object value) {
    Object cacheKey = keyOf(key);
    Miss miss = layered ? lastMiss.get() : null;
    if (miss != null) {
      lastMiss.remove();
      if (!miss.key().equals(cacheKey) || System.nanoTime() - miss.atNanos() > FILL_WINDOW_NANOS) {
        miss = null;
      }
    }
    if (value == null && !cachesNulls) {
      throw new IllegalArgumentException(nullRefused());
    }
    if (miss != null && miss.degraded()) {
      // Redis just failed the read (or its breaker is open): the write would fail as well, and a
      // failed write leaves nothing cached anyway. Not sending it keeps the call within one timeout.
      return;
    }
    CompletableFuture<?> written = store(key, cacheKey, value);
    try {
      join(written);
    } catch (CacheException e) {
      if (miss == null) {
        throw e;
      }
      // fail open: Cascade logged it and dropped the in-process copy
    }
  }

  /**
   * Stores {@code value} (with the tags of the cache and of the key) unless the cache holds
   * something for {@code key}: a {@link Cache#lookup}, then, if it found nothing, a put as {@link
   * #put} does outside a fill. So a present entry is left as it is: no early refresh or
   * revalidation with {@code value} starts. Not atomic: Cascade has no conditional put, so two
   * callers that both find the key absent both store, and the later write wins, which Spring's
   * contract of this method allows.
   *
   * @return {@code null} if {@code value} was stored, else a wrapper of what the cache held
   * @throws IllegalArgumentException as {@link #put}
   * @throws CacheException if a remote tier failed the write (after the in-process copy was dropped)
   */
  @Override
  public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
    Object cacheKey = keyOf(key);
    if (value == null && !cachesNulls) {
      throw new IllegalArgumentException(nullRefused());
    }
    // A lookup, not get(key, loader): on a hit whose early refresh is due, or on an expired entry in
    // its revalidation window, a loader-taking get would refresh the entry with `value`.
    Cached<Object> held = cache.lookup(cacheKey);
    if (held != null) {
      return new SimpleValueWrapper(held.value());
    }
    join(store(key, cacheKey, value));
    return null;
  }

  /**
   * Removes {@code key} from every tier (and every instance's in-process tier); for a {@link
   * CascadeKeys.Tag}, invalidates every entry written with the tag.
   */
  @Override
  public void evict(Object key) {
    if (key instanceof CascadeKeys.Tag tag) {
      cache.invalidateTag(tag.name());
    } else {
      cache.invalidate(keyOf(key));
    }
  }

  /**
   * As {@link #evict}, at once: what Spring calls for {@code @CacheEvict(beforeInvocation = true)}.
   * It does not look the key up first: a lookup would count as a read in the cache's statistics (a
   * hit or a miss) and, on a layered cache, cost a remote read and may fill the in-process tier
   * just before the entry is dropped. So whether the cache held the key is not known, and Spring's
   * contract of this method allows {@code false} then; Spring itself ignores the result.
   *
   * @return {@code false}, always
   */
  @Override
  public boolean evictIfPresent(Object key) {
    evict(key);
    return false;
  }

  /** Removes every entry of this cache from every tier, and nothing of any other cache. */
  @Override
  public void clear() {
    cache.invalidateAll();
  }

  /**
   * As {@link #clear()}, at once.
   *
   * @return whether this instance's in-process tier held entries before (a remote tier's are not
   *     counted)
   */
  @Override
  public boolean invalidate() {
    boolean had = cache.inspect().hasLocalTier() && cache.inspect().localSize() > 0;
    cache.invalidateAll();
    return had;
  }

  /** Whether a remote tier's circuit breaker is open or half-open (its calls fail or probe). */
  private boolean circuitOpen() {
    CacheInspector inspector = cache.inspect();
    for (int tier = 0; tier < tierCount; tier++) {
      if (inspector.circuitState(tier) != CircuitState.CLOSED) {
        return true;
      }
    }
    return false;
  }

  /** Writes {@code value} (an absence if null) under {@code cacheKey}, with the tags of {@code key} and the cache. */
  private CompletableFuture<?> store(Object key, Object cacheKey, @Nullable Object value) {
    return value == null ? putAbsent(cacheKey, tagsOf(key)) : write(cacheKey, value, tagsOf(key));
  }

  private CompletableFuture<?> putAbsent(Object cacheKey, Set<String> entryTags) {
    // Cascade has no put of an absence: drop what is there, then cache a loader's null, with the tags.
    AsyncCache<Object, Object> async = cache.async();
    return async
        .invalidate(cacheKey)
        .thenCompose(done -> async.get(cacheKey, entryTags, k -> CompletableFuture.completedFuture(null)));
  }

  private CompletableFuture<Void> write(Object cacheKey, Object value, Set<String> entryTags) {
    return entryTags.isEmpty() ? cache.async().put(cacheKey, value) : cache.async().put(cacheKey, value, entryTags);
  }

  /** Waits for {@code write}; its failure is thrown as it is (a {@link CacheException} from Cascade). */
  private static void join(CompletableFuture<?> write) {
    try {
      write.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw e;
    }
  }

  private String nullRefused() {
    String property = cache.name().contains(".") ? "cascade.caches[" + cache.name() + "]" : "cascade.caches." + cache.name();
    return "Cache '" + cache.name() + "' does not cache null results: set a nullTtl for it"
        + " (" + property + ".null-ttl), or add unless = \"#result == null\"";
  }

  private static Object keyOf(Object key) {
    Objects.requireNonNull(key, "key");
    if (key instanceof CascadeKeys.Tagged tagged) {
      return tagged.key();
    }
    if (key instanceof CascadeKeys.Tag tag) {
      throw new IllegalArgumentException(
          "a tag key (" + tag.name() + ") can only be evicted, not read or written");
    }
    return key;
  }

  private Set<String> tagsOf(Object key) {
    if (key instanceof CascadeKeys.Tagged tagged && !tagged.tags().isEmpty()) {
      if (tags.isEmpty()) {
        return tagged.tags();
      }
      Set<String> all = new LinkedHashSet<>(tags);
      all.addAll(tagged.tags());
      return all;
    }
    return tags;
  }

  @Override
  public String toString() {
    return "CascadeCache[" + cache.name() + "]";
  }
}
