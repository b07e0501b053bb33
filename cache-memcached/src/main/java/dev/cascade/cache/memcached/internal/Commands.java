package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.spi.KeyBytes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Wire forms: binary keys and the meta commands that carry them. A key of printable ASCII without
 * spaces goes out as it is; every other key goes out base64-encoded with the {@code b} flag (the
 * server decodes it, and both forms of a key name the same item), so no byte of a user's key can
 * end a command line or start another command. A key longer than {@link #MAX_RAW_KEY_BYTES} (what fits in memcached's 250 characters
 * once base64-encoded) is replaced by {@code 0xFF} followed by its SHA-256; no UTF-8 string starts
 * with {@code 0xFF}, so a hashed key can never equal a real one. A key's bytes are its UTF-8 form
 * ({@link #utf8}), lossless even for a string that is not well-formed UTF-16, so two keys never
 * share an item. Stateless.
 */
public final class Commands {
  /** The longest binary key whose base64 form fits memcached's 250-character key limit. */
  public static final int MAX_RAW_KEY_BYTES = 186;

  private static final byte[] CRLF = {'\r', '\n'};

  private Commands() {}

  /** Returns the binary key sent for {@code key}. */
  public static byte[] wireKey(String key) {
    byte[] utf8 = utf8(key);
    if (utf8.length <= MAX_RAW_KEY_BYTES && utf8.length > 0) {
      return utf8;
    }
    return marked((byte) 0xFF, sha256(utf8));
  }

  /** Returns the bytes of {@code key}: its UTF-8, lossless for unpaired surrogates ({@link KeyBytes}). */
  public static byte[] utf8(String key) {
    return KeyBytes.utf8(key);
  }

  /** Returns {@code marker} followed by {@code digest}. */
  public static byte[] marked(byte marker, byte[] digest) {
    byte[] key = new byte[digest.length + 1];
    key[0] = marker;
    System.arraycopy(digest, 0, key, 1, digest.length);
    return key;
  }

  /**
   * A key as it goes on the wire: {@code text} is the key itself when {@code base64} is false (only
   * for printable ASCII without spaces), else its base64 form, sent with the {@code b} flag.
   */
  public record Key(String text, boolean base64) {}

  /** Returns the wire form of a binary key: itself if it is printable ASCII without spaces, else base64. */
  public static Key keyOf(byte[] wireKey) {
    return isPlain(wireKey)
        ? new Key(new String(wireKey, StandardCharsets.US_ASCII), false)
        : new Key(encode(wireKey), true);
  }

  /**
   * Returns whether a binary key can go on the wire as it is: printable ASCII without spaces. (A
   * key that {@link #wireKey} hashed starts with {@code 0xFF}, so it never is.)
   */
  public static boolean isPlain(byte[] wireKey) {
    for (byte b : wireKey) {
      if (b < 0x21 || b > 0x7E) {
        return false;
      }
    }
    return true;
  }

  /** Returns the base64 text of a binary key. */
  public static String encode(byte[] wireKey) {
    return Base64.getEncoder().encodeToString(wireKey);
  }

  /** Returns {@code mg <key> [b] <flags>}. */
  public static byte[] mg(Key key, String flags) {
    String text = key.text();
    byte[] command = new byte[3 + text.length() + (key.base64() ? 2 : 0) + 1 + flags.length() + 2];
    command[0] = 'm';
    command[1] = 'g';
    command[2] = ' ';
    int at = ascii(text, command, 3);
    if (key.base64()) {
      command[at++] = ' ';
      command[at++] = 'b';
    }
    command[at++] = ' ';
    at = ascii(flags, command, at);
    command[at++] = '\r';
    command[at] = '\n';
    return command;
  }

  /** Writes {@code text}, which must be ASCII, into {@code into} at {@code at}; returns the end. */
  static int ascii(String text, byte[] into, int at) {
    for (int i = 0; i < text.length(); i++) {
      into[at++] = (byte) text.charAt(i);
    }
    return at;
  }

  /** Returns {@code md <key> [b] <flags>}. */
  public static byte[] md(Key key, String flags) {
    return ("md " + key.text() + (key.base64() ? " b" : "") + (flags.isEmpty() ? "" : " " + flags) + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Returns {@code ms <key> <length> [b] <flags>} with its data block. */
  public static byte[] ms(Key key, byte[] value, String flags) {
    byte[] line =
        ("ms " + key.text() + " " + value.length + (key.base64() ? " b" : "") + (flags.isEmpty() ? "" : " " + flags) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] command = new byte[line.length + value.length + 2];
    System.arraycopy(line, 0, command, 0, line.length);
    System.arraycopy(value, 0, command, line.length, value.length);
    System.arraycopy(CRLF, 0, command, line.length + value.length, 2);
    return command;
  }

  /**
   * Returns the non-negative decimal number in {@code bytes[start, end)} (digits only, at most 18),
   * or -1 if it is empty, too long or holds anything else.
   */
  static long parseDecimal(byte[] bytes, int start, int end) {
    if (start >= end || end - start > 18) {
      return -1;
    }
    long value = 0;
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (b < '0' || b > '9') {
        return -1;
      }
      value = value * 10 + (b - '0');
    }
    return value;
  }

  /** Returns the SHA-256 of {@code bytes}. */
  public static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }
}
