package dev.cascade.cache.redis.internal;

import dev.cascade.cache.spi.ValueReader;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.output.CommandOutput;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The output of an {@code MGET} whose values a {@link ValueReader} reads as Lettuce's I/O thread
 * decodes the reply, from the buffer the bytes arrived in (Lettuce's own outputs copy each value
 * into an array first, which the caller would then read again).
 *
 * <p>Invariants: written only by the connection's I/O thread while it decodes the reply, read by
 * others only after the command's future has completed (which orders the two). One element per
 * value of the reply, in its order: {@code null} for a missing key, and {@code null} too for a
 * value whose reader threw, whose exception is kept in {@link #readerFailure} (the first one) so
 * that the read fails as a whole instead of answering a miss for a value that is there.
 */
final class ReadValuesOutput<T> extends CommandOutput<String, byte[], List<@Nullable T>> {
  private final ValueReader<? extends T> reader;
  private @Nullable RuntimeException readerFailure;

  ReadValuesOutput(RedisCodec<String, byte[]> codec, ValueReader<? extends T> reader, int keys) {
    super(codec, new ArrayList<>(keys));
    this.reader = reader;
  }

  @Override
  public void set(@Nullable ByteBuffer bytes) {
    if (bytes == null) {
      output.add(null);
      return;
    }
    try {
      output.add(reader.read(bytes));
    } catch (RuntimeException e) { // the reader's contract forbids it; the read still must not half-succeed
      if (readerFailure == null) {
        readerFailure = e;
      }
      output.add(null);
    }
  }

  @Override
  public void multi(int count) {
    // the list was sized for the keys asked when the command was built
  }

  /** The values read, or the first exception a reader threw; call only after the command completed. */
  List<@Nullable T> values() {
    RuntimeException failure = readerFailure;
    if (failure != null) {
      throw failure;
    }
    return output;
  }
}
