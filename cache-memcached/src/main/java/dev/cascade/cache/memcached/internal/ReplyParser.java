package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.spi.ValueReader;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Parses a connection's reply lines, and their data blocks, where they arrived in the receive
 * buffer: meta replies into {@link MetaResponse}s handed to the connection's sink, classic {@code
 * VALUE} blocks into the replies of the multi-key {@code get} at the head of the connection's
 * requests. Invariant: used on the connection's event loop only (its line copy is reused).
 */
final class ReplyParser {
  /** Where a completed meta reply goes: the connection, which hands it to the request it answers. */
  private final Consumer<MetaResponse> sink;
  /** A copy of the reply line being parsed. */
  private byte[] lineScratch = new byte[512];

  ReplyParser(Consumer<MetaResponse> sink) {
    this.sink = sink;
  }

  /** The status words of meta replies, shared so that parsing a reply builds no status string. */
  private static final String[] META_STATUSES = {"VA", "HD", "EN", "NF", "NS", "EX", "MN"};

  private static final String[] NO_TOKENS = new String[0];

  /**
   * Parses one reply line at {@code start} (ending at {@code cr}) and, for {@code VA}, its data
   * block, in place: the status is a shared constant, the client flags token ({@code f<n>}) is
   * parsed without a string, and a string is built only for any other token. Any other first word
   * (an error line) is kept whole, split at spaces.
   *
   * @return -1 on a malformed line, 0 if the data block is incomplete, else 1 (consumed and completed)
   */
  int metaReply(ByteBuf in, int start, int cr) {
    byte[] line = copyLine(in, start, cr);
    int length = cr - start;
    int wordEnd = indexOf(line, 0, length, (byte) ' ');
    if (wordEnd < 0) {
      wordEnd = length;
    }
    String status = metaStatus(line, wordEnd);
    if (status == null) {
      String[] words = new String(line, 0, length, StandardCharsets.US_ASCII).split(" ");
      in.readerIndex(cr + 2);
      sink.accept(new MetaResponse(words[0], Arrays.copyOfRange(words, 1, words.length), null, Map.of()));
      return 1;
    }
    int at = wordEnd + 1;
    int size = -1;
    if (status.equals("VA")) {
      int sizeEnd = at > length ? -1 : indexOf(line, at, length, (byte) ' ');
      sizeEnd = sizeEnd < 0 ? length : sizeEnd;
      long parsed = Commands.parseDecimal(line, at, sizeEnd);
      if (parsed < 0 || parsed > Integer.MAX_VALUE - 2) {
        return -1;
      }
      size = (int) parsed;
      if (in.writerIndex() - (cr + 2) < size + 2) {
        return 0;
      }
      at = sizeEnd + 1;
    }
    long clientFlags = -1;
    List<String> tokens = null;
    while (at < length) {
      int tokenEnd = indexOf(line, at, length, (byte) ' ');
      tokenEnd = tokenEnd < 0 ? length : tokenEnd;
      long flags = line[at] == 'f' ? Commands.parseDecimal(line, at + 1, tokenEnd) : -1;
      if (flags >= 0) {
        clientFlags = flags;
      } else if (tokenEnd > at) {
        if (tokens == null) {
          tokens = new ArrayList<>(4);
        }
        tokens.add(new String(line, at, tokenEnd - at, StandardCharsets.US_ASCII));
      }
      at = tokenEnd + 1;
    }
    byte[] value = null;
    int next = cr + 2;
    if (size >= 0) {
      value = new byte[size];
      in.getBytes(next, value);
      next += size + 2;
    }
    in.readerIndex(next);
    sink.accept(new MetaResponse(status, tokens == null ? NO_TOKENS : tokens.toArray(NO_TOKENS), value, clientFlags));
    return 1;
  }

  private static @Nullable String metaStatus(byte[] line, int wordEnd) {
    if (wordEnd != 2) {
      return null;
    }
    for (String status : META_STATUSES) {
      if (status.charAt(0) == line[0] && status.charAt(1) == line[1]) {
        return status;
      }
    }
    return null;
  }

