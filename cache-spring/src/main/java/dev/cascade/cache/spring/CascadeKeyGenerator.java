package dev.cascade.cache.spring;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.cache.interceptor.KeyGenerator;

/**
 * A {@link KeyGenerator} whose keys a remote tier can store: Spring's default {@code
 * SimpleKeyGenerator} wraps several arguments in a {@code SimpleKey}, which has no stable string
 * form, so a layered Cascade cache refuses it. This one gives a method of one argument that is
 * neither a list nor an array that argument itself (as Spring's does), and any other method the
 * unmodifiable list of its arguments (arrays as lists), so {@code f(a, b)}, {@code f(List.of(a,
 * b))} and {@code f()} give three different keys. Arguments must be of types {@code
 * KeyCodec.standard()} encodes (strings, numbers, UUIDs, enums, records, lists) for a layered cache.
 *
 * <p>Like Spring's default, the key does not name the method: methods sharing a cache share keys.
 * Stateless and thread-safe.
 */
public final class CascadeKeyGenerator implements KeyGenerator {

  /** Creates the generator. */
  public CascadeKeyGenerator() {}

  @Override
  public Object generate(Object target, Method method, @Nullable Object... params) {
    return key(params);
  }

  /** Returns the key of {@code params} by the rules above. */
  static Object key(@Nullable Object... params) {
    if (params.length == 1 && params[0] != null && !(params[0] instanceof List<?>) && !params[0].getClass().isArray()) {
      return params[0];
    }
    List<@Nullable Object> list = new ArrayList<>(params.length);
    for (Object param : params) {
      list.add(normalize(param));
    }
    return Collections.unmodifiableList(list);
  }

  private static @Nullable Object normalize(@Nullable Object param) {
    if (param == null || !param.getClass().isArray()) {
      return param;
    }
    int length = Array.getLength(param);
    Object[] elements = new Object[length];
    for (int i = 0; i < length; i++) {
      elements[i] = normalize(Array.get(param, i));
    }
    return Collections.unmodifiableList(Arrays.asList(elements));
  }
}
