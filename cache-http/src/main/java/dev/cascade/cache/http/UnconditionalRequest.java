package dev.cascade.cache.http;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The request a handler sees when its answer is to be stored: without the client's validators
 * ({@code If-None-Match}, {@code If-Modified-Since}), so that a handler that evaluates them itself
 * answers with the whole representation, not a {@code 304} that could not be stored. The filter
 * answers the client's validators itself afterwards. Used by one request's thread; not
 * thread-safe.
 */
final class UnconditionalRequest extends HttpServletRequestWrapper {
  private static final Set<String> HIDDEN = Set.of("if-none-match", "if-modified-since");

  UnconditionalRequest(HttpServletRequest request) {
    super(request);
  }

  private static boolean hidden(String name) {
    return HIDDEN.contains(name.toLowerCase(Locale.ROOT));
  }

  @Override
  public @Nullable String getHeader(String name) {
    return hidden(name) ? null : super.getHeader(name);
  }

  @Override
  public Enumeration<String> getHeaders(String name) {
    return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
  }

  @Override
  public Enumeration<String> getHeaderNames() {
    List<String> names = Collections.list(super.getHeaderNames());
    names.removeIf(UnconditionalRequest::hidden);
    return Collections.enumeration(names);
  }

  @Override
  public long getDateHeader(String name) {
    return hidden(name) ? -1 : super.getDateHeader(name);
  }

  @Override
  public int getIntHeader(String name) {
    return hidden(name) ? -1 : super.getIntHeader(name);
  }
}
