package dev.cascade.examples.spring;

import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * The authenticated caller of the current request. The example trusts an {@code X-User} header to
 * stay short; a real service asks Spring Security ({@code
 * SecurityContextHolder.getContext().getAuthentication().getName()}).
 */
final class Caller {
  private Caller() {}

  /** Returns the caller's name, or {@code null} outside a request or without one. */
  static @Nullable String name() {
    return RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes request
        ? request.getRequest().getHeader("X-User")
        : null;
  }
}
