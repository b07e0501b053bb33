package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Ticker;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.spi.TagVersion;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a remote store receives for one {@code put}: the envelope of docs/wire-format.md, byte by
 * byte, as the cache wrote it into an in-memory store at a fixed wall time, with a tag whose version
 * is set beforehand. The docs quote this output and the build ({@code DocSnippetsTest}) compares the
 * quote with a run. Run it with {@code java -cp examples/target/cascade-examples.jar
 * dev.cascade.examples.WireFormatExample}; it needs no server.
 */
public final class WireFormatExample {
  private static final long WALL_MILLIS = 1_790_000_000_000L;
  private static final long TAG_VERSION = 0x91209C13553C6295L;

  private WireFormatExample() {}

  public static void main(String[] args) {
    Ticker fixed = new FixedTicker(WALL_MILLIS);
    InMemoryRemoteStore store = InMemoryRemoteStore.create(fixed);
    store.putNow("cascade:users:#tag:t", new TagVersion(TAG_VERSION, 0).toBytes(), null);
    try (Cache<String, String> users =
        Cache.<String, String>builder("users").tier(store).valueCodec(StringCodec.create()).ticker(fixed).build()) {
      users.put("42", "hi", Duration.ofSeconds(60), "t");
    }
    byte[] stored = store.getNow("cascade:users:42");
    if (stored == null) {
      throw new IllegalStateException("nothing stored under cascade:users:42");
    }
    System.out.println(stored.length + " bytes under cascade:users:42");
    for (String line : annotate(ByteBuffer.wrap(stored))) {
      System.out.println(line);
    }
  }

  /** The envelope's fields, one line each: the bytes in hex, then what they mean. */
  private static List<String> annotate(ByteBuffer bytes) {
    List<String> lines = new ArrayList<>();
    lines.add(line(bytes, 1, "magic"));
    int version = bytes.get(bytes.position());
    lines.add(line(bytes, 1, "format version " + version));
    int flags = bytes.get(bytes.position());
    lines.add(line(bytes, 1, (flags & 1) != 0 ? "flags: a cached absence" : "flags: a value"));
    long expires = bytes.getLong(bytes.position());
    long written = bytes.getLong(bytes.position() + 8);
    lines.add(line(bytes, 8, "expiresAtMillis = written + " + grouped(expires - written)));
    lines.add(line(bytes, 8, "writtenAtMillis"));
    long loadNanos = bytes.getLong(bytes.position());
    lines.add(line(bytes, 8, "loadNanos = " + loadNanos + (loadNanos == 0 ? " (a put)" : "")));
    int tags = Short.toUnsignedInt(bytes.getShort(bytes.position()));
    lines.add(line(bytes, 2, tags == 1 ? "one tag" : tags + " tags"));
    for (int i = 0; i < tags; i++) {
      int length = Short.toUnsignedInt(bytes.getShort(bytes.position()));
      String name = new String(bytes.array(), bytes.position() + 2, length, StandardCharsets.UTF_8);
      lines.add(line(bytes, 2 + length, "name length " + length + ", \"" + name + "\""));
      lines.add(line(bytes, 8, "version of \"" + name + "\""));
    }
    String payload = new String(bytes.array(), bytes.position(), bytes.remaining(), StandardCharsets.UTF_8);
    lines.add(line(bytes, bytes.remaining(), "payload: \"" + payload + "\" in UTF-8"));
    return lines;
  }

  /** Consumes {@code count} bytes and returns them in hex, padded, followed by {@code meaning}. */
  private static String line(ByteBuffer bytes, int count, String meaning) {
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        hex.append(' ');
      }
      hex.append(String.format(Locale.ROOT, "%02X", bytes.get()));
    }
    return String.format(Locale.ROOT, "%-27s%s", hex, meaning);
  }

  private static String grouped(long value) {
    return String.format(Locale.ROOT, "%,d", value).replace(',', ' ');
  }

  /** A clock that stands still: wall time {@code wallMillis}, monotonic time 0. Thread-safe. */
  private record FixedTicker(long wallMillis) implements Ticker {
    @Override
    public long read() {
      return 0;
    }
  }
}
