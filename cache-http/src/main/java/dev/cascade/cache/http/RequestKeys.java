package dev.cascade.cache.http;

import dev.cascade.cache.spi.KeyBytes;
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
    Map<String, List<QueryPart>> parameters = new TreeMap<>();
    Map<String, QueryPart> names = new TreeMap<>();
    parseQuery(request.getQueryString())
        .forEach(
            (name, values) -> {
              parameters.put(name.keyForm(), values);
              names.put(name.keyForm(), name);
            });
    boolean first = true;
    for (Map.Entry<String, List<QueryPart>> parameter : parameters.entrySet()) {
      QueryPart name = names.get(parameter.getKey());
      // a name not sent as well-formed UTF-8 is no configured name: included unless only listed ones are
      boolean included =
          route.queryParams() != null
              ? !name.asSent() && route.queryParams().contains(name.text())
              : name.asSent() || !route.ignoredQueryParams().contains(name.text());
      if (!included) {
        continue;
      }
      for (QueryPart value : parameter.getValue()) {
        if (!first) {
          key.append('&');
        }
        first = false;
        key.append(parameter.getKey()).append('=').append(value.keyForm());
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
   * A query name or value: its decoded text, or, when it is not well-formed percent-encoded UTF-8
   * ({@code %ZZ}, {@code %FF}), the text as sent. Its key form tells the two apart: the decoded text
   * percent-encoded, or {@code !} and the text as sent percent-encoded ({@code !} is never in a
   * percent-encoded text), so that {@code %ZZ} and {@code %25ZZ}, or {@code %FF} and {@code %FE},
   * never share a key.
   */
  record QueryPart(String text, boolean asSent) {
    String keyForm() {
      return asSent ? "!" + encode(text) : encode(text);
    }
  }

  /**
   * Parses a raw query string into names and values, in order ({@code +} is a space, as in a form).
   * Only the query counts: a {@code GET} key never depends on a form body.
   */
  static Map<QueryPart, List<QueryPart>> parseQuery(@Nullable String query) {
    if (query == null || query.isEmpty()) {
      return Map.of();
    }
    Map<QueryPart, List<QueryPart>> parsed = new java.util.LinkedHashMap<>();
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      QueryPart name = decode(eq < 0 ? pair : pair.substring(0, eq));
      QueryPart value = decode(eq < 0 ? "" : pair.substring(eq + 1));
      parsed.computeIfAbsent(name, n -> new java.util.ArrayList<>()).add(value);
    }
    return parsed;
  }

  /** Decodes {@code text} strictly: percent-escapes and {@code +} into UTF-8 bytes, which must be well-formed. */
  private static QueryPart decode(String text) {
    if (KeyBytes.hasUnpairedSurrogate(text)) {
      return new QueryPart(text, true); // no UTF-8 for it: kept as sent
    }
    if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
      return new QueryPart(text, false);
    }
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%') {
        int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(text.charAt(i + 2), 16);
        if (low < 0) {
          return new QueryPart(text, true);
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else {
        // characters the client sent unescaped, up to the next escape: their own UTF-8
        int end = i + 1;
        while (end < text.length() && text.charAt(end) != '%' && text.charAt(end) != '+') {
          end++;
        }
        bytes.writeBytes(text.substring(i, end).getBytes(StandardCharsets.UTF_8));
        i = end - 1;
      }
    }
    try {
      String decoded =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
              .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()))
              .toString();
      return new QueryPart(decoded, false);
    } catch (java.nio.charset.CharacterCodingException e) {
      return new QueryPart(text, true);
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
