package dev.cascade.cache.spi;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * Turns a cache key into the string that, after the cache's prefix, names it in a remote store. Two
 * different keys of one cache (by {@code equals}) must give two different strings, and equal keys
 * the same string; the string must be stable across JVMs and releases (no {@code hashCode}, no
 * default {@code toString} of arbitrary objects).
 *
 * <p>{@link #standard()} handles strings, integral numbers, {@code BigDecimal}, UUIDs, booleans,
 * characters, enums, lists and records of those (recursively). Implementations must be
 * thread-safe.
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
   * Returns the key that {@link #encode} turns into {@code encoded}, when this codec can read it
   * back from the string alone, else {@code null}. A layered cache with an invalidation channel
   * uses it when another instance's message names a key (messages carry encoded keys): to find the
   * in-process copy without an index from encoded keys to keys (a key this codec {@linkplain
   * #canDecode can decode} takes no place in that index), and to discard only the fills in flight
   * of that key's epoch stripe instead of all of them. The default reads nothing back.
   *
   * <p>Rules, which the cache relies on and does not check: a non-null answer {@code k} satisfies
   * {@code encode(k).equals(encoded)}, and since distinct keys give distinct strings it is the only
   * key of that form; for every key {@code k} that {@code canDecode(k)}, {@code
   * decode(encode(k)).equals(k)}. A codec that breaks them makes invalidations from other instances
   * miss copies, which then live until the in-process tier's maximum lifetime. The answer may be of
   * a type the cache does not hold (the standard codec, in a cache of {@code Long} keys, reads
   * {@code "i:42"} back as an {@code Integer}): it then equals no key held. Called on the channel's
   * delivery thread, so it should be quick; an exception it throws is taken as {@code null}.
   *
   * @param encoded a key's form as {@link #encode} gives it, as another instance sent it
   * @return the one key of that form, or {@code null} when this codec does not read it back
   */
  default @Nullable Object decode(String encoded) {
    return null;
  }

  /**
   * Whether {@link #decode} reads {@code key} back from {@code encode(key)} (see its rules); if so,
   * in-process tiers do not index the key under its encoded form. Must answer the same for equal
   * keys every time. The default answers {@code false}.
   *
   * @param key a key of the cache
   * @return whether {@code decode(encode(key))} gives {@code key} back
   */
  default boolean canDecode(K key) {
    return false;
  }

  /**
   * Returns {@code codec.decode(encoded)}, or {@code null} if it throws: how the cache calls a
   * codec's {@link #decode}, so that a codec that fails to read a key back costs a wider
   * invalidation, never a lost one. For in-process tiers that find copies by encoded key.
   *
   * @param codec the cache's key codec
   * @param encoded a key's encoded form, as an invalidation message carries it
   * @return the key read back, or {@code null}
   */
  static @Nullable Object decodeOrNull(KeyCodec<?> codec, String encoded) {
    try {
      return codec.decode(encoded);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * Returns the standard codec, which gives distinct keys distinct strings even in a cache whose key
   * type is {@code Object}: {@code 42}, {@code 42L} and {@code "42"} are three keys, and so are
   * two enums or records of one simple name in different packages.
   *
   * <p>A string is used as it is, unless it begins with a lower-case ASCII letter and a colon
   * ({@code "i:42"}), or is empty inside a list or record: then it gets the prefix {@code s:}
   * ({@code s:i:42}). Every other key is a one-letter type tag, a colon and a body: {@code i:}
   * {@code Integer}, {@code l:} {@code Long}, {@code h:} {@code Short}, {@code y:} {@code Byte},
   * {@code n:} {@code BigInteger}, {@code b:} {@code Boolean}, each with its {@code toString()};
   * {@code d:} {@code BigDecimal} with its {@code toString()}, which keeps the scale, as {@code
   * equals} does ({@code d:1.0} and {@code d:1.00} are two keys); {@code c:} a {@code Character};
   * {@code u:} a UUID; {@code e:} an enum as {@code binary.class.Name.CONSTANT}; {@code a:} a list as
   * {@code a:[e1,e2]}; {@code r:} a record as {@code r:binary.class.Name(c1,c2)} (names escaped as
   * nested strings, which Java's names never need). Elements and components are encoded by these
   * rules, {@code null} as {@code \0}, and {@code \ , ( ) [ ]} in nested strings and characters are
   * preceded by {@code \}. So a string never takes another key's form: it either does not begin
   * with a tag, or begins with {@code s:}, which no other key does.
   *
   * <pre>{@code
   * "alice" -> alice          42L -> l:42        MemoKey.of("shop.get", 7L)
   * "i:42"  -> s:i:42         42  -> i:42          -> r:dev.cascade.cache.MemoKey(shop.get,a:[l:7])
   * }</pre>
   *
   * <p>Migration: earlier builds of this codec (0.1.0 snapshots) wrote non-string keys untagged
   * ({@code 42}, {@code Region.EU}, {@code Tenant(a,7)}), which let keys of different types collide,
   * and dropped a {@code BigDecimal}'s trailing zeros. Keys change form once: remote entries
   * written under those forms are not found by this version (they are misses and expire by their
   * TTL), and instances of both versions running side by side neither share entries nor invalidate
   * each other's in-process copies of such keys (those copies live at most the in-process tier's
   * maximum lifetime). String keys that do not begin with a letter and a colon keep their form.
   * Renaming or moving an enum or record class changes its keys the same way.
   *
   * <p>It {@linkplain #decode decodes} strings, integers, longs and UUIDs, the keys whose string form
   * names them alone; other keys are not read back.
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
    if (key instanceof String string && !looksTagged(string)) {
      return string; // the common key, as append would write it: no builder, no copy
    }
    StringBuilder out = new StringBuilder();
    append(out, key, false);
    return out.toString();
  }

  @Override
  public boolean canDecode(Object key) {
    return key instanceof String || key instanceof Integer || key instanceof Long || key instanceof UUID;
  }

  @Override
  public @Nullable Object decode(String encoded) {
    Object key = readBack(encoded);
    // Only a canonical form names its key: "i:007" and "u:" + an upper-case UUID name none.
    return key != null && encode(key).equals(encoded) ? key : null;
  }

  /** The key {@code encoded} would be the form of if it is canonical ({@link #decode} checks), or null. */
  private static @Nullable Object readBack(String encoded) {
    if (!looksTagged(encoded)) {
      return encoded;
    }
    String body = encoded.substring(2);
    try {
      return switch (encoded.charAt(0)) {
        case 's' -> body;
        case 'i' -> Integer.valueOf(body);
        case 'l' -> Long.valueOf(body);
        case 'u' -> UUID.fromString(body);
        default -> null;
      };
    } catch (IllegalArgumentException e) { // NumberFormatException too: no key has this form
      return null;
    }
  }

  private static void append(StringBuilder out, Object key, boolean nested) {
    if (key instanceof String string) {
      if (looksTagged(string) || (nested && string.isEmpty())) {
        out.append("s:");
      }
      text(out, string, nested);
    } else if (key instanceof Integer) {
      out.append("i:").append(key);
    } else if (key instanceof Long) {
      out.append("l:").append(key);
    } else if (key instanceof Short) {
      out.append("h:").append(key);
    } else if (key instanceof Byte) {
      out.append("y:").append(key);
    } else if (key instanceof BigInteger) {
      out.append("n:").append(key);
    } else if (key instanceof BigDecimal) {
      out.append("d:").append(key); // toString: one string per (unscaled value, scale), as equals
    } else if (key instanceof Boolean) {
      out.append("b:").append(key);
    } else if (key instanceof Character character) {
      out.append("c:");
      text(out, character.toString(), nested);
    } else if (key instanceof UUID) {
      out.append("u:").append(key);
    } else if (key instanceof Enum<?> constant) {
      // Names are escaped like nested strings: Java's never need it, other JVM languages' might.
      out.append("e:");
      escape(out, constant.getDeclaringClass().getName());
      out.append('.');
      escape(out, constant.name());
    } else if (key instanceof java.util.List<?> list) {
      out.append("a:[");
      for (int i = 0; i < list.size(); i++) {
        if (i > 0) {
          out.append(',');
        }
        element(out, list.get(i));
      }
      out.append(']');
    } else if (key instanceof Record record) {
      out.append("r:");
      escape(out, record.getClass().getName());
      out.append('(');
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
        element(out, value);
      }
      out.append(')');
    } else {
      throw new IllegalArgumentException(
          "no stable key form for "
              + key.getClass().getName()
              + " (key "
              + key
              + "): use a String, number, UUID, enum, list or record key, or give the builder"
              + " keyCodec(key -> ...) with a stable string per key (a Kotlin data class: keyCodec { \"${it.id}:${it.tenant}\" })");
    }
  }

  private static void element(StringBuilder out, @Nullable Object element) {
    if (element == null) {
      out.append("\\0");
    } else {
      append(out, element, true);
    }
  }

  /** Whether {@code string} begins as every non-string form does: a lower-case letter and a colon. */
  private static boolean looksTagged(String string) {
    return string.length() >= 2 && string.charAt(0) >= 'a' && string.charAt(0) <= 'z' && string.charAt(1) == ':';
  }

  private static void text(StringBuilder out, String text, boolean nested) {
    if (nested) {
      escape(out, text);
    } else {
      out.append(text);
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
