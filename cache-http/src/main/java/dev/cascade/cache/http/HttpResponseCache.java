package dev.cascade.cache.http;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.InvalidationScope;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.spi.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * HTTP response caching on a Cascade cache: the routes whose {@code GET} and {@code HEAD} responses
 * are stored, the cache they are stored in (so L1, Redis, layering, tags, single-flight, the
 * distributed lease and metrics all apply), and the invalidations applications call. Its {@link
 * #filter()} is the servlet filter that does the work; see docs/http.md for the rules.
 *
 * <pre>{@code
 * HttpResponseCache http = HttpResponseCache.builder(
 *         Cache.<String, CachedResponse>builder("http")
 *             .inMemory(m -> m.maximumWeight(64 << 20, (key, response) -> response.weight())))
 *     .route("/stats", r -> r.ttl(Duration.ofSeconds(30)).namespace("stats"))
 *     .route("/products/{id}", r -> r.ttl(Duration.ofMinutes(5)).tags("product:{id}"))
 *     .route("/me/orders", r -> r.ttl(Duration.ofMinutes(1)).perUser(UserKey.principal()))
 *     .build();
 * servletContext.addFilter("cascade", http.filter()).addMappingForUrlPatterns(null, false, "/*");
 * http.invalidateNamespace("stats");           // on every instance sharing the cache
 * http.invalidateTag("product:42");
 * }</pre>
 *
 * <p>Namespaces and tags are the cache's tags ({@code ns:<namespace>}, {@code t:<tag>}), so
 * clearing one reaches every instance through the cache's remote tier and invalidation channel.
 * Thread-safe.
 */
public final class HttpResponseCache implements AutoCloseable {
  static final String NAMESPACE_TAG = "ns:";
  static final String USER_TAG = "t:";

  private final Cache<String, CachedResponse> cache;
  private final List<Route> routes;
  private final Ticker ticker;
  private final Duration passTtl;
  private final boolean includeHost;
  private final java.util.Set<String> credentialCookies;
  private final boolean honourRequestNoCache;
  private final AtomicLong invalidations;

  private HttpResponseCache(Builder builder, Cache<String, CachedResponse> cache, AtomicLong invalidations) {
    this.cache = cache;
    this.routes = List.copyOf(builder.routes);
    this.ticker = builder.ticker == null ? Ticker.system() : builder.ticker;
    this.passTtl = builder.passTtl;
    this.includeHost = builder.includeHost;
    this.credentialCookies = builder.credentialCookies;
    this.honourRequestNoCache = builder.honourRequestNoCache;
    this.invalidations = invalidations;
  }

  /**
   * Returns a builder of an HTTP response cache stored in the cache that {@code cache} builds. Set
   * tiers, stampede protection, the invalidation channel and listeners on {@code cache}; this
   * builder sets its value codec, its ticker and a listener of its own, so {@code cache} must not
   * have a value codec or a ticker yet. Do not set {@code earlyRefresh} or {@code
   * staleWhileRevalidate} on it: a handler can only run inside its own request, so the filter fails
   * their background refreshes.
   */
  public static Builder builder(CacheBuilder<String, CachedResponse> cache) {
    return new Builder(Objects.requireNonNull(cache, "cache"));
  }

  /** Returns a new servlet filter that serves the routes of this cache; map it to every path it may serve. */
  public ResponseCacheFilter filter() {
    return new ResponseCacheFilter(this);
  }

  /**
   * Makes every response stored under {@code namespace} unreadable, on every instance that shares the
   * cache's remote tier (and, for in-process copies, its invalidation channel).
   *
   * @throws dev.cascade.cache.CacheException if a remote tier could not be reached
   */
  public void invalidateNamespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    invalidations.incrementAndGet();
    cache.invalidateTag(NAMESPACE_TAG + namespace);
  }

  /**
   * Makes every response stored with {@code tag} (a route's {@link RouteOptions#tags}, variables
   * filled in) unreadable, on every instance as {@link #invalidateNamespace} does.
   *
   * @throws dev.cascade.cache.CacheException if a remote tier could not be reached
   */
  public void invalidateTag(String tag) {
    Objects.requireNonNull(tag, "tag");
    invalidations.incrementAndGet();
    cache.invalidateTag(USER_TAG + tag);
  }

  /**
   * Removes every stored response of this cache from every tier.
   *
   * @throws dev.cascade.cache.CacheException if a remote tier could not be reached
   */
  public void invalidateAll() {
    invalidations.incrementAndGet();
    cache.invalidateAll();
  }

  /** Returns the cache responses are stored in, for its statistics and inspection. */
  public Cache<String, CachedResponse> cache() {
    return cache;
  }

  /** Closes the cache (not its backend: that belongs to the application). */
  @Override
  public void close() {
    cache.close();
  }

  /** The first route whose pattern matches {@code path}, with its path variables. */
  record Match(Route route, Map<String, String> variables) {}

  @Nullable Match match(String path) {
    for (Route route : routes) {
      Map<String, String> variables = route.pattern().match(path);
      if (variables != null) {
        return new Match(route, variables);
      }
    }
    return null;
  }

  Ticker ticker() {
    return ticker;
  }

  Duration passTtl() {
    return passTtl;
  }

  boolean includeHost() {
    return includeHost;
  }

  java.util.Set<String> credentialCookies() {
    return credentialCookies;
  }

  boolean honourRequestNoCache() {
    return honourRequestNoCache;
  }

  /** Counts namespace, tag and whole-cache invalidations seen here or from other instances. */
  long invalidations() {
    return invalidations.get();
  }

  /**
   * Configures an {@link HttpResponseCache}. Mutable and not thread-safe; each option may be set
   * once (a second call throws {@link IllegalStateException}) except {@link #route}, which adds a
   * route each time; a bad value throws {@link IllegalArgumentException}.
   */
  public static final class Builder {
    private final CacheBuilder<String, CachedResponse> cache;
    private final List<Route> routes = new ArrayList<>();
    private final List<Map.Entry<String, Consumer<RouteOptions>>> routeOptions = new ArrayList<>();
    private @Nullable Ticker ticker;
    private Duration defaultTtl = Duration.ofMinutes(1);
    private Duration passTtl = Duration.ofSeconds(5);
    private int maxBodyBytes = 1 << 20;
    private boolean includeHost = true;
    private boolean honourRequestNoCache = true;
    private java.util.Set<String> credentialCookies = java.util.Set.of("JSESSIONID", "SESSION");
    private final java.util.Set<String> set = new java.util.HashSet<>();

    private Builder(CacheBuilder<String, CachedResponse> cache) {
      this.cache = cache;
    }

    /**
     * Adds a route: requests whose path (after the context path) matches {@code pattern} are cached
     * by {@code options}. Routes are tried in the order added; the first match wins, and a request
     * no route matches passes through. Patterns match segment by segment: {@code *} one segment,
     * {@code {name}} one segment captured for tags, a final {@code **} the rest.
     *
     * @throws IllegalArgumentException if {@code pattern} does not start with {@code /}
     */
    public Builder route(String pattern, Consumer<RouteOptions> options) {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(options, "options");
      PathPattern.parse(pattern);
      routeOptions.add(Map.entry(pattern, options));
      return this;
    }

    /** Sets the TTL of routes that set none (default one minute). */
    public Builder defaultTtl(Duration ttl) {
      once("defaultTtl");
      this.defaultTtl = Checks.requirePositive(ttl, "defaultTtl");
      return this;
    }

    /**
     * Sets how long a request whose response could not be stored (an error, {@code no-store}, a
     * cookie, too big, streamed) lets later requests for the same key go straight to the handler,
     * without waiting for one another (default 5 s).
     */
    public Builder passTtl(Duration ttl) {
      once("passTtl");
      this.passTtl = Checks.requirePositive(ttl, "passTtl");
      return this;
    }

    /** Sets the largest body stored (default 1 MiB); routes may set their own. */
    public Builder maxBodyBytes(int bytes) {
      once("maxBodyBytes");
      if (bytes < 0) {
        throw new IllegalArgumentException("maxBodyBytes must not be negative: " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Sets whether the request's host name and port are part of every key (default {@code true}, so
     * that virtual hosts and ports never share entries). Turn it off only when every host and port
     * serves the same content. The scheme is part of every key either way.
     */
    public Builder includeHost(boolean includeHost) {
      once("includeHost");
      this.includeHost = includeHost;
      return this;
    }

    /**
     * Sets whether a request's {@code Cache-Control: no-cache} (or {@code Pragma: no-cache}) makes
     * the handler run and its answer replace the stored one (default {@code true}, as HTTP asks).
     * Such requests bypass single-flight, so any client can make the handler run at will; turn it
     * off where that matters more than a client's wish for a fresh answer.
     */
    public Builder honourRequestNoCache(boolean honour) {
      once("honourRequestNoCache");
      this.honourRequestNoCache = honour;
      return this;
    }

    /**
     * Sets the names of cookies that carry a session or credentials (default {@code JSESSIONID}
     * and {@code SESSION}, the servlet containers' and Spring Session's). A request with one of
     * them, like one with {@code Authorization}, is cached only on a {@link RouteOptions#perUser}
     * route that names its caller. A session the container knows counts whatever its cookie's name.
     */
    public Builder credentialCookies(String... names) {
      once("credentialCookies");
      java.util.Set<String> set = new java.util.HashSet<>();
      for (String name : names) {
        Objects.requireNonNull(name, "credentialCookies contains null");
        if (name.isEmpty()) {
          throw new IllegalArgumentException("a cookie name must not be empty");
        }
        set.add(name);
      }
      this.credentialCookies = java.util.Set.copyOf(set);
      return this;
    }

    /**
     * Sets the time source of the cache and of {@code Age} (default {@link Ticker#system()}); tests
     * inject a fake one. Set here, not on the cache builder, so that both read the same clock.
     */
    public Builder ticker(Ticker ticker) {
      once("ticker");
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Builds the cache and the response cache on it.
     *
     * @throws IllegalStateException if no route was added, if a route's options contradict each
     *     other, or if the cache builder refuses an option (a value codec or ticker already set)
     */
    public HttpResponseCache build() {
      if (routeOptions.isEmpty()) {
        throw new IllegalStateException("no route: add route(pattern, options)");
      }
      routes.clear();
      for (Map.Entry<String, Consumer<RouteOptions>> entry : routeOptions) {
        RouteOptions options = new RouteOptions();
        entry.getValue().accept(options);
        routes.add(options.build(PathPattern.parse(entry.getKey()), defaultTtl, maxBodyBytes));
      }
      AtomicLong invalidations = new AtomicLong();
      cache.valueCodec(CachedResponse.codec());
      if (ticker != null) {
        cache.ticker(ticker);
      }
      cache.eventListener(inspector -> new CacheEventListener() {
        @Override
        public void tierInvalidated(int tier, InvalidationScope scope, int count) {
          if (scope != InvalidationScope.KEY) {
            invalidations.incrementAndGet();
          }
        }

        @Override
        public void localFlushed() {
          invalidations.incrementAndGet();
        }
      });
      Cache<String, CachedResponse> built = cache.build();
      return new HttpResponseCache(this, built, invalidations);
    }

    private void once(String option) {
      if (!set.add(option)) {
        throw new IllegalStateException(option + " is already set");
      }
    }
  }
}
