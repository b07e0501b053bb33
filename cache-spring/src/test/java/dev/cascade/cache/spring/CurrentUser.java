package dev.cascade.cache.spring;

/** The authenticated user of the calling thread, as a security context would hold it. */
final class CurrentUser {
  private static final ThreadLocal<String> USER = new ThreadLocal<>();

  private CurrentUser() {}

  static String get() {
    return USER.get();
  }

  static void set(String user) {
    USER.set(user);
  }

  static void clear() {
    USER.remove();
  }
}
