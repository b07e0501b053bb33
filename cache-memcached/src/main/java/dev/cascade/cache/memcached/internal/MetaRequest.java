package dev.cascade.cache.memcached.internal;

import java.util.concurrent.CompletableFuture;

/**
 * One command on its way to a server and the future of its reply. The command bytes are complete
 * (line, and data block for {@code ms}); the reply is matched by order, since memcached answers
 * pipelined commands in the order it read them and every command here asks for a reply.
 */
final class MetaRequest {
  final byte[] command;
  final boolean stats;
  final CompletableFuture<MetaResponse> future = new CompletableFuture<>();
  long deadlineNanos;

  MetaRequest(byte[] command, boolean stats) {
    this.command = command;
    this.stats = stats;
  }
}
