package dev.cascade.cache.http;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Names the caller of a request, so that a route's entries are kept per user: the HTTP analogue of
 * the seed's {@code user_cache_key}. The name becomes part of the cache key (hashed with SHA-256,
 * so no user id is stored in clear); two requests share an entry only if their routes, keys and
 * user names are equal.
 *
 * <p>It must name the <em>authenticated</em> caller: a header or cookie is only as trustworthy as
 * the code that set it (an authenticating proxy or filter in front of the cache filter). Return
 * {@code null} for an anonymous request; a request that carries credentials ({@code Authorization}
 * or a session) and yet gets {@code null} passes through uncached. Implementations must be
 * thread-safe and must not read the request body.
 */
@FunctionalInterface
public interface UserKey {

  /** Returns the caller's name for {@code request}, or {@code null} if the request is anonymous. */
  @Nullable String of(HttpServletRequest request);

  /** Returns the key of {@link HttpServletRequest#getUserPrincipal()}'s name. */
  static UserKey principal() {
    return request -> {
      Principal principal = request.getUserPrincipal();
      return principal == null ? null : principal.getName();
    };
  }

  /** Returns the key of the request header {@code name} (set by an authenticating proxy or filter). */
  static UserKey header(String name) {
    Objects.requireNonNull(name, "name");
    return request -> {
      String value = request.getHeader(name);
      return value == null || value.isBlank() ? null : value.trim();
    };
  }

  /** Returns the key of the cookie {@code name}; its first occurrence counts. */
  static UserKey cookie(String name) {
    Objects.requireNonNull(name, "name");
    return request -> {
      Cookie[] cookies = request.getCookies();
      if (cookies != null) {
        for (Cookie cookie : cookies) {
          if (cookie.getName().equals(name) && !cookie.getValue().isEmpty()) {
            return cookie.getValue();
          }
        }
      }
      return null;
    };
  }
}
