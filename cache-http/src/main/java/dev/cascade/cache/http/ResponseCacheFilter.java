package dev.cascade.cache.http;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The servlet filter of an {@link HttpResponseCache}: serves {@code GET} and {@code HEAD} requests
 * of its routes from the cache, runs the handler once per cold key (single-flight, and the
 * distributed lease if the cache has one), and stores what may be shared. Everything else passes
 * through untouched. Obtain one from {@link HttpResponseCache#filter()}; register it for {@code
 * REQUEST} dispatches, before filters that write the body. Thread-safe.
 *
 * <p>A request passes through, neither served from nor stored in the cache, when: it is not {@code
 * GET}/{@code HEAD} or matches no route; it says {@code Cache-Control: no-store}; or it carries
 * {@code Authorization} or a session (the container's, or a cookie named in {@link
 * HttpResponseCache.Builder#credentialCookies}) while its route has no {@link RouteOptions#perUser} key naming
 * its caller; or it has a {@code Range} header. A response is not stored when it sets a cookie, says {@code no-store}, {@code
 * no-cache} or {@code private} (unless {@link RouteOptions#storePrivatePerUser}), {@code Vary: *},
 * has a status the route does not store, outgrows the body limit, flushes (streams), goes async, or
 * was written by {@code sendError}/{@code sendRedirect}; nor, unless its key names the user, when the
 * request has a session once the handler returns (one it did not bring: the handler or a filter
 * created it, and its cookie may not be set yet). Headers that filters in front of this one set
 * before it ran are not stored (they set them again on every hit).
 */
public final class ResponseCacheFilter extends HttpFilter {
  private static final long serialVersionUID = 1L;

  /** How long a key passes through after a run that overlapped an invalidation. */
  private static final Duration OVERLAP_PASS_TTL = Duration.ofSeconds(1);

  private final transient HttpResponseCache owner;

  ResponseCacheFilter(HttpResponseCache owner) {
    this.owner = owner;
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String method = request.getMethod();
    boolean head = "HEAD".equals(method);
    if (!head && !"GET".equals(method)) {
      chain.doFilter(request, response);
      return;
    }
    String path = pathOf(request);
    HttpResponseCache.Match match = owner.match(path);
    if (match == null) {
      chain.doFilter(request, response);
      return;
    }
    Route route = match.route();
    List<String> requestDirectives = Http.directives(Collections.list(request.getHeaders("Cache-Control")));
    String user = route.userKey() == null ? null : route.userKey().of(request);
    boolean credentials = request.getHeader("Authorization") != null || hasSession(request);
    // A range request passes whole: a stored 200 would answer it, but a cold one must not leave a 206 behind.
    if (requestDirectives.contains("no-store") || (credentials && user == null) || request.getHeader("Range") != null) {
      response.setHeader(Http.CACHE_STATUS, "pass");
      chain.doFilter(request, response);
      return;
    }
    String base = RequestKeys.base(route, request, path, owner.includeHost(), user);
    Exchange exchange = new Exchange(request, response, chain, route, match.variables(), base, user != null);
    try {
      if (head) {
        exchange.serveHead();
      } else if (owner.honourRequestNoCache()
          && (requestDirectives.contains("no-cache")
              || (requestDirectives.isEmpty() && "no-cache".equalsIgnoreCase(request.getHeader("Pragma"))))) {
        exchange.revalidate();
      } else {
        exchange.serve();
      }
    } catch (HandlerFailure failure) {
      failure.rethrow();
    } finally {
      exchange.done = true;
    }
  }

  /**
   * Returns the request's path inside its context as the container decoded and normalised it (what
   * the handler sees), so that {@code /products/%34%32} is {@code /products/42}: one entry, and the
   * tag {@code product:42} reaches it.
   */
  private static String pathOf(HttpServletRequest request) {
    String servletPath = request.getServletPath();
    String pathInfo = request.getPathInfo();
    String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
    return path.isEmpty() ? "/" : path;
  }

  /** Whether the request names a session: the container's, or a cookie the builder lists as one. */
  private boolean hasSession(HttpServletRequest request) {
    if (request.getRequestedSessionId() != null) {
      return true;
    }
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie cookie : cookies) {
        if (owner.credentialCookies().contains(cookie.getName())) {
          return true;
        }
      }
    }
    return false;
  }

  /** One request on one route: looks up, leads a load or waits for one, and writes the answer. */
  private final class Exchange {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final FilterChain chain;
    private final Route route;
    private final Map<String, String> variables;
    private final String base;
    private final boolean namedUser;
    private final Cache<String, CachedResponse> cache;
    private boolean led;
    private @Nullable CapturingResponse capture;
    private byte @Nullable [] body;
    private @Nullable CachedResponse produced;
    private Map<String, List<String>> upstream = Map.of();
    /** What ends this request when its own client went away during the handler's run; never the waiters'. */
    private @Nullable Exception ownFailure;
    private final Thread thread = Thread.currentThread();
    volatile boolean done;

    Exchange(
        HttpServletRequest request,
        HttpServletResponse response,
        FilterChain chain,
        Route route,
        Map<String, String> variables,
        String base,
        boolean namedUser) {
      this.namedUser = namedUser;
      this.request = request;
      this.response = response;
      this.chain = chain;
      this.route = route;
      this.variables = variables;
      this.base = base;
      this.cache = owner.cache();
    }

    void serve() throws IOException, ServletException {
      CachedResponse entry = cache.get(base, route.ttl(), key -> load(key, null));
      if (led) {
        finishLead();
      } else if (entry == null || entry.kind() == CachedResponse.Kind.PASS) {
        pass();
      } else if (entry.kind() == CachedResponse.Kind.VARIANTS) {
        serveVariant(entry.vary());
      } else {
        write(entry, false);
      }
    }

    private void serveVariant(List<String> vary) throws IOException, ServletException {
      String key = RequestKeys.variant(base, vary, request);
      CachedResponse entry = cache.get(key, route.ttl(), k -> load(k, vary));
      if (led) {
        finishLead();
      } else if (entry != null && entry.kind() == CachedResponse.Kind.RESPONSE) {
        write(entry, false);
      } else {
        pass();
      }
    }

    /** A HEAD request: answered from a stored GET response, else passed to the handler (never stored). */
    void serveHead() throws IOException, ServletException {
      CachedResponse entry = cache.getIfPresent(base);
      if (entry != null && entry.kind() == CachedResponse.Kind.VARIANTS) {
        entry = cache.getIfPresent(RequestKeys.variant(base, entry.vary(), request));
      }
      if (entry != null && entry.kind() == CachedResponse.Kind.RESPONSE) {
        write(entry, true);
      } else {
        pass();
      }
    }

    /** {@code Cache-Control: no-cache}: runs the handler whatever is stored, and stores its answer. */
    void revalidate() throws IOException, ServletException {
      load(base, null);
      finishLead();
    }

    /**
     * Runs the handler for {@code key} (the base key, or a variant key chosen by {@code
     * markerVary}), stores what it produced under every key it belongs to, and returns the entry
     * for {@code key}. Every path stores something under {@code key}: that put moves the key's
     * epoch, so the cache never publishes the loader's return value itself, which would carry no
     * tags. Runs in this request's thread, as the cache's loader or directly.
     */
    private CachedResponse load(String key, @Nullable List<String> markerVary) {
      if (done || Thread.currentThread() != thread) {
        // A background refresh (earlyRefresh, staleWhileRevalidate on the cache): the request is over
        // and its objects may already serve another one. Fail the refresh; never touch them.
        throw new IllegalStateException(
            "the handler of " + request.getRequestURI() + " can only run inside its request: build the cache of an"
                + " HttpResponseCache without earlyRefresh and staleWhileRevalidate");
      }
      led = true;
      long invalidationsBefore = owner.invalidations();
      upstream = headersOf(response); // set by filters before this one: theirs, not the representation's
      response.setHeader(Http.CACHE_STATUS, "miss");
      CapturingResponse captured = new CapturingResponse(response, route.maxBodyBytes());
      capture = captured;
      try {
        chain.doFilter(new UnconditionalRequest(request), captured);
        body = captured.finish();
        if (body != null && request.isAsyncStarted()) {
          captured.passThrough();
          body = null;
        }
      } catch (IOException | ServletException | RuntimeException e) {
        if (captured.clientFailure() == null) {
          throw e instanceof RuntimeException runtime ? runtime : new HandlerFailure(e); // reaches every waiter
        }
        // This request's client went away during the run, and the run ended with an exception, which
        // may come from that: it is this request's own. The body may be cut short; the waiters run the
        // handler themselves (the pass marker below).
        ownFailure = e;
        body = null;
      }
      if (ownFailure == null) {
        ownFailure = captured.clientFailure(); // the run ended whole; only this request's client is gone
      }
      long now = owner.ticker().wallMillis();
      boolean current = owner.invalidations() == invalidationsBefore;
      CachedResponse stored = current ? storable(captured, body, now) : null;
      produced = stored;
      if (stored == null) {
        // Nothing to share; a marker lets the next requests skip the queue, and waiting ones run their own.
        // After an overlapping invalidation the marker is short: it only has to keep this run's answer
        // out of the cache (its put moves the key's epoch) and tell the waiters on other instances.
        CachedResponse pass = CachedResponse.pass(now);
        store(key, pass, current ? owner.passTtl() : shorter(owner.passTtl(), OVERLAP_PASS_TTL));
        return pass;
      }
      List<String> vary = stored.vary();
      if (vary.isEmpty()) {
        if (markerVary != null) {
          store(base, stored, route.ttl()); // the response stopped varying: the base key holds it again
        }
        store(key, stored, route.ttl());
        return stored;
      }
      String variantKey = RequestKeys.variant(base, vary, request);
      CachedResponse marker = CachedResponse.variants(vary, now);
      if (markerVary == null) {
        store(variantKey, stored, route.ttl());
        store(base, marker, route.ttl());
        return marker;
      }
      store(variantKey, stored, route.ttl());
      if (vary.equals(markerVary)) {
        return stored; // key is variantKey
      }
      store(base, marker, route.ttl());
      CachedResponse pass = CachedResponse.pass(now);
      store(key, pass, owner.passTtl());
      return pass;
    }

    private static Duration shorter(Duration a, Duration b) {
      return a.compareTo(b) <= 0 ? a : b;
    }

    private void store(String key, CachedResponse entry, Duration ttl) {
      List<String> tags = new ArrayList<>(1 + route.tags().size());
      tags.add(HttpResponseCache.NAMESPACE_TAG + route.namespace());
      for (String tag : route.tagsFor(variables)) {
        tags.add(HttpResponseCache.USER_TAG + tag);
      }
      try {
        cache.put(key, entry, ttl, tags.toArray(String[]::new));
      } catch (CacheException e) {
        // The response is still served; it is not cached (the tier's failure is counted by the cache).
      }
    }

    /** Returns the entry to store for what the handler wrote, or {@code null} if it must not be stored. */
    private @Nullable CachedResponse storable(CapturingResponse captured, byte @Nullable [] bytes, long now) {
      if (bytes == null || captured.passedThrough() || captured.cookieAdded()) {
        return null;
      }
      int status = response.getStatus();
      if (!route.statuses().contains(status)) {
        return null;
      }
      if (!response.getHeaders("Set-Cookie").isEmpty()) {
        return null;
      }
      // A request with a session passes through unless its route names the caller; so a session here
      // was created by this request (the handler, or a filter), and its cookie may come only at commit
      // (Spring Session) or never (sessions tracked by URL). What the handler wrote may be its state.
      if (!namedUser && request.getSession(false) != null) {
        return null;
      }
      List<String> directives = Http.directives(response.getHeaders("Cache-Control"));
      if (directives.contains("no-store") || directives.contains("no-cache")) {
        return null;
      }
      // private: only into the entry of a named user, never into the shared anonymous one
      if (directives.contains("private") && !(route.storePrivate() && namedUser)) {
        return null;
      }
      Set<String> vary = new TreeSet<>(Http.directives(response.getHeaders("Vary")));
      if (vary.contains("*")) {
        return null;
      }
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      String etag = null;
      Set<String> seen = new HashSet<>();
      String contentType = response.getContentType();
      if (contentType != null) {
        headers.add(Map.entry("Content-Type", contentType));
      }
      for (String name : response.getHeaderNames()) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (!seen.add(lower) || Http.NOT_STORED.contains(lower) || lower.equals("content-type")) {
          continue;
        }
        Collection<String> values = response.getHeaders(name);
        if (List.copyOf(values).equals(upstream.get(lower))) {
          continue; // an outer filter set it before the handler ran, and will again on every hit
        }
        if (lower.equals("etag")) {
          etag = values.isEmpty() ? null : values.iterator().next();
          continue;
        }
        for (String value : values) {
          headers.add(Map.entry(name, value));
        }
      }
      return new CachedResponse(
          CachedResponse.Kind.RESPONSE,
          status,
          headers,
          bytes,
          etag == null ? Http.etag(bytes) : etag,
          now,
          List.copyOf(vary));
    }

    /** Returns the headers {@code response} has now, by lower-case name. */
    private Map<String, List<String>> headersOf(HttpServletResponse response) {
      Collection<String> names = response.getHeaderNames();
      if (names.isEmpty()) {
        return Map.of();
      }
      Map<String, List<String>> headers = new java.util.HashMap<>();
      for (String name : names) {
        headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(response.getHeaders(name)));
      }
      return headers;
    }

    /**
     * Writes the leader's own response: it ran the handler, so it answers with what the handler wrote;
     * or, if its client went away during the run, ends with that failure.
     */
    private void finishLead() throws IOException, ServletException {
      Exception failure = ownFailure;
      if (failure instanceof IOException io) {
        throw io;
      } else if (failure instanceof ServletException servlet) {
        throw servlet;
      } else if (failure != null) {
        throw (RuntimeException) failure; // what load() keeps: one of these three
      }
      CapturingResponse captured = capture;
      byte[] bytes = body;
      if (captured == null || bytes == null || captured.passedThrough() || captured.sentEarly()) {
        return; // the handler's output went (or goes) to the client directly
      }
      CachedResponse stored = produced;
      if (stored != null) {
        response.setHeader("ETag", stored.etag());
        if (notModified(stored)) {
          response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
          return;
        }
      }
      response.setContentLength(bytes.length);
      response.getOutputStream().write(bytes);
    }

    /** Answers from a stored response: {@code 304} if the client has it (2xx only), else the whole response. */
    private void write(CachedResponse entry, boolean head) throws IOException {
      long age = Math.max(0, (owner.ticker().wallMillis() - entry.storedAtMillis()) / 1000);
      boolean notModified = notModified(entry);
      response.setStatus(notModified ? HttpServletResponse.SC_NOT_MODIFIED : entry.status());
      Set<String> set = new HashSet<>();
      for (Map.Entry<String, String> header : entry.headers()) {
        String lower = header.getKey().toLowerCase(Locale.ROOT);
        if (notModified && !Http.NOT_MODIFIED_HEADERS.contains(lower)) {
          continue;
        }
        if (set.add(lower)) {
          response.setHeader(header.getKey(), header.getValue());
        } else {
          response.addHeader(header.getKey(), header.getValue());
        }
      }
      response.setHeader("ETag", entry.etag());
      response.setHeader("Age", Long.toString(age));
      response.setHeader(Http.CACHE_STATUS, "hit");
      if (notModified) {
        return;
      }
      byte[] bytes = entry.bodyBytes();
      response.setContentLength(bytes.length);
      if (!head) {
        response.getOutputStream().write(bytes);
      }
    }

    /**
     * Whether the client's {@code If-None-Match} matches {@code entry}, which is then answered with
     * {@code 304}: only for a 2xx response (RFC 9110, 13.2.1), never for a stored redirect or 404.
     */
    private boolean notModified(CachedResponse entry) {
      return entry.status() >= 200 && entry.status() < 300
          && Http.matches(Collections.list(request.getHeaders("If-None-Match")), entry.etag());
    }

    private void pass() throws IOException, ServletException {
      response.setHeader(Http.CACHE_STATUS, "pass");
      chain.doFilter(request, response);
    }
  }

  /** A handler's checked exception on its way through the cache's loader, to be thrown as it was. */
  private static final class HandlerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HandlerFailure(Exception cause) {
      super(cause.getMessage(), cause, false, false);
    }

    void rethrow() throws IOException, ServletException {
      Throwable cause = getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof ServletException servlet) {
        throw servlet;
      }
      throw new UncheckedIOException(new IOException(cause));
    }
  }
}
