package dev.cascade.cache.spring;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.spi.Codec;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.spi.KeyCodec;
import dev.cascade.cache.spi.RemoteStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.CacheManager;
import org.springframework.cache.interceptor.SimpleKey;

/**
 * A Spring {@link CacheManager} whose caches are Cascade caches ({@link CascadeCache}): each named
 * cache is an in-process tier, layered over the manager's remote store when it has one, with the
 * settings of its {@link CascadeCacheSpec}.
 *
 * <pre>{@code
 * RedisBackend backend = RedisBackend.create(redisClient);
 * CascadeCacheManager manager = CascadeCacheManager.builder()
 *     .remote(backend.store())
 *     .invalidation(backend.invalidation())
 *     .stampede(Stampede.distributed(backend.stampedeLock()))
 *     .defaults(spec -> spec.ttl(Duration.ofMinutes(10)).maximumSize(10_000))
 *     .cache("feed", spec -> spec.valueType(Feed.class).ttl(Duration.ofMinutes(1)))
 *     .build();
 * }</pre>
 *
 * <p>The caches named with {@link Builder#cache} are built by {@link Builder#build()}; a name it does
 * not know is built from the defaults on first use, or refused ({@link #getCache} returns {@code
 * null}, and Spring fails the call naming the cache) with {@link UnknownCaches#REFUSE}. A layered
 * cache needs a value type or codec (no Java serialization): one without it fails to build with an
 * {@link IllegalStateException} naming the cache. Its keys are encoded by Cascade's standard key
 * codec; Spring's {@code SimpleKey} (the default key of methods with several parameters) has no
 * stable form and is refused with a message pointing to {@link CascadeKeyGenerator}.
 *
 * <p>{@link #close()} closes every cache; the remote store, channel and lock belong to their backend,
 * which the caller closes after the manager. Thread-safe.
 */
public final class CascadeCacheManager implements CacheManager, AutoCloseable {

  /** What {@link #getCache} does with a name the manager was not configured with. */
  public enum UnknownCaches {
    /** Build a cache from the defaults (the default). */
    CREATE,
    /** Return {@code null}: Spring then refuses the call. */
    REFUSE
  }

  /** The standard key codec, which also reads keys back, refusing Spring's {@code SimpleKey} by name. */
  private static final KeyCodec<Object> SPRING_KEYS =
      new KeyCodec<>() {
        private final KeyCodec<Object> standard = KeyCodec.standard();

        @Override
        public String encode(Object key) {
          if (key instanceof SimpleKey) {
            throw new IllegalArgumentException(
                "Spring's SimpleKey " + key + " has no stable string form for a remote tier: use"
                    + " dev.cascade.cache.spring.CascadeKeyGenerator (the starter's default) or a key"
                    + " expression giving a string, number, UUID, enum, record or list");
          }
          return standard.encode(key);
        }

        @Override
        public @Nullable Object decode(String encoded) {
          return standard.decode(encoded);
        }

        @Override
        public boolean canDecode(Object key) {
          return standard.canDecode(key);
        }
      };

  private final CascadeCacheSpec defaults;
  private final Map<String, Consumer<CascadeCacheSpec>> configured;
  private final @Nullable RemoteStore store;
  private final @Nullable InvalidationChannel channel;
  private final @Nullable Stampede stampede;
  private final UnknownCaches unknownCaches;
  private final List<CascadeCacheCustomizer> customizers;
  private final ConcurrentMap<String, CascadeCache> caches = new ConcurrentHashMap<>();
  private final ReentrantLock creation = new ReentrantLock();
  private volatile boolean closed;

  private CascadeCacheManager(Builder builder) {
    this.defaults = builder.defaults.copy();
    this.configured = new LinkedHashMap<>(builder.configured);
    this.store = builder.store;
    this.channel = builder.channel;
    this.stampede = builder.stampede;
    this.unknownCaches = builder.unknownCaches;
    this.customizers = List.copyOf(builder.customizers);
  }

