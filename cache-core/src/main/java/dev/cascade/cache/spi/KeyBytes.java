package dev.cascade.cache.spi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of a string key, for stores and their clients: its UTF-8 form, lossless even for a
 * string that is not well-formed UTF-16. {@link String#getBytes} writes {@code '?'} for an unpaired
 * surrogate, which would make {@code "a"} plus a lone surrogate and {@code "a?"} one key; here an
 * unpaired surrogate keeps the three bytes of its own code point (generalized UTF-8, as WTF-8 and
 * Python's {@code encode("utf-8", "surrogatepass")} write it). No well-formed UTF-8 holds such
 * bytes, so a well-formed key's bytes are its UTF-8 and no other key shares them. Stateless and
 * thread-safe.
 */
public final class KeyBytes {
  private KeyBytes() {}

  /**
   * Returns the bytes of {@code text}, as above.
   *
   * @throws NullPointerException if {@code text} is null
   */
  public static byte[] utf8(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    for (byte b : utf8) {
      if (b == '?') { // what getBytes writes for an unpaired surrogate: look closer
        return hasUnpairedSurrogate(text) ? generalizedUtf8(text) : utf8;
      }
    }
    return utf8;
  }

  /**
   * Whether {@code text} holds a surrogate that is not half of a pair (so it is not well-formed
   * UTF-16, and a client that encodes it with {@link String#getBytes} sends {@code '?'} for it).
   *
   * @throws NullPointerException if {@code text} is null
   */
  public static boolean hasUnpairedSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++; // a pair: one supplementary character
      } else {
        return true;
      }
    }
    return false;
  }

  private static byte[] generalizedUtf8(String text) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 3);
    text.codePoints()
        .forEach(
            cp -> {
              if (cp < 0x80) {
                out.write(cp);
              } else if (cp < 0x800) {
                out.write(0xC0 | (cp >> 6));
                out.write(0x80 | (cp & 0x3F));
              } else if (cp < 0x10000) { // an unpaired surrogate too: 0xED, 0xA0..0xBF, one more
                out.write(0xE0 | (cp >> 12));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
              } else {
                out.write(0xF0 | (cp >> 18));
                out.write(0x80 | ((cp >> 12) & 0x3F));
                out.write(0x80 | ((cp >> 6) & 0x3F));
                out.write(0x80 | (cp & 0x3F));
              }
            });
    return out.toByteArray();
  }
}
