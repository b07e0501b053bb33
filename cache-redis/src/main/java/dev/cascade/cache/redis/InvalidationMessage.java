package dev.cascade.cache.redis;

import java.util.List;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire form of every message {@link RedisInvalidation} sends: one JSON object, so that services
 * in other languages can read and send it. docs/wire-format.md describes the fields; the component
 * names are the JSON field names, so renaming one changes the format.
 *
 * <p>Immutable.
 *
 * @param v the format version, {@link #VERSION}
 * @param type {@link #INVALIDATION}, {@link #HEARTBEAT}, {@link #HELLO}, {@link #BYE} or {@link #ACK}
 * @param from the sender's instance id
 * @param seq the sender's sequence number: of this invalidation, the last one it used (heartbeat,
 *     hello, bye) or the one acknowledged (ack)
 * @param cache the cache name of an invalidation
 * @param kind the {@link dev.cascade.cache.spi.InvalidationChannel.Kind} name of an invalidation
 * @param keys the encoded keys or tag of an invalidation
 */
record InvalidationMessage(
    int v, String type, String from, long seq, @Nullable String cache, @Nullable String kind, @Nullable List<String> keys) {
  static final int VERSION = 1;
  static final String INVALIDATION = "inv";
  static final String HEARTBEAT = "hb";
  static final String HELLO = "hello";
  static final String BYE = "bye";
  static final String ACK = "ack";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Returns a message of {@code type} that names no cache (heartbeat, hello, bye, ack). */
  static InvalidationMessage control(String type, String from, long seq) {
    return new InvalidationMessage(VERSION, type, from, seq, null, null, null);
  }

  /** Returns the message, or {@code null} if {@code bytes} are not one of ours. */
  static @Nullable InvalidationMessage parse(byte[] bytes) {
    try {
      return JSON.readValue(bytes, InvalidationMessage.class);
    } catch (RuntimeException foreign) {
      return null;
    }
  }

  /** Returns the JSON bytes of this message. */
  byte[] toBytes() {
    return JSON.writeValueAsBytes(this);
  }
}
