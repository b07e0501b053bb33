package dev.cascade.cache.memcached.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;

/**
 * The ketama continuum that maps a key to a server, as libmemcached's MD5 ketama (also the layout
 * of spymemcached's and xmemcached's KETAMA): each server gets 160 points, four per MD5 digest of
 * {@code "<host>:<port>-<i>"} for i in 0..39 ({@code "<host>-<i>"} when the port is the default
 * 11211, as libmemcached writes it); a key goes to the first point at or after the little-endian
 * first four bytes of its MD5, wrapping around. Removing a server moves only the keys of its points.
 * Immutable and thread-safe.
 */
public final class Ketama {
  static final int POINTS_PER_SERVER = 160;

  private final long[] points;
  private final int[] owners;

  /** Builds the continuum of {@code servers}, given as {@code host:port}. */
  public Ketama(List<String> servers) {
    int total = servers.size() * POINTS_PER_SERVER;
    long[] packed = new long[total];
    int n = 0;
    for (int server = 0; server < servers.size(); server++) {
      String label = label(servers.get(server));
      for (int i = 0; i < POINTS_PER_SERVER / 4; i++) {
        byte[] digest = md5((label + "-" + i).getBytes(StandardCharsets.UTF_8));
        for (int h = 0; h < 4; h++) {
          long point = littleEndian(digest, h * 4);
          packed[n++] = (point << 16) | server; // sort by point, then by server index
        }
      }
    }
    Arrays.sort(packed);
    points = new long[total];
    owners = new int[total];
    for (int i = 0; i < total; i++) {
      points[i] = packed[i] >>> 16;
      owners[i] = (int) (packed[i] & 0xFFFF);
    }
  }

  /** Returns the index (in the list given) of the server that owns {@code key}. */
  public int serverFor(byte[] key) {
    long hash = hash(key);
    int index = Arrays.binarySearch(points, hash);
    if (index < 0) {
      index = -index - 1;
    } else {
      while (index > 0 && points[index - 1] == hash) {
        index--;
      }
    }
    return owners[index == points.length ? 0 : index];
  }

  /** Returns the 32-bit ketama hash of {@code key}, unsigned, in a long. */
  static long hash(byte[] key) {
    return littleEndian(md5(key), 0);
  }

  private static String label(String hostPort) {
    return hostPort.endsWith(":11211") ? hostPort.substring(0, hostPort.length() - 6) : hostPort;
  }

  private static long littleEndian(byte[] digest, int offset) {
    return ((long) (digest[offset + 3] & 0xFF) << 24)
        | ((long) (digest[offset + 2] & 0xFF) << 16)
        | ((long) (digest[offset + 1] & 0xFF) << 8)
        | (digest[offset] & 0xFF);
  }

  private static byte[] md5(byte[] bytes) {
    try {
      return MessageDigest.getInstance("MD5").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required of every JVM", e);
    }
  }
}
