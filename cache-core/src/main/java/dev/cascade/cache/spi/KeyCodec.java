package dev.cascade.cache.spi;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;

/**
 * Turns a cache key into the string that, after the cache's prefix, names it in a remote store. Two
 * different keys of one cache must give two different strings; the string must be stable across
 * JVMs and releases (no {@code hashCode}, no default {@code toString} of arbitrary objects).
 *
 * <p>{@link #standard()} handles strings, numbers, UUIDs, booleans, characters, enums, lists and
 * records of those (recursively). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface KeyCodec<K> {

  /**
   * Returns the stable string form of {@code key}.
   *
   * @throws IllegalArgumentException if the key's type is not supported
   */
  String encode(K key);

  /**
   * Returns the standard codec. Strings are used as they are; numbers, UUIDs, booleans and
   * characters by their canonical string; enums as {@code Type.NAME}; lists as {@code [a,b]};
   * records as {@code Type(component,component)} with each component encoded by these rules, {@code
   * null} components as {@code \0} and {@code \ , ( ) [ ]} in nested strings escaped, so that
   * distinct records never collide.
   */
  @SuppressWarnings("unchecked")
  static <K> KeyCodec<K> standard() {
    return (KeyCodec<K>) StandardKeyCodec.INSTANCE;
  }
}

enum StandardKeyCodec implements KeyCodec<Object> {
  INSTANCE;

  @Override
  public String encode(Object key) {
    StringBuilder out = new StringBuilder();
    append(out, key, false);
    return out.toString();
  }

  private static void append(StringBuilder out, Object key, boolean nested) {
    if (key instanceof String string) {
      if (nested) {
        escape(out, string);
      } else {
        out.append(string);
      }
    } else if (key instanceof Integer
        || key instanceof Long
        || key instanceof Short
        || key instanceof Byte
        || key instanceof BigInteger
        || key instanceof Boolean
        || key instanceof UUID) {
      out.append(key);
    } else if (key instanceof BigDecimal decimal) {
      out.append(decimal.stripTrailingZeros().toPlainString());
    } else if (key instanceof Character character) {
      escape(out, character.toString());
    } else if (key instanceof Enum<?> constant) {
      out.append(constant.getDeclaringClass().getSimpleName()).append('.').append(constant.name());
    } else if (key instanceof java.util.List<?> list) {
      out.append('[');
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        Object element = list.get(i);
        if (element == null) {
          out.append("\\0");
        } else {
          append(out, element, true);
        }
      }
      out.append(']');
    } else if (key instanceof Record record) {
      out.append(record.getClass().getSimpleName()).append('(');
      RecordComponent[] components = record.getClass().getRecordComponents();
      for (int i = 0; i < components.length; i++) {
        if (i > 0) {
          out.append(',');
        }
        Object value;
        try {
          components[i].getAccessor().setAccessible(true);
          value = components[i].getAccessor().invoke(record);
        } catch (ReflectiveOperationException | RuntimeException e) {
          throw new IllegalArgumentException(
              "cannot read component " + components[i].getName() + " of key " + record, e);
        }
        if (value == null) {
          out.append("\\0");
        } else {
          append(out, value, true);
        }
      }
      out.append(')');
    } else {
      throw new IllegalArgumentException(
          "no stable key form for "
              + key.getClass().getName()
              + " (key "
              + key
              + "): use a String, number, UUID, enum or record key, or give the builder a KeyCodec");
    }
  }

  private static void escape(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\' || c == ',' || c == '(' || c == ')' || c == '[' || c == ']') {
        out.append('\\');
      }
      out.append(c);
    }
  }
}
