package dev.cascade.cache.http;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Builds canonical cache keys: {@code <namespace>|<scheme>://<host>:<port>|<path>?<query>|h:<headers>|u:<user>}
 * (the path as the container decoded it; without {@code includeHost}, {@code <scheme>} alone in
 * place of the origin), and for a response that varies, that key plus {@code |v:<headers>}. Query parameters are sorted by
 * name (the values of a repeated parameter keep their order, which may carry meaning); every name
 * and value is percent-encoded, so no caller-supplied text can forge a separator; the user's name
 * is SHA-256 hashed. Stateless and thread-safe.
 */
final class RequestKeys {
  private RequestKeys() {}

  /** Returns the key of {@code request} under {@code route}, for the caller named {@code user}. */
  static String base(Route route, HttpServletRequest request, String path, boolean includeHost, @Nullable String user) {
    StringBuilder key = new StringBuilder(128);
    // The origin: http://h/x may redirect to https://h/x, and :8080 answer otherwise than :8443.
    key.append(route.namespace()).append('|').append(encode(request.getScheme().toLowerCase(Locale.ROOT)));
    if (includeHost) {
      key.append("://").append(encode(request.getServerName().toLowerCase(Locale.ROOT)))
          .append(':').append(request.getServerPort());
    }
    key.append('|').append(encode(path)).append('?'); // decoded by the container: a '?' or '|' in it stays data
    query(key, route, request);
    key.append("|h:");
    headers(key, route.headers(), request);
    key.append("|u:").append(user == null ? "-" : sha256(user));
    return key.toString();
  }

  /** Returns the key of the variant of {@code base} that {@code request} selects by {@code vary}. */
  static String variant(String base, List<String> vary, HttpServletRequest request) {
    StringBuilder key = new StringBuilder(base.length() + 64).append(base).append("|v:");
    headers(key, vary, request);
    return key.toString();
  }

  /** Returns the values of header {@code name}, joined by commas, each trimmed with inner whitespace collapsed. */
  static String headerValue(HttpServletRequest request, String name) {
    List<String> values = Collections.list(request.getHeaders(name));
    StringBuilder joined = new StringBuilder();
    for (String value : values) {
      if (joined.length() > 0) {
        joined.append(',');
      }
      joined.append(value.trim().replaceAll("\\s+", " "));
    }
    return joined.toString();
  }

  private static void query(StringBuilder key, Route route, HttpServletRequest request) {
    Map<String, String[]> parameters = new TreeMap<>(parseQuery(request.getQueryString()));
    boolean first = true;
    for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
      String name = parameter.getKey();
      boolean included =
          route.queryParams() != null ? route.queryParams().contains(name) : !route.ignoredQueryParams().contains(name);
      if (!included) {
        continue;
      }
      for (String value : parameter.getValue()) {
        if (!first) {
          key.append('&');
        }
        first = false;
        key.append(encode(name)).append('=').append(encode(value));
      }
    }
  }

  private static void headers(StringBuilder key, List<String> names, HttpServletRequest request) {
    boolean first = true;
    for (String name : names) {
      if (!first) {
        key.append('&');
      }
      first = false;
      key.append(encode(name)).append('=').append(encode(headerValue(request, name)));
    }
  }

  /**
   * Parses a raw query string into decoded names and values, in order. Only the query counts: a
   * {@code GET} key never depends on a form body.
   */
  static Map<String, String[]> parseQuery(@Nullable String query) {
    if (query == null || query.isEmpty()) {
      return Map.of();
    }
    Map<String, java.util.ArrayList<String>> parsed = new java.util.LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      parsed.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
    }
    Map<String, String[]> result = new java.util.LinkedHashMap<>();
    parsed.forEach((name, values) -> result.put(name, values.toArray(String[]::new)));
    return result;
  }

  private static String decode(String text) {
    try {
      return java.net.URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // a malformed escape stays as sent: still one exact key, never a shared one
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
