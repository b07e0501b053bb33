package dev.cascade.cache.spi;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The placeholder a {@link StampedeLock} may store under an entry's own key while a lease on it is
 * held: {@code 0xCB 'L'} followed by the lease token in UTF-8. Keeping the lease in the entry's key
 * makes acquire ({@code SET NX}), conditional publish and compare-and-release single-key operations,
 * atomic on any server and on Redis Cluster. Readers treat a marker as a plain miss: it is neither a
 * value nor a corrupt entry. Stateless and thread-safe.
 */
public final class LeaseMarker {
  /** First byte of a marker; differs from the envelope's first byte. */
  public static final byte MAGIC = (byte) 0xCB;

  private static final byte KIND = 'L';

  private LeaseMarker() {}

  /** Returns the marker bytes of {@code token}. */
  public static byte[] of(String token) {
    byte[] tokenBytes = token.getBytes(StandardCharsets.UTF_8);
    byte[] marker = new byte[tokenBytes.length + 2];
    marker[0] = MAGIC;
    marker[1] = KIND;
    System.arraycopy(tokenBytes, 0, marker, 2, tokenBytes.length);
    return marker;
  }

  /** Returns whether {@code bytes} is a lease marker (of any token). */
  public static boolean isMarker(byte @Nullable [] bytes) {
    return bytes != null && bytes.length >= 2 && bytes[0] == MAGIC && bytes[1] == KIND;
  }

  /** Returns whether {@code bytes} is the marker of {@code token}. */
  public static boolean isMarkerOf(byte @Nullable [] bytes, String token) {
    return bytes != null && Arrays.equals(bytes, of(token));
  }
}
