package dev.cascade.cache.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Small HTTP helpers: header parsing, entity tags. Stateless and thread-safe. */
final class Http {
  /** Headers that describe one connection or one message, never the stored representation. */
  static final Set<String> NOT_STORED =
      Set.of(
          "set-cookie", "date", "age", "content-length", "transfer-encoding", "connection", "keep-alive",
          "proxy-connection", "te", "trailer", "upgrade", "server", "x-cascade-cache");

  /** Headers a 304 repeats from the stored response (RFC 9110, 15.4.5), besides ETag. */
  static final Set<String> NOT_MODIFIED_HEADERS =
      Set.of("cache-control", "content-location", "expires", "vary");

  static final String CACHE_STATUS = "X-Cascade-Cache";

  private Http() {}

  /** Returns the lower-case directive names of comma-separated {@code values} (arguments dropped). */
  static List<String> directives(@Nullable Iterable<String> values) {
    List<String> directives = new ArrayList<>();
    if (values == null) {
      return directives;
    }
    for (String value : values) {
      for (String part : value.split(",")) {
        String directive = part.trim();
        int eq = directive.indexOf('=');
        if (eq >= 0) {
          directive = directive.substring(0, eq).trim();
        }
        if (!directive.isEmpty()) {
          directives.add(directive.toLowerCase(Locale.ROOT));
        }
      }
    }
    return directives;
  }

  /** Returns the strong entity tag of {@code body}: a truncated SHA-256, the same on every instance. */
  static String etag(byte[] body) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
      return "\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(digest, 18)) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Whether {@code ifNoneMatch} (a header value, possibly several) matches {@code etag}, weakly. */
  static boolean matches(@Nullable Iterable<String> ifNoneMatch, String etag) {
    if (ifNoneMatch == null || etag.isEmpty()) {
      return false;
    }
    String opaque = opaque(etag);
    for (String value : ifNoneMatch) {
      for (String candidate : value.split(",")) {
        String tag = candidate.trim();
        if (tag.equals("*") || (!tag.isEmpty() && opaque(tag).equals(opaque))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String opaque(String tag) {
    return tag.startsWith("W/") ? tag.substring(2) : tag;
  }
}
