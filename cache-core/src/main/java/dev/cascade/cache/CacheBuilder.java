package dev.cascade.cache;

import static dev.cascade.cache.spi.Checks.requirePositive;
import static dev.cascade.cache.spi.Checks.requireUnset;

import dev.cascade.cache.internal.CacheFactory;
import dev.cascade.cache.internal.CacheSettings;
import dev.cascade.cache.internal.LayoutSettings;
import dev.cascade.cache.internal.Names;
import dev.cascade.cache.internal.ThreadLocalRandomSource;
import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.LocalTier;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.spi.TierDecorator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Configures and builds a {@link Cache}. Tiers are listed nearest first: the in-process tier (if
 * any) always comes first, then remote stores in the order given.
 *
 * <pre>{@code
 * Cache<Long, Product> products = Cache.builder("products")
 *     .inMemory(m -> m.maximumSize(10_000))
 *     .tier(store)
 *     .valueCodec(JsonCodec.of(Product.class))
 *     .build();                       // key and value types inferred from the assignment
 * }</pre>
 *
 * <p>Mutable and not thread-safe. Each option may be set once (a second call throws {@link
 * IllegalStateException}), except the additive ones, which say so: {@link #tier}, {@link
 * #decorateTiers} and {@link #eventListener}. A bad value throws {@link IllegalArgumentException}
 * naming it; {@link #build()} checks the options against each other and returns an immutable,
 * thread-safe cache. As in Caffeine, {@link #keyCodec}, {@link #valueCodec} and {@link #build()}
 * narrow the builder's key and value types, so no type witness is needed.
 */
public final class CacheBuilder<K, V> {

  private final String name;
  private @Nullable InMemoryOptions<K, V> inMemory;
  private final List<RemoteStore> stores = new ArrayList<>();
  private @Nullable KeyCodec<K> keyCodec;
  private @Nullable Codec<V> valueCodec;
  private @Nullable String keyPrefix;
  private @Nullable Duration ttl;
  private @Nullable Double jitter;
  private @Nullable Duration nullTtl;
  private @Nullable Ticker ticker;
  private @Nullable Executor executor;
  private @Nullable Stampede stampede;
  private final List<TierDecorator> decorators = new ArrayList<>();
  private final List<CacheEventListener.Factory> listeners = new ArrayList<>();
  private @Nullable Integer breakerThreshold;
  private @Nullable InvalidationChannel channel;
  private Duration breakerOpenDuration = Duration.ofSeconds(1);
  private @Nullable Double earlyRefreshBeta;
  private @Nullable Duration staleWhileRevalidate;
  private @Nullable Duration staleIfError;
  private @Nullable RandomGenerator random;
  private @Nullable Duration expireAfterAccess;
  private @Nullable RemoteLayout layout;

  CacheBuilder(String name) {
    this.name = Names.check(name, "cache name");
  }

  /**
   * Adds the in-process tier (Caffeine), configured by {@code options}; it needs a bound.
   *
   * <pre>{@code builder.inMemory(m -> m.maximumSize(10_000).ttl(Duration.ofSeconds(30)))}</pre>
   */
  public CacheBuilder<K, V> inMemory(Consumer<InMemoryOptions<K, V>> options) {
    Objects.requireNonNull(options, "options");
    requireUnset(inMemory, "inMemory");
    InMemoryOptions<K, V> configured = new InMemoryOptions<>();
    options.accept(configured);
    this.inMemory = configured;
    return this;
  }

  /**
   * Adds a remote tier on {@code store}, after any added before (additive: may be called several
   * times). Needs a {@link #valueCodec}. The cache does not close the store: it belongs to its
   * backend and may serve other caches.
   */
  public CacheBuilder<K, V> tier(RemoteStore store) {
    stores.add(Objects.requireNonNull(store, "store"));
    return this;
  }

  /**
   * Lays the remote entries out for sharing with other programs: raw values, a key template, tag
   * sets ({@link RemoteLayout}; default: Cascade's envelope under {@code <prefix>:<cache>:<key>}).
   *
   * <pre>{@code builder.remoteLayout(r -> r.rawValues().keyTemplate("user:{key}"))}</pre>
   */
  public CacheBuilder<K, V> remoteLayout(Consumer<RemoteLayout> options) {
    Objects.requireNonNull(options, "options");
    requireUnset(layout, "remoteLayout");
    RemoteLayout configured = new RemoteLayout();
    options.accept(configured);
    this.layout = configured;
    return this;
  }

  /**
   * Sets how keys become remote key strings (default: {@link KeyCodec#standard()}), and narrows the
   * builder's key type to the codec's.
   */
  @SuppressWarnings("unchecked")
  public <K1 extends K> CacheBuilder<K1, V> keyCodec(KeyCodec<K1> keyCodec) {
    requireUnset(this.keyCodec, "keyCodec");
    Objects.requireNonNull(keyCodec, "keyCodec");
    CacheBuilder<K1, V> self = (CacheBuilder<K1, V>) this;
    self.keyCodec = keyCodec;
    return self;
  }

  /**
   * Sets how values become bytes in remote tiers, and narrows the builder's value type to the
   * codec's; required when there is a remote tier.
   */
  @SuppressWarnings("unchecked")
  public <V1 extends V> CacheBuilder<K, V1> valueCodec(Codec<V1> valueCodec) {
    requireUnset(this.valueCodec, "valueCodec");
    Objects.requireNonNull(valueCodec, "valueCodec");
    CacheBuilder<K, V1> self = (CacheBuilder<K, V1>) this;
    self.valueCodec = valueCodec;
    return self;
  }

  /** Sets the first segment of every remote key, {@code <prefix>:<cache>:<key>} (default {@code cascade}). */
  public CacheBuilder<K, V> keyPrefix(String keyPrefix) {
    requireUnset(this.keyPrefix, "keyPrefix");
    this.keyPrefix = Names.check(keyPrefix, "keyPrefix");
    return this;
  }

  /**
   * Sets the default TTL of entries (default: none; entries live until evicted or invalidated): a
   * fixed TTL, counted from the write or load. Exclusive with {@link #expireAfterAccess}.
   *
   * @throws IllegalArgumentException if not positive
   */
  public CacheBuilder<K, V> ttl(Duration ttl) {
    requireUnset(this.ttl, "ttl");
    this.ttl = requirePositive(ttl, "ttl");
    return this;
  }

  /**
   * Gives the cache a sliding TTL: an entry lives until it has not been read for {@code duration}.
   * A hit in a tier moves the entry's expiry to now + {@code duration} in that tier and in the nearer
   * tiers it fills (Caffeine's {@code expireAfterAccess}; {@code GETEX PX} on Redis; a meta get with
   * the {@code T} flag on Memcached; one round trip either way, bulk reads included).
   *
   * <ul>
   *   <li>A write (a put or a load) gives the entry {@code duration} to live until its first read;
   *       a per-entry TTL ({@code put(key, value, ttl)}, {@code get(key, ttl, loader)}) replaces
   *       that first lifetime only, since a remote store touches every key with the cache's one
   *       duration. {@link #ttlJitter} spreads that first lifetime too.
   *   <li>Cached absences ({@link #nullTtl}) do not slide: they expire {@code nullTtl} after their
   *       load (a remote read still sets their server-side TTL to {@code duration}).
   *   <li>In a cache with remote tiers, an in-process copy lives half the time its entry had left
   *       when it was filled or written ({@code duration / 2} after a remote hit; at most {@link
   *       InMemoryOptions#ttl}), and its hits do not reach the remote tier: the next read after that
   *       goes to the remote tier, whose entry is then still alive and is touched. So an entry read
   *       at least every {@code duration / 2} never expires; one not read for {@code duration} has
   *       expired everywhere.
   *   <li>Every remote tier must touch on read ({@link
   *       dev.cascade.cache.spi.StoreCapabilities#touchOnRead()}); Cascade's Redis, Memcached and
   *       in-memory stores do.
   * </ul>
   *
   * @throws IllegalArgumentException if not positive
   * @throws IllegalStateException if already set; {@link #build()} throws it too when {@link #ttl}
   *     is also set (they are exclusive) or when a remote store cannot touch on read
   */
  public CacheBuilder<K, V> expireAfterAccess(Duration duration) {
    requireUnset(this.expireAfterAccess, "expireAfterAccess");
    this.expireAfterAccess = requirePositive(duration, "expireAfterAccess");
    return this;
  }

  /**
   * Spreads every TTL by up to ±{@code fraction} at random, so that entries written together do not
   * expire together.
   *
   * @throws IllegalArgumentException if {@code fraction} is not in [0, 1)
   */
  public CacheBuilder<K, V> ttlJitter(double fraction) {
    requireUnset(this.jitter, "ttlJitter");
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException("ttlJitter must be in [0, 1), was " + fraction);
    }
    this.jitter = fraction;
    return this;
  }

  /**
   * Caches a loader's {@code null} (an absent row) for {@code nullTtl}, so that absent keys do not
   * reach the loader on every call. Without it a loader returning {@code null} is an error.
   *
   * @throws IllegalArgumentException if not positive
   */
  public CacheBuilder<K, V> nullTtl(Duration nullTtl) {
    requireUnset(this.nullTtl, "nullTtl");
    this.nullTtl = requirePositive(nullTtl, "nullTtl");
    return this;
  }

  /**
   * Refreshes entries early, before they expire, with XFetch: a hit of {@code get(key, loader)} at
   * time {@code now} starts a background refresh when {@code now - delta * beta * ln(u) >= expiry},
   * where {@code u} is drawn uniformly from (0, 1] on every hit, {@code delta} is how long the
   * entry's last load took and {@code expiry} its expiry. The caller gets the current value at once;
   * the refresh calls that caller's loader on the cache's {@link #executor}, once per key in this
   * JVM (and once across instances with a distributed {@link #stampede} lease). {@code beta} 1 is
   * XFetch's optimum; larger refreshes earlier, 0 never. A hot key then never expires, and no reader
   * waits for its loader after the first load. Entries written by {@code put} (no load time), and
   * reads without a loader ({@code getIfPresent}, {@code getAll}), never refresh. Needs {@link
   * #ttl}. See docs/freshness.md.
   *
   * @throws IllegalArgumentException if {@code beta} is negative, infinite or NaN
   */
  public CacheBuilder<K, V> earlyRefresh(double beta) {
    requireUnset(this.earlyRefreshBeta, "earlyRefresh");
    if (!(beta >= 0 && beta < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("earlyRefresh beta must be finite and at least 0, was " + beta);
    }
    this.earlyRefreshBeta = beta;
    return this;
  }

  /**
   * Serves an entry for up to {@code window} after it expires while it is refreshed: the first call
   * with a loader that finds it expired gets the old value at once and starts one background
   * refresh with its loader (once per key in this JVM; once across instances with a distributed
   * {@link #stampede} lease); later calls get the old value until the new one is in place. Calls
   * without a loader, and bulk loads, treat the expired entry as absent. Remote tiers keep each
   * entry for its TTL plus the larger of this window and {@link #staleIfError}'s bound; the
   * in-process tier keeps its own cap ({@link InMemoryOptions#ttl}). An invalidated entry is never
   * served stale. Needs {@link #ttl}. A window under a millisecond counts as one millisecond; one
   * longer than about 73 million years ({@code ChronoUnit.FOREVER.getDuration()}, say) counts as
   * that, and entries still expire after their TTL. See docs/freshness.md.
   *
   * @throws IllegalArgumentException if {@code window} is not positive
   */
  public CacheBuilder<K, V> staleWhileRevalidate(Duration window) {
    requireUnset(this.staleWhileRevalidate, "staleWhileRevalidate");
    this.staleWhileRevalidate = requirePositive(window, "staleWhileRevalidate");
    return this;
  }

  /**
   * Answers a call whose loader fails with the key's expired value, if it expired less than {@code
   * bound} ago: the loader's exception reaches the caller only past the bound, or when there is no
   * old value (an invalidation, of the key, a tag or the cache, removes it for good). Each such
   * answer is counted ({@link CacheStats#staleErrorCount()}). Needs {@link #ttl}. A bound under a
   * millisecond counts as one millisecond; one longer than about 73 million years counts as that.
   * See docs/freshness.md.
   *
   * @throws IllegalArgumentException if {@code bound} is not positive
   */
  public CacheBuilder<K, V> staleIfError(Duration bound) {
    requireUnset(this.staleIfError, "staleIfError");
    this.staleIfError = requirePositive(bound, "staleIfError");
    return this;
  }

  /**
   * Sets the source of the cache's random draws: early refresh's {@code u} and the TTL jitter
   * (default: {@link ThreadLocalRandom}). Tests inject a seeded one to make both repeatable; it is
   * called from many threads, so it must be thread-safe ({@link java.util.Random} is).
   */
  public CacheBuilder<K, V> random(RandomGenerator random) {
    requireUnset(this.random, "random");
    this.random = Objects.requireNonNull(random, "random");
    return this;
  }

  /** Sets the time source for expiry (default {@link Ticker#system()}); tests inject a fake one. */
  public CacheBuilder<K, V> ticker(Ticker ticker) {
    requireUnset(this.ticker, "ticker");
    this.ticker = Objects.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Sets where the asynchronous API calls loaders and runs the steps after a remote read (default:
   * {@link java.util.concurrent.ForkJoinPool#commonPool()}, as Caffeine does), so that no loader
   * ever runs on a client library's I/O thread. Background refreshes ({@link #earlyRefresh}, {@link
   * #staleWhileRevalidate}) run there too. {@code Runnable::run} saves a hand-off per miss if every
   * loader is non-blocking; a refresh then runs on the thread of the call that starts it, and that
   * call returns only once the refresh's loader has returned.
   */
  public CacheBuilder<K, V> executor(Executor executor) {
    requireUnset(this.executor, "executor");
    this.executor = Objects.requireNonNull(executor, "executor");
    return this;
  }

  /** Sets stampede protection (default {@link Stampede#local()}: single-flight in this JVM). */
  public CacheBuilder<K, V> stampede(Stampede stampede) {
    requireUnset(this.stampede, "stampede");
    this.stampede = Objects.requireNonNull(stampede, "stampede");
    return this;
  }

  /**
   * Keeps this cache's in-process tier coherent with the other instances of the same cache: every
   * write and invalidation here is announced through {@code channel}, and theirs drop the matching
   * entries here. Requires {@link #inMemory}. Writes complete once the channel reports the other
   * instances have applied them (see the channel's documentation for its guarantees); a channel
   * that cannot say so fails the write with a {@link CacheException}.
   *
   * <p>In a cache with a remote tier, in-process entries live at most one minute unless {@link
   * InMemoryOptions#ttl} says otherwise: the bound on staleness should every channel fail.
   */
  public CacheBuilder<K, V> invalidation(InvalidationChannel channel) {
    requireUnset(this.channel, "invalidation");
    this.channel = Objects.requireNonNull(channel, "channel");
    return this;
  }

  /**
   * Configures the circuit breaker of each remote tier (default: open after 3 consecutive failures,
   * probe every 1 s). A timeout makes the next call probe at once instead, and a failed probe opens
   * it: a dead server costs one command timeout and the probe's. Open, calls skip the store (reads
   * miss, writes throw {@link CacheUnavailableException}); a successful probe flushes the in-process
   * tier, which may have missed invalidations. Caches whose stores share a failure domain ({@code
   * RemoteStore.failureDomain()}, e.g. one backend's) share one breaker, set by the first cache built.
   * An {@code openDuration} longer than about 73 years counts as 73 years.
   *
   * @throws IllegalArgumentException if {@code failureThreshold} is below 1 or {@code openDuration}
   *     is not positive
   */
  public CacheBuilder<K, V> circuitBreaker(int failureThreshold, Duration openDuration) {
    requireUnset(breakerThreshold, "circuitBreaker");
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be at least 1, was " + failureThreshold);
    }
    this.breakerOpenDuration = requirePositive(openDuration, "openDuration");
    this.breakerThreshold = failureThreshold;
    return this;
  }

  /**
   * Wraps every tier of the cache with {@code decorator} (tracing, logging, fault injection).
   * Additive: the first decorator wraps the tiers themselves, each later one the previous result.
   * For metrics, prefer an {@link #eventListener}, which costs nothing on an in-process hit.
   */
  public CacheBuilder<K, V> decorateTiers(TierDecorator decorator) {
    decorators.add(Objects.requireNonNull(decorator, "decorator"));
    return this;
  }

  /**
   * Adds a listener of the cache's per-tier events (lookups, stores, invalidations, operation
   * times and failures, circuit changes, in-process flushes, loads), created by {@code factory}
   * when the cache is built; {@code CacheMetrics.listener(registry)} is one. Additive: every
   * listener added gets every event.
   */
  public CacheBuilder<K, V> eventListener(CacheEventListener.Factory factory) {
    listeners.add(Objects.requireNonNull(factory, "factory"));
    return this;
  }

  /**
   * Returns the cache, typed by the assignment it is given to (as Caffeine's {@code build()}).
   *
   * @throws IllegalStateException if there is no tier, if a remote tier has no value codec, if a
   *     distributed stampede lock has no remote tier to guard, if an invalidation channel has no
   *     in-process tier to keep coherent, if early refresh or stale serving has no {@link #ttl} or
   *     is combined with {@link #expireAfterAccess}, if both {@link #ttl} and {@link
   *     #expireAfterAccess} are set, or if {@link #expireAfterAccess} is set and a remote store
   *     cannot touch on read, or if the {@link #remoteLayout} cannot be honoured with the other
   *     options (see {@link RemoteLayout}) or its key template overlaps another cache's keys
   */
  @SuppressWarnings("unchecked")
  public <K1 extends K, V1 extends V> Cache<K1, V1> build() {
    if (inMemory == null && stores.isEmpty()) {
      throw new IllegalStateException(
          "cache '" + name + "' has no tier: add inMemory(m -> m.maximumSize(...)) and/or tier(store)");
    }
    if (!stores.isEmpty() && valueCodec == null) {
      throw new IllegalStateException(
          "cache '" + name + "' has a remote tier but no valueCodec, e.g. valueCodec(JsonCodec.of(Type.class))");
    }
    Stampede protection = stampede == null ? Stampede.local() : stampede;
    StampedeLock lock = protection.lock();
    if (lock != null && stores.isEmpty()) {
      throw new IllegalStateException(
          "cache '" + name + "' has a distributed stampede lock but no remote tier whose writes it could guard");
    }
    if (channel != null && inMemory == null) {
      throw new IllegalStateException(
          "cache '" + name + "' has an invalidation channel but no in-memory tier for it to keep coherent");
    }
    boolean freshness =
        (earlyRefreshBeta != null && earlyRefreshBeta > 0) || staleWhileRevalidate != null || staleIfError != null;
    if (freshness && expireAfterAccess != null) {
      throw new IllegalStateException(
          "cache '" + name + "' refreshes early or serves stale entries, which work from a fixed expiry, and has"
              + " expireAfterAccess(" + expireAfterAccess + "): choose one");
    }
    if (freshness && ttl == null) {
      throw new IllegalStateException(
          "cache '" + name + "' refreshes early or serves stale entries but has no ttl: set ttl(...), the expiry they work from");
    }
    checkSliding();
    String prefix = keyPrefix == null ? "cascade" : keyPrefix;
    List<RemoteStore> remoteStores = stores;
    if (layout != null) { // before the in-memory tier is built: a refused layout must not leave one behind
      layout.check(name, prefix, stores, nullTtl != null, freshness, lock != null, expireAfterAccess != null);
      remoteStores = layout.storesFor(name, prefix, stores);
    }
    Ticker time = ticker == null ? Ticker.system() : ticker;
    KeyCodec<K> keys = keyCodec == null ? KeyCodec.standard() : keyCodec;
    LocalTier<K, V> local =
        inMemory == null ? null : inMemory.buildTier(time, !stores.isEmpty(), ttl, expireAfterAccess, nullTtl, channel == null ? null : keys);
    CacheSettings<K, V> settings =
        new CacheSettings<>(
            name,
            local,
            remoteStores,
            keys,
            valueCodec,
            prefix,
            expireAfterAccess != null ? expireAfterAccess : ttl,
            jitter == null ? 0 : jitter,
            nullTtl,
            time,
            lock,
            protection.leaseTime(),
            protection.maxWait(),
            protection.pollInterval(),
            executor == null ? java.util.concurrent.ForkJoinPool.commonPool() : executor,
            channel,
            decorators,
            breakerThreshold == null ? 3 : breakerThreshold,
            breakerOpenDuration,
            listeners,
            earlyRefreshBeta == null ? 0 : earlyRefreshBeta,
            staleWhileRevalidate,
            staleIfError,
            random == null ? ThreadLocalRandomSource.INSTANCE : random,
            expireAfterAccess,
            layout == null
                ? null
                : new LayoutSettings(layout.raw(), layout.nullMarker(), layout.keyLiteral(), layout.tagLiteral()));
    return (Cache<K1, V1>) CacheFactory.create(settings);
  }

  /** Checks {@link #expireAfterAccess} against the other options. */
  private void checkSliding() {
    if (expireAfterAccess == null) {
      return;
    }
    if (ttl != null) {
      throw new IllegalStateException(
          "cache '" + name + "' sets both ttl (" + ttl + ") and expireAfterAccess (" + expireAfterAccess
              + "): choose one, a fixed or a sliding TTL");
    }
    for (RemoteStore store : stores) {
      if (!store.capabilities().touchOnRead()) {
        throw new IllegalStateException(
            "cache '" + name + "' sets expireAfterAccess (" + expireAfterAccess + ") but its store " + store
                + " cannot read and touch in one step (StoreCapabilities.touchOnRead is false)");
      }
    }
  }
}
