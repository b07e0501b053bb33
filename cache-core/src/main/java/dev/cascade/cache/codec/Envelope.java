package dev.cascade.cache.codec;

import dev.cascade.cache.spi.CodecException;
import org.jspecify.annotations.Nullable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
  private static final byte[] NO_PAYLOAD = new byte[0];
  /** Big-endian longs read straight from a byte array, as {@link ByteBuffer} writes them. */
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  public Envelope {
    // The common envelope has no tags: the shared empty map, no copy (bulk reads parse one per key).
    tagVersions = tagVersions.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tagVersions));
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
    Envelope header = parseHeader(bytes);
    return new Envelope(
        header.flags,
        header.expiresAtMillis,
        header.writtenAtMillis,
        header.loadNanos,
        header.tagVersions,
        Arrays.copyOfRange(bytes, payloadOffset(bytes), bytes.length));
  }

  /**
   * Parses an envelope as {@link #parse} does, with the same checks, but leaves its payload where
   * it is: the returned envelope's payload is empty, and the payload is the bytes of {@code bytes}
   * from {@link #payloadOffset} to the end. A reader that decodes the payload in place ({@link
   * dev.cascade.cache.spi.Codec#decode(byte[], int, int)}) so copies no bytes.
   *
   * @throws CodecException if {@code bytes} is not an envelope of this format version
   */
  public static Envelope parseHeader(byte[] bytes) {
    if (bytes.length < FIXED_HEADER || bytes[0] != MAGIC) {
      throw new CodecException("not a Cascade envelope (" + bytes.length + " bytes)", null);
    }
    if (bytes[1] != FORMAT_VERSION) {
      throw new CodecException("unsupported envelope format version " + bytes[1], null);
    }
    // Read in place (no ByteBuffer): every bulk hit parses one header. Bounds are checked by hand
    // before each read past the fixed header, which the length check above covers.
    int flags = bytes[2] & 0xFF;
    if ((flags & ~FLAG_NULL) != 0) {
      throw new CodecException("unsupported envelope flags 0x" + Integer.toHexString(flags), null);
    }
    long expiresAt = (long) LONGS.get(bytes, 3);
    long writtenAt = (long) LONGS.get(bytes, 11);
    long loadNanos = (long) LONGS.get(bytes, 19);
    int tagCount = unsignedShort(bytes, FIXED_HEADER - 2);
    Map<String, Long> tags = tagCount == 0 ? Map.of() : new LinkedHashMap<>();
    int at = FIXED_HEADER;
    for (int i = 0; i < tagCount; i++) {
      if (bytes.length - at < 2) {
        throw truncated(bytes);
      }
      int length = unsignedShort(bytes, at);
      at += 2;
      if (bytes.length - at < length + 8) {
        throw truncated(bytes);
      }
      String name = new String(bytes, at, length, StandardCharsets.UTF_8);
      at += length;
      tags.put(name, (long) LONGS.get(bytes, at));
      at += 8;
    }
    if ((flags & FLAG_NULL) != 0 && bytes.length != at) {
      throw new CodecException("null marker with a " + (bytes.length - at) + "-byte payload", null);
    }
    return new Envelope(flags, expiresAt, writtenAt, loadNanos, tags, NO_PAYLOAD);
  }

  /**
   * Parses an envelope without tags from {@code bytes} (from its position to its limit) and copies
   * its payload into a new array, the returned envelope's payload; returns {@code null}, reading
   * nothing, when the bytes are anything else: an envelope with tags, or bytes that {@link #parse}
   * would reject. The reader of a bulk read calls it where the store received the bytes (see {@link
   * dev.cascade.cache.spi.ValueReader}); on {@code null} it keeps the bytes as they are, for {@link
   * #parseHeader} to parse or to reject with the fault named. An envelope read here answers {@link
   * #toBytes} with the bytes it was read from. Never throws.
   */
  public static @Nullable Envelope splitUntagged(ByteBuffer bytes) {
    int start = bytes.position();
    int length = bytes.remaining();
    if (length < FIXED_HEADER
        || bytes.get(start) != MAGIC
        || bytes.get(start + 1) != FORMAT_VERSION
        || bytes.get(start + FIXED_HEADER - 2) != 0
        || bytes.get(start + FIXED_HEADER - 1) != 0) {
      return null;
    }
    int flags = bytes.get(start + 2) & 0xFF;
    if ((flags & ~FLAG_NULL) != 0 || ((flags & FLAG_NULL) != 0 && length != FIXED_HEADER)) {
      return null;
    }
    boolean bigEndian = bytes.order() == ByteOrder.BIG_ENDIAN;
    long expiresAt = longAt(bytes, start + 3, bigEndian);
    long writtenAt = longAt(bytes, start + 11, bigEndian);
    long loadNanos = longAt(bytes, start + 19, bigEndian);
    // A new array even when empty (a null marker's excepted): the payload is handed over to the
    // codec, and BytesCodec hands it to the caller, who must never share an array with another read.
    byte[] payload = (flags & FLAG_NULL) != 0 ? NO_PAYLOAD : new byte[length - FIXED_HEADER];
    bytes.get(start + FIXED_HEADER, payload);
    return new Envelope(flags, expiresAt, writtenAt, loadNanos, Map.of(), payload);
  }

  private static long longAt(ByteBuffer bytes, int at, boolean bigEndian) {
    long value = bytes.getLong(at);
    return bigEndian ? value : Long.reverseBytes(value);
  }

  private static CodecException truncated(byte[] bytes) {
    return new CodecException("truncated envelope (" + bytes.length + " bytes)", null);
  }

  private static int unsignedShort(byte[] bytes, int at) {
    return ((bytes[at] & 0xFF) << 8) | (bytes[at + 1] & 0xFF);
  }

  /**
   * Returns the index in {@code bytes} at which the payload begins; {@code bytes} must be an
   * envelope that {@link #parseHeader} accepts (the tag section is walked, not checked again).
   */
  public static int payloadOffset(byte[] bytes) {
    int tagCount = unsignedShort(bytes, FIXED_HEADER - 2);
    int offset = FIXED_HEADER;
    for (int i = 0; i < tagCount; i++) {
      int length = unsignedShort(bytes, offset);
      offset += 2 + length + 8;
    }
    return offset;
  }
}