  /** Returns a builder of a manager; without a remote store its caches are in process only. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the cache named {@code name}, building it on first use if the manager knows the name or
   * creates unknown caches.
   *
   * @return the cache, or {@code null} if the name is unknown and unknown caches are refused
   * @throws IllegalStateException if the manager is closed, or the cache cannot be built (for
   *     instance a layered cache without a value type)
   */
  @Override
  public @Nullable CascadeCache getCache(String name) {
    Objects.requireNonNull(name, "name");
    requireOpen();
    CascadeCache cache = caches.get(name);
    if (cache != null) {
      return cache;
    }
    if (!configured.containsKey(name) && unknownCaches == UnknownCaches.REFUSE) {
      return null;
    }
    return create(name);
  }

  /** Returns the names of the caches built so far (configured ones from the start); unmodifiable. */
  @Override
  public Collection<String> getCacheNames() {
    return Set.copyOf(caches.keySet());
  }

  /** Invalidates {@code tag} in every cache built so far (see {@link Cache#invalidateTag}). */
  public void invalidateTag(String tag) {
    Objects.requireNonNull(tag, "tag");
    caches.values().forEach(cache -> cache.getNativeCache().invalidateTag(tag));
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Closes every cache (they stop listening to invalidations and refuse later calls); later {@link
   * #getCache} calls throw {@link IllegalStateException}. Idempotent. Does not close the remote
   * store, channel or lock.
   */
  @Override
  public void close() {
    creation.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      caches.values().forEach(cache -> cache.getNativeCache().close());
    } finally {
      creation.unlock();
    }
  }

  private CascadeCache create(String name) {
    creation.lock();
    try {
      requireOpen();
      CascadeCache cache = caches.get(name);
      if (cache == null) {
        cache = build(name);
        caches.put(name, cache);
      }
      return cache;
    } finally {
      creation.unlock();
    }
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the cache manager is closed");
    }
  }

  @SuppressWarnings("unchecked")
  private CascadeCache build(String name) {
    CascadeCacheSpec spec = defaults.copy();
    Consumer<CascadeCacheSpec> configurer = configured.get(name);
    if (configurer != null) {
      configurer.accept(spec);
    }
    CacheBuilder<Object, Object> builder = Cache.builder(name);
    Duration localTtl = spec.localTtl();
    builder.inMemory(
        m -> {
          m.maximumSize(spec.maximumSize());
          if (localTtl != null) {
            m.ttl(localTtl);
          }
        });
    if (store != null && spec.layered()) {
      Codec<?> codec = spec.valueCodec();
      if (codec == null) {
        throw new IllegalStateException(
            "cache '" + name + "' is layered over a remote store but has no value type: set one"
                + " (spec.valueType(Type.class), or cascade.caches." + name + ".value-type), or keep it"
                + " in process (layered(false)); Cascade never falls back to Java serialization");
      }
      builder.tier(store).keyCodec(SPRING_KEYS).valueCodec((Codec<Object>) codec);
      if (channel != null) {
        builder.invalidation(channel);
      }
      if (stampede != null) {
        builder.stampede(stampede);
      }
    }
    Duration ttl = spec.ttl();
    if (ttl != null) {
      builder.ttl(ttl);
    }
    if (spec.ttlJitter() > 0) {
      builder.ttlJitter(spec.ttlJitter());
    }
    Duration nullTtl = spec.nullTtl();
    if (nullTtl != null) {
      builder.nullTtl(nullTtl);
    }
    for (CascadeCacheCustomizer customizer : customizers) {
      customizer.customize(name, builder);
    }
    Cache<Object, Object> cache = builder.build();
    try {
      for (CascadeCacheCustomizer customizer : customizers) {
        customizer.created(cache);
      }
    } catch (RuntimeException e) {
      cache.close();
      throw e;
    }
    return new CascadeCache(cache, nullTtl != null, spec.tags());
  }

  @Override
  public String toString() {
    return "CascadeCacheManager[" + (store == null ? "in-process" : "layered") + ", caches=" + caches.keySet() + "]";
  }

