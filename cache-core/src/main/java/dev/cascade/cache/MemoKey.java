package dev.cascade.cache;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The key under which a memoized function's result is cached in a shared {@link Cache}: the
 * function's name and all its arguments. The standard key codec encodes it stably as {@code
 * r:dev.cascade.cache.MemoKey(name,a:[arg1,arg2])} (each argument in its own typed form, such as
 * {@code l:42} for a {@code long}), so the same call finds the same entry in every JVM.
 *
 * @param function the function's name (with any prefix)
 * @param arguments the call's arguments, in order; may hold {@code null}
 */
public record MemoKey(String function, List<@Nullable Object> arguments) {

  public MemoKey {
    Objects.requireNonNull(function, "function");
    arguments = Collections.unmodifiableList(Arrays.asList(arguments.toArray()));
  }

  /** Returns the key of {@code function} called with {@code arguments}. */
  public static MemoKey of(String function, @Nullable Object... arguments) {
    return new MemoKey(function, Arrays.asList(arguments));
  }
}
