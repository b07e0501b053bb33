package dev.cascade.cache.codec;

import dev.cascade.cache.spi.CodecException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The header that wraps every value Cascade writes to a remote store, so that policy metadata
 * (null marker, logical expiry, write time, load duration, tag versions) travels with the value.
 * The byte layout is specified in {@code docs/wire-format.md}; this class is its only reader and
 * writer. Stateless and thread-safe.
 *
 * @param flags {@link #FLAG_NULL} and reserved bits
 * @param expiresAtMillis logical expiry, {@link Long#MAX_VALUE} for none
 * @param writtenAtMillis when the value was put or its load started
 * @param loadNanos the load's duration, 0 for a put
 * @param tagVersions the version of each tag when the entry was written
 * @param payload the codec's bytes (empty for a null marker)
 */
public record Envelope(
    int flags,
    long expiresAtMillis,
    long writtenAtMillis,
    long loadNanos,
    Map<String, Long> tagVersions,
    byte[] payload) {

  /** First byte of every envelope. */
  public static final byte MAGIC = (byte) 0xCA;

  /** The format version this class writes; it reads only this version. */
  public static final byte FORMAT_VERSION = 1;

  /** Flag: the entry records a cached absence; the payload is empty. */
  public static final int FLAG_NULL = 1;

  /** Flag reserved for compressed payloads; never set by format version 1. */
  public static final int FLAG_COMPRESSED = 1 << 1;

  private static final int FIXED_HEADER = 1 + 1 + 1 + 8 + 8 + 8 + 2;
  private static final int MAX_TAGS = 0xFFFF;

  public Envelope {
    tagVersions = Collections.unmodifiableMap(new LinkedHashMap<>(tagVersions));
    if (tagVersions.size() > MAX_TAGS) {
      throw new IllegalArgumentException("at most " + MAX_TAGS + " tags, got " + tagVersions.size());
    }
  }

  /** Returns whether this envelope records a cached absence. */
  public boolean isNullMarker() {
    return (flags & FLAG_NULL) != 0;
  }

  /** Returns the envelope's bytes. */
  public byte[] toBytes() {
    int size = FIXED_HEADER + payload.length;
    byte[][] tagNames = new byte[tagVersions.size()][];
    int i = 0;
    for (String tag : tagVersions.keySet()) {
      tagNames[i] = tag.getBytes(StandardCharsets.UTF_8);
      if (tagNames[i].length > 0xFFFF) {
        throw new IllegalArgumentException("tag longer than 65535 bytes: " + tag.substring(0, 40) + "...");
      }
      size += 2 + tagNames[i].length + 8;
      i++;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC).put(FORMAT_VERSION).put((byte) flags);
    out.putLong(expiresAtMillis).putLong(writtenAtMillis).putLong(loadNanos);
    out.putShort((short) tagVersions.size());
    i = 0;
    for (long version : tagVersions.values()) {
      out.putShort((short) tagNames[i].length).put(tagNames[i]).putLong(version);
      i++;
    }
    out.put(payload);
    return out.array();
  }

  /**
   * Parses an envelope.
   *
   * @throws CodecException if {@code bytes} is not an envelope of this format version
   */
  public static Envelope parse(byte[] bytes) {
    if (bytes.length < FIXED_HEADER || bytes[0] != MAGIC) {
      throw new CodecException("not a Cascade envelope (" + bytes.length + " bytes)", null);
    }
    if (bytes[1] != FORMAT_VERSION) {
      throw new CodecException("unsupported envelope format version " + bytes[1], null);
    }
    try {
      ByteBuffer in = ByteBuffer.wrap(bytes, 2, bytes.length - 2);
      int flags = in.get() & 0xFF;
      if ((flags & ~FLAG_NULL) != 0) {
        throw new CodecException("unsupported envelope flags 0x" + Integer.toHexString(flags), null);
      }
      long expiresAt = in.getLong();
      long writtenAt = in.getLong();
      long loadNanos = in.getLong();
      int tagCount = in.getShort() & 0xFFFF;
      Map<String, Long> tags = new LinkedHashMap<>();
      for (int i = 0; i < tagCount; i++) {
        int length = in.getShort() & 0xFFFF;
        byte[] name = new byte[length];
        in.get(name);
        tags.put(new String(name, StandardCharsets.UTF_8), in.getLong());
      }
      byte[] payload = new byte[in.remaining()];
      in.get(payload);
      if ((flags & FLAG_NULL) != 0 && payload.length != 0) {
        throw new CodecException("null marker with a " + payload.length + "-byte payload", null);
      }
      return new Envelope(flags, expiresAt, writtenAt, loadNanos, tags, payload);
    } catch (BufferUnderflowException e) {
      throw new CodecException("truncated envelope (" + bytes.length + " bytes)", e);
    }
  }
}