  /**
   * Options of a {@link CascadeCacheManager}. Mutable and not thread-safe; {@link #remote}, {@link
   * #invalidation}, {@link #stampede}, {@link #defaults} and {@link #unknownCaches} may each be set
   * once (a second call throws {@link IllegalStateException}); {@link #cache} and {@link
   * #customizer} are additive.
   */
  public static final class Builder {
    private final CascadeCacheSpec defaults = new CascadeCacheSpec();
    private boolean defaultsSet;
    private final Map<String, Consumer<CascadeCacheSpec>> configured = new LinkedHashMap<>();
    private @Nullable RemoteStore store;
    private @Nullable InvalidationChannel channel;
    private @Nullable Stampede stampede;
    private @Nullable UnknownCaches unknownCachesSet;
    private UnknownCaches unknownCaches = UnknownCaches.CREATE;
    private final List<CascadeCacheCustomizer> customizers = new ArrayList<>();

    private Builder() {}

    /** Sets the settings every cache starts from. */
    public Builder defaults(Consumer<CascadeCacheSpec> defaults) {
      Objects.requireNonNull(defaults, "defaults");
      requireUnset(defaultsSet, "defaults");
      defaultsSet = true;
      defaults.accept(this.defaults);
      return this;
    }

    /**
     * Names a cache and adjusts its settings, starting from the defaults; built by {@link #build()}.
     * Additive; a second call for one name adds to the first.
     */
    public Builder cache(String name, Consumer<CascadeCacheSpec> spec) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(spec, "spec");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("a cache name must not be empty");
      }
      configured.merge(name, spec, Consumer::andThen);
      return this;
    }

    /** Names caches built with the defaults alone. */
    public Builder cacheNames(String... names) {
      for (String name : names) {
        cache(name, spec -> {});
      }
      return this;
    }

    /**
     * Layers every cache (unless its spec says otherwise) over {@code store}, such as {@code
     * RedisBackend.store()}. The manager does not close it.
     */
    public Builder remote(RemoteStore store) {
      requireUnset(this.store != null, "remote");
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Keeps the layered caches' in-process tiers coherent across instances through {@code channel},
     * such as {@code RedisBackend.invalidation()}.
     */
    public Builder invalidation(InvalidationChannel channel) {
      requireUnset(this.channel != null, "invalidation");
      this.channel = Objects.requireNonNull(channel, "channel");
      return this;
    }

    /**
     * Sets the layered caches' stampede protection, such as {@code
     * Stampede.distributed(backend.stampedeLock())} (default: single-flight in this JVM).
     */
    public Builder stampede(Stampede stampede) {
      requireUnset(this.stampede != null, "stampede");
      this.stampede = Objects.requireNonNull(stampede, "stampede");
      return this;
    }

    /** Sets what happens to names the manager was not configured with (default {@code CREATE}). */
    public Builder unknownCaches(UnknownCaches unknownCaches) {
      requireUnset(unknownCachesSet != null, "unknownCaches");
      this.unknownCachesSet = Objects.requireNonNull(unknownCaches, "unknownCaches");
      this.unknownCaches = unknownCaches;
      return this;
    }

    /** Adds a customizer of every cache's builder. Additive, applied in the order added. */
    public Builder customizer(CascadeCacheCustomizer customizer) {
      customizers.add(Objects.requireNonNull(customizer, "customizer"));
      return this;
    }

    /**
     * Returns the manager, with the caches named by {@link #cache} built.
     *
     * @throws IllegalStateException if an invalidation channel or stampede lease is set without a
     *     remote store, or a named cache cannot be built
     */
    public CascadeCacheManager build() {
      if (store == null && (channel != null || stampede != null)) {
        throw new IllegalStateException("an invalidation channel or stampede setting needs a remote store");
      }
      CascadeCacheManager manager = new CascadeCacheManager(this);
      try {
        for (String name : configured.keySet()) {
          manager.create(name);
        }
      } catch (RuntimeException e) {
        manager.close();
        throw e;
      }
      return manager;
    }

    private static void requireUnset(boolean set, String option) {
      if (set) {
        throw new IllegalStateException(option + " was already set");
      }
    }
  }
}
