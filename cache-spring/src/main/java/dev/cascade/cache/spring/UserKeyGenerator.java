package dev.cascade.cache.spring;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.interceptor.KeyGenerator;

/**
 * A {@link KeyGenerator} that puts the authenticated user into every key, so that a cached
 * per-user result is never served to another user (the Spring form of a per-user cache key
 * builder). The key is a {@link UserKey} of the user, the method ({@code declaring.Class.method})
 * and its arguments, which Cascade's standard key codec stores as a remote key.
 *
 * <p>The user comes from {@code currentUser}, asked on every call on the calling thread: with Spring
 * Security, {@code () -> SecurityContextHolder.getContext().getAuthentication().getName()}; in a
 * servlet application without it, the request's principal. When it returns {@code null} (no one is
 * authenticated) the generator throws, so an anonymous call never shares a key with anyone: give
 * anonymous endpoints another key generator.
 *
 * <pre>{@code
 * @Bean KeyGenerator perUser() { return UserKeyGenerator.of(() -> currentUserName()); }
 *
 * @Cacheable(cacheNames = "feed", keyGenerator = "perUser")
 * Feed feed(int page) { ... }
 * }</pre>
 *
 * <p>Thread-safe if {@code currentUser} is.
 */
public final class UserKeyGenerator implements KeyGenerator {
  private final Supplier<@Nullable String> currentUser;

  private UserKeyGenerator(Supplier<@Nullable String> currentUser) {
    this.currentUser = currentUser;
  }

  /** Returns a generator that asks {@code currentUser} for the user of each call. */
  public static UserKeyGenerator of(Supplier<@Nullable String> currentUser) {
    return new UserKeyGenerator(Objects.requireNonNull(currentUser, "currentUser"));
  }

  /**
   * Returns the key of this call: the current user, the method and the arguments.
   *
   * @throws IllegalStateException if there is no authenticated user
   */
  @Override
  public Object generate(Object target, Method method, @Nullable Object... params) {
    String user = currentUser.get();
    if (user == null) {
      throw new IllegalStateException(
          "no authenticated user for the per-user cache key of " + method.getName() + ": refusing to cache");
    }
    Object args = CascadeKeyGenerator.key(params);
    return new UserKey(
        user,
        method.getDeclaringClass().getName() + "." + method.getName(),
        args instanceof List<?> list ? list : List.of(args));
  }

  /**
   * The key of one user's call.
   *
   * @param user the authenticated user
   * @param method the method, as {@code declaring.Class.method}
   * @param args the call's arguments (arrays as lists)
   */
  public record UserKey(String user, String method, List<?> args) {}
}
