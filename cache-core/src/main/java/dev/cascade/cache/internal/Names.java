package dev.cascade.cache.internal;

import java.util.Objects;

/** The rule for cache names and key prefixes, the segments of {@code <prefix>:<cache>:<key>}. Stateless. */
public final class Names {
  private static final int MAX_NAME_LENGTH = 128;

  private Names() {}

  /**
   * Returns {@code name} if it has 1 to 128 characters and no {@code :}, whitespace or control
   * characters, so that no cache's namespace is the start of another's.
   *
   * @throws IllegalArgumentException naming {@code what} and the value otherwise
   */
  public static String check(String name, String what) {
    Objects.requireNonNull(name, what);
    if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          what + " must have 1 to " + MAX_NAME_LENGTH + " characters, was \"" + name + "\"");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == ':' || Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(
            what + " must not contain ':', whitespace or control characters, was \"" + name + "\"");
      }
    }
    return name;
  }
}
