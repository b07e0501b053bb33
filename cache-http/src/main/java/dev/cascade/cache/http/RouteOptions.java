package dev.cascade.cache.http;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The rules of one route, set inside {@link HttpResponseCache.Builder#route}: how long its
 * responses live, the namespace they are cleared with, what of the request makes up the key, who
 * the caller is, and which tags entries carry.
 *
 * <pre>{@code
 * .route("/products/{id}", r -> r.ttl(Duration.ofMinutes(5))
 *     .namespace("products")
 *     .queryParams("lang")               // only ?lang= is part of the key
 *     .tags("product:{id}"))             // invalidateTag("product:42") clears it
 * }</pre>
 *
 * <p>Mutable and not thread-safe: used only while the builder runs. Each option may be set once
 * (a second call throws {@link IllegalStateException}); a bad value throws {@link
 * IllegalArgumentException} naming it. Defaults: TTL of the builder's {@link
 * HttpResponseCache.Builder#defaultTtl}, namespace {@code "default"}, every query parameter and no
 * request header in the key, no user, no tags, statuses 200, 203, 204, 301 and 308 stored.
 */
public final class RouteOptions {
  private static final Set<Integer> DEFAULT_STATUSES = Set.of(200, 203, 204, 301, 308);

  private @Nullable Duration ttl;
  private @Nullable String namespace;
  private @Nullable List<String> queryParams;
  private @Nullable List<String> ignoredQueryParams;
  private @Nullable List<String> headers;
  private @Nullable UserKey userKey;
  private @Nullable List<String> tags;
  private @Nullable Set<Integer> extraStatuses;
  private @Nullable Integer maxBodyBytes;
  private boolean storePrivate;

  RouteOptions() {}

  /**
   * Sets how long a stored response of this route lives.
   *
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  public RouteOptions ttl(Duration ttl) {
    Objects.requireNonNull(ttl, "ttl");
    requireUnset(this.ttl, "ttl");
    if (ttl.isZero() || ttl.isNegative()) {
      throw new IllegalArgumentException("ttl must be positive: " + ttl);
    }
    this.ttl = ttl;
    return this;
  }

  /**
   * Sets the namespace of this route's entries; {@link HttpResponseCache#invalidateNamespace}
   * clears a namespace on every instance. Several routes may share one.
   *
   * @throws IllegalArgumentException if {@code namespace} is empty or contains {@code |}
   */
  public RouteOptions namespace(String namespace) {
    Objects.requireNonNull(namespace, "namespace");
    requireUnset(this.namespace, "namespace");
    if (namespace.isEmpty() || namespace.indexOf('|') >= 0) {
      throw new IllegalArgumentException("namespace must be non-empty and without '|': '" + namespace + "'");
    }
    this.namespace = namespace;
    return this;
  }

  /**
   * Makes only the query parameters {@code names} part of the key; the others are ignored (two URLs
   * that differ only in them share an entry). Exclusive with {@link #ignoreQueryParams}.
   */
  public RouteOptions queryParams(String... names) {
    requireUnset(this.queryParams, "queryParams");
    if (ignoredQueryParams != null) {
      throw new IllegalStateException("queryParams and ignoreQueryParams exclude each other");
    }
    this.queryParams = names(names, "query parameter", false);
    return this;
  }

  /**
   * Makes every query parameter but {@code names} part of the key (e.g. tracking parameters).
   * Exclusive with {@link #queryParams}.
   */
  public RouteOptions ignoreQueryParams(String... names) {
    requireUnset(this.ignoredQueryParams, "ignoreQueryParams");
    if (queryParams != null) {
      throw new IllegalStateException("queryParams and ignoreQueryParams exclude each other");
    }
    this.ignoredQueryParams = names(names, "query parameter", false);
    return this;
  }

  /**
   * Makes the request headers {@code names} part of the key (case-insensitive names; values
   * trimmed). A response's own {@code Vary} splits entries too, without being listed here.
   */
  public RouteOptions headers(String... names) {
    requireUnset(this.headers, "headers");
    this.headers = names(names, "header", true);
    return this;
  }

  /**
   * Keeps this route's entries per user: {@code userKey} names the caller, and its name becomes part
   * of the key. Only such a route caches requests that carry {@code Authorization} or a session.
   */
  public RouteOptions perUser(UserKey userKey) {
    Objects.requireNonNull(userKey, "userKey");
    requireUnset(this.userKey, "perUser");
    this.userKey = userKey;
    return this;
  }

  /**
   * Sets the tags of this route's entries; {@code {name}} in a tag is replaced by the path variable
   * of that name ({@code "product:{id}"}). {@link HttpResponseCache#invalidateTag} clears them.
   *
   * @throws IllegalArgumentException if a tag is empty or names a variable the pattern lacks
   *     (checked when the route is added)
   */
  public RouteOptions tags(String... tags) {
    requireUnset(this.tags, "tags");
    List<String> list = new ArrayList<>();
    for (String tag : tags) {
      Objects.requireNonNull(tag, "tags contains null");
      if (tag.isEmpty()) {
        throw new IllegalArgumentException("a tag must not be empty");
      }
      list.add(tag);
    }
    this.tags = List.copyOf(list);
    return this;
  }

  /**
   * Also stores responses with these statuses (by default only 200, 203, 204, 301 and 308 are
   * stored; errors never are), e.g. {@code 404} for a catalogue with many misses.
   *
   * @throws IllegalArgumentException if a status is not between 100 and 599, or is 206 or 304
   */
  public RouteOptions alsoCacheStatuses(int... statuses) {
    requireUnset(this.extraStatuses, "alsoCacheStatuses");
    Set<Integer> set = new TreeSet<>();
    for (int status : statuses) {
      if (status < 100 || status > 599 || status == 206 || status == 304) {
        throw new IllegalArgumentException("cannot cache status " + status);
      }
      set.add(status);
    }
    this.extraStatuses = Set.copyOf(set);
    return this;
  }

  /**
   * Sets this route's largest stored body; bigger responses pass through uncached (default: the
   * builder's {@link HttpResponseCache.Builder#maxBodyBytes}).
   *
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public RouteOptions maxBodyBytes(int bytes) {
    requireUnset(this.maxBodyBytes, "maxBodyBytes");
    if (bytes < 0) {
      throw new IllegalArgumentException("maxBodyBytes must not be negative: " + bytes);
    }
    this.maxBodyBytes = bytes;
    return this;
  }

  /**
   * Stores responses marked {@code Cache-Control: private} in their user's own entry. Without this
   * call a {@code private} response is never stored. Needs {@link #perUser}: a private response is
   * never shared between users.
   */
  public RouteOptions storePrivatePerUser() {
    if (storePrivate) {
      throw new IllegalStateException("storePrivatePerUser is already set");
    }
    storePrivate = true;
    return this;
  }

  Route build(PathPattern pattern, Duration defaultTtl, int defaultMaxBody) {
    if (storePrivate && userKey == null) {
      throw new IllegalStateException("route " + pattern + ": storePrivatePerUser needs perUser(...)");
    }
    List<String> tagList = tags == null ? List.of() : tags;
    for (String tag : tagList) {
      int open = tag.indexOf('{');
      while (open >= 0) {
        int close = tag.indexOf('}', open);
        if (close < 0 || !pattern.toString().contains(tag.substring(open, close + 1))) {
          throw new IllegalArgumentException("route " + pattern + ": tag '" + tag + "' names no path variable of the pattern");
        }
        open = tag.indexOf('{', close);
      }
    }
    Set<Integer> statuses = new TreeSet<>(DEFAULT_STATUSES);
    if (extraStatuses != null) {
      statuses.addAll(extraStatuses);
    }
    return new Route(
        pattern,
        ttl == null ? defaultTtl : ttl,
        namespace == null ? "default" : namespace,
        queryParams == null ? null : Set.copyOf(queryParams),
        ignoredQueryParams == null ? Set.of() : Set.copyOf(ignoredQueryParams),
        headers == null ? List.of() : headers,
        userKey,
        tagList,
        Set.copyOf(statuses),
        maxBodyBytes == null ? defaultMaxBody : maxBodyBytes,
        storePrivate);
  }

  private static List<String> names(String[] names, String what, boolean lowerCase) {
    Set<String> sorted = new TreeSet<>();
    for (String name : names) {
      Objects.requireNonNull(name, what + " names contain null");
      if (name.isBlank()) {
        throw new IllegalArgumentException("a " + what + " name must not be blank");
      }
      sorted.add(lowerCase ? name.trim().toLowerCase(Locale.ROOT) : name);
    }
    return List.copyOf(sorted);
  }

  private static void requireUnset(@Nullable Object value, String option) {
    if (value != null) {
      throw new IllegalStateException(option + " is already set");
    }
  }
}