  /**
   * Copies the line from {@code start} to {@code cr} (exclusive) into the scratch array, once, so
   * that it is parsed from an array rather than searched field by field through the buffer.
   */
  private byte[] copyLine(ByteBuf in, int start, int cr) {
    int length = cr - start;
    if (lineScratch.length < length) {
      lineScratch = new byte[length];
    }
    in.getBytes(start, lineScratch, 0, length);
    return lineScratch;
  }

  private static final byte[] VALUE = "VALUE ".getBytes(StandardCharsets.US_ASCII);

  /** Whether the line from {@code start} to {@code end} is a classic {@code VALUE} line. */
  static boolean isValueLine(ByteBuf in, int start, int end) {
    if (end - start < VALUE.length) {
      return false;
    }
    for (int i = 0; i < VALUE.length; i++) {
      if (in.getByte(start + i) != VALUE[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * What {@code reader} makes of the {@code size} bytes at {@code at}, read where they arrived; or
   * {@code null} (the value is then copied whole) when there is no reader or it threw, breaking its
   * contract: the caller's side runs it again on the copy, and fails the read with what it throws.
   */
  private static @Nullable Object readValue(@Nullable ValueReader<?> reader, ByteBuf in, int at, int size) {
    if (reader == null) {
      return null;
    }
    try {
      // The buffer's own view when it has one (no ByteBuffer allocated per value): the reader is
      // done with it before the next value is read, as ValueReader requires.
      return reader.read(in.nioBufferCount() == 1 ? in.internalNioBuffer(at, size) : in.nioBuffer(at, size));
    } catch (RuntimeException brokenContract) {
      return null;
    }
  }

  /**
   * Parses {@code VALUE <key> <flags> <bytes>} at {@code start} (line ends at {@code cr}) and its data
   * block without building strings: the key is matched in place against the keys asked for.
   *
   * @return -1 on a malformed line, 0 if the data block is incomplete, else 1 (consumed)
   */
  int classicValue(MetaRequest head, ByteBuf in, int start, int cr) {
    byte[] line = copyLine(in, start, cr);
    int lineLength = cr - start;
    int keyStart = VALUE.length;
    int keyEnd = indexOf(line, keyStart, lineLength, (byte) ' ');
    if (keyEnd < 0) {
      return -1;
    }
    int flagsEnd = indexOf(line, keyEnd + 1, lineLength, (byte) ' ');
    if (flagsEnd < 0) {
      return -1;
    }
    int sizeEnd = indexOf(line, flagsEnd + 1, lineLength, (byte) ' ');
    long flags = Commands.parseDecimal(line, keyEnd + 1, flagsEnd);
    long size = Commands.parseDecimal(line, flagsEnd + 1, sizeEnd < 0 ? lineLength : sizeEnd);
    if (flags < 0 || size < 0 || size > Integer.MAX_VALUE - 2) {
      return -1;
    }
    int dataStart = cr + 2;
    if (in.writerIndex() - dataStart < size + 2) {
      return 0;
    }
    Object read = readValue(head.reader, in, dataStart, (int) size);
    byte[] value = null;
    if (read == null) {
      value = new byte[(int) size];
      in.getBytes(dataStart, value);
    }
    in.readerIndex(dataStart + (int) size + 2);
    int[] bounds = head.keyBounds;
    MetaResponse[] replies = head.replies;
    if (bounds == null || replies == null) {
      return 1;
    }
    int keyLength = keyEnd - keyStart;
    for (int i = head.cursor; i < replies.length; i++) {
      int from = bounds[i];
      if (bounds[i + 1] - 1 - from == keyLength
          && Arrays.equals(line, keyStart, keyEnd, head.command, from, from + keyLength)) {
        replies[i] = new MetaResponse(value, read, flags);
        head.cursor = i + 1;
        break;
      }
    }
    return 1;
  }

  private static int indexOf(byte[] bytes, int from, int to, byte wanted) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    return -1;
  }
}
