package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.spi.ValueReader;
import java.util.concurrent.CompletableFuture;

/**
 * One command on its way to a server and the future of its reply. The command bytes are complete
 * (line, and data block for {@code ms}); the reply is matched by order, since memcached answers
 * pipelined commands in the order it read them and every command here asks for a reply.
 */
final class MetaRequest {
  final byte[] command;
  final boolean stats;
  /** How many replies the command bytes ask for: 1, or the commands of a batch. */
  final int expected;
  /** The replies of a batch, in command order; filled on the I/O thread before the future completes. */
  final MetaResponse @org.jspecify.annotations.Nullable [] replies;
  int received;
  /**
   * For a classic multi-key {@code get} of n keys: n + 1 bounds, key {@code i} being the bytes of
   * {@link #command} from {@code keyBounds[i]} to {@code keyBounds[i + 1] - 1} (ASCII, one byte per
   * character; each key is followed by one separator byte). The server answers in key order,
   * skipping misses, so each {@code VALUE} is matched by scanning forward from {@code cursor}. The
   * I/O thread matches against these bytes (one array, which it read to write the command unless
   * the caller wrote it), not against the caller's key strings, one object each, which it has
   * never touched (on another core, each would be a cache miss).
   */
  final int @org.jspecify.annotations.Nullable [] keyBounds;
  /**
   * For a classic multi-key {@code get} of a bulk read: what reads each value on the I/O thread, from
   * the buffer it arrived in (see {@link MetaResponse#read()}), or {@code null} to copy values whole.
   */
  final @org.jspecify.annotations.Nullable ValueReader<?> reader;
  int cursor;
  final CompletableFuture<MetaResponse> future = new CompletableFuture<>();
  long deadlineNanos;
  /** Set by its writer (the I/O thread or a caller) just before the command is written; read by coalescing callers. */
  volatile boolean written;

  MetaRequest(byte[] command, boolean stats) {
    this.command = command;
    this.stats = stats;
    this.expected = 1;
    this.replies = null;
    this.keyBounds = null;
    this.reader = null;
  }

  /** A classic {@code get k1 k2 ...}: replies are {@code VALUE} blocks and one {@code END}. */
  MetaRequest(byte[] command, int[] keyBounds, @org.jspecify.annotations.Nullable ValueReader<?> reader) {
    this.command = command;
    this.stats = false;
    this.expected = 1;
    this.replies = new MetaResponse[keyBounds.length - 1];
    this.keyBounds = keyBounds;
    this.reader = reader;
  }

  MetaRequest(byte[] commands, int count) {
    this.command = commands;
    this.stats = false;
    this.expected = count;
    this.replies = new MetaResponse[count];
    this.keyBounds = null;
    this.reader = null;
  }
}
