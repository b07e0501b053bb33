package dev.cascade.cache.redis.internal;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One change of a write-behind queue as it is stored: its stream id, the key and value as their
 * codecs wrote them, whether it is a delete, and how many times Redis has delivered it (the
 * delivery count of the consumer group's pending entries list). Immutable.
 */
public record QueuedChange(String id, byte[] key, boolean delete, byte[] value, long deliveries) {
  static final String KEY = "k";
  static final String OP = "o";
  static final String VALUE = "v";
  static final byte PUT = 'p';
  static final byte DELETE = 'd';
  private static final byte[] NONE = new byte[0];

  /** Returns this change delivered once more. */
  QueuedChange redelivered() {
    return new QueuedChange(id, key, delete, value, deliveries + 1);
  }

  /**
   * Returns the change in a stream entry's fields, or {@code null} when the entry has none (it was
   * deleted from the stream while still pending, which happens only after it was applied).
   */
  static @Nullable QueuedChange fromFields(String id, @Nullable Map<String, byte[]> fields, long deliveries) {
    if (fields == null || fields.get(KEY) == null || fields.get(OP) == null) {
      return null;
    }
    boolean delete = fields.get(OP).length == 1 && fields.get(OP)[0] == DELETE;
    byte[] value = fields.get(VALUE);
    return new QueuedChange(id, fields.get(KEY), delete, value == null ? NONE : value, deliveries);
  }

  /**
   * Returns the change recorded in a partition's pending hash, stored as {@code <id>|<op><value>},
   * or {@code null} for no record.
   */
  static @Nullable QueuedChange fromPendingRecord(byte[] key, byte @Nullable [] record) {
    if (record == null) {
      return null;
    }
    int bar = 0;
    while (bar < record.length && record[bar] != '|') {
      bar++;
    }
    if (bar + 1 >= record.length) {
      throw new IllegalStateException("malformed write-behind pending record for a key of " + record.length + " bytes");
    }
    String id = new String(record, 0, bar, StandardCharsets.US_ASCII);
    byte[] value = new byte[record.length - bar - 2];
    System.arraycopy(record, bar + 2, value, 0, value.length);
    return new QueuedChange(id, key, record[bar + 1] == DELETE, value, 0);
  }
}
