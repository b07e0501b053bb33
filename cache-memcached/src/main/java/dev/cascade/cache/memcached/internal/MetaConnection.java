package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheTimeoutException;
import dev.cascade.cache.CacheUnavailableException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One pipelined connection to one server: the handler at the end of its channel's pipeline.
 *
 * <p>Invariants and concurrency: any thread may {@link #send}; requests go into a lock-free outbox.
 * Whoever writes holds the write lock ({@code writing}): it takes requests from the outbox, in
 * order, adds them to {@code inflight} and writes their commands, so {@code inflight} holds the
 * requests in the order their bytes reach the socket. Replies come back in that order, so the head
 * of {@code inflight} owns the next reply. Two kinds of writer: a drain task on the channel's event
 * loop, which writes everything waiting in one flush through Netty (batching under load); and, on a
 * {@link CallerWritableNioChannel}, the sending thread itself, which writes to the socket directly
 * only when the connection is idle (nothing in flight, no drain scheduled, nothing Netty or an
 * earlier caller's write has left unwritten), and otherwise leaves its requests to a drain. A
 * thread's requests are therefore written in the order it sent them. A caller's write that the
 * socket does not take whole leaves the rest in {@code unsentTail}, which the next drain writes
 * before anything else; no caller writes while it, or any write handed to Netty, is pending.
 *
 * <p>Only the event loop takes from {@code inflight}; the decoder state and the sweep run there
 * too. The client's {@link TimeoutSweeps} clock asks for a sweep while {@code awaitingReplies},
 * which is true from any {@link #send} until a sweep, holding the write lock, finds nothing in
 * flight and nothing queued; every send, after setting it, makes sure the clock ticks. A request
 * that times out is failed at once but stays in {@code inflight} to absorb its late reply; a head
 * request unanswered for twice the timeout means the server hangs, and the connection is closed.
 * Once closed, every waiting and later request fails immediately.
 */
final class MetaConnection extends ByteToMessageDecoder {
  private final ServerNode node;
  private final long generation;
  private final long timeoutNanos;
  private final TimeoutSweeps sweeps;
  private final ConcurrentLinkedQueue<MetaRequest> outbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  /** Requests written, in write order; only the event loop takes from it (see the invariants). */
  private final Queue<MetaRequest> inflight = new ConcurrentLinkedQueue<>();
  /** Held by whoever writes to the socket or adds to {@code inflight}: see the invariants. */
  private final AtomicBoolean writing = new AtomicBoolean();
  /** The socket, where callers may write to it ({@link CallerWritableNioChannel}); else null. */
  private volatile @Nullable SocketChannel callerWritable;
  /** What a caller's write left unwritten (the socket's buffer was full); guarded by {@code writing}. */
  private @Nullable ByteBuf unsentTail;
  /** The requests of a caller's write, reused; guarded by {@code writing}. */
  private final List<MetaRequest> callerBatch = new ArrayList<>();
  /** Writes handed to Netty and not finished; changed on the event loop only, read under {@code writing}. */
  private volatile int nettyWritesPending;
  /** Writes made by callers, and those the socket did not take whole; changed under {@code writing}, for tests. */
  private volatile long callerWrites;
  private volatile long callerWritesUnfinished;
  private final Runnable drain = this::drain;
  private final Runnable sweep = this::sweep;
  /** Whether a request may be queued or in flight: see the invariants. */
  private volatile boolean awaitingReplies;
  /** Parses replies into this connection's requests; event loop only. */
  private final ReplyParser parser = new ReplyParser(this::complete);
  private @Nullable Map<String, String> statsLines;
  private volatile @Nullable Channel channel;
  private volatile boolean closed;

  MetaConnection(ServerNode node, long generation, long timeoutNanos, TimeoutSweeps sweeps) {
    this.node = node;
    this.generation = generation;
    this.timeoutNanos = timeoutNanos;
    this.sweeps = sweeps;
  }

  long generation() {
    return generation;
  }

  /** Returns whether the connection closed (set before it reports the close to its node). */
  boolean isClosed() {
    return closed;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    if (ctx.channel() instanceof CallerWritableNioChannel nio) {
      callerWritable = nio.socket();
    }
    sweeps.add(this);
    // A channel that never connected is closed without channelInactive: leave the clock on close.
    ctx.channel().closeFuture().addListener(closed -> sweeps.remove(this));
  }

  /**
   * A tick of the client's timeout clock (its thread, not the event loop): asks the event loop for a
   * sweep if replies are awaited; returns whether they are.
   */
  boolean requestSweep() {
    Channel ch = channel;
    if (!awaitingReplies || closed || ch == null) {
      return false;
    }
    try {
      ch.eventLoop().execute(sweep);
    } catch (java.util.concurrent.RejectedExecutionException shutDown) {
      return false; // the client is closing: its event loops stop, and closing fails what is still waiting
    }
    return true;
  }

  boolean isAwaitingReplies() {
    return awaitingReplies;
  }

  /** Returns how many writes callers made, and how many of them the socket did not take whole; for tests. */
  long[] callerWriteCounts() {
    return new long[] {callerWrites, callerWritesUnfinished};
  }

  /** Says that replies are awaited, then makes sure the clock ticks (see the invariants). */
  private void markAwaiting() {
    if (!awaitingReplies) { // no write while it is set: under load it stays set
      awaitingReplies = true;
    }
    sweeps.wake();
  }

  /**
   * Sends {@code requests}, in order and in one write unless another writer takes some of them
   * first: from the calling thread where the socket allows it ({@link CallerWritableNioChannel}),
   * else through the event loop. Their futures complete with the replies, a timeout or a closed
   * connection.
   */
  void send(List<MetaRequest> requests) {
    long deadline = System.nanoTime() + timeoutNanos;
    Channel ch = channel;
    if (closed || ch == null) {
      for (MetaRequest request : requests) {
        request.future.completeExceptionally(closedException());
      }
      return;
    }
    for (MetaRequest request : requests) {
      request.deadlineNanos = deadline;
      outbox.add(request);
    }
    markAwaiting(); // after the adds: a sweep that clears the flag later sees them (see sweep)
    if (closed) { // closed between the check and the add: nobody drains any more
      failOutbox();
      return;
    }
    SocketChannel socket = callerWritable;
    if (socket == null || !writeFromCaller(ch, socket)) {
      scheduleDrain(ch);
    }
  }

  /** Schedules a drain unless one is; returns false if the event loop has shut down (the client is closing). */
  private boolean scheduleDrain(Channel ch) {
    if (drainScheduled.compareAndSet(false, true)) {
      try {
        ch.eventLoop().execute(drain);
      } catch (RejectedExecutionException shutDown) {
        drainScheduled.set(false);
        failOutbox();
        return false;
      }
    }
    return true;
  }

  /**
   * Writes the outbox to the socket on the calling thread if the connection is idle: nothing in
   * flight, no other writer, no drain scheduled and nothing Netty has yet to write. Returns false if
   * it was not (the event loop then writes, batching under load).
   */
  private boolean writeFromCaller(Channel ch, SocketChannel socket) {
    if (!inflight.isEmpty() || !writing.compareAndSet(false, true)) {
      return false;
    }
    ByteBuf out = null;
    List<MetaRequest> failed = null;
    try {
      if (closed || drainScheduled.get() || unsentTail != null || nettyWritesPending != 0) {
        return false;
      }
      out = takeOutbox(ch, callerBatch);
      if (out == null) {
        return true; // another writer took these requests, or taking them failed
      }
      ByteBuffer bytes = out.nioBuffer();
      int written;
      try {
        written = socket.write(bytes);
      } catch (IOException | RuntimeException broken) {
        // Closed under this write (the JDK's channel makes a close wait for a write in progress, so
        // the bytes reach no other socket), or broken: this batch fails below, what was written
        // before it when the close reaches channelInactive, what is queued after it in failOutbox.
        failed = new ArrayList<>(callerBatch);
        return true;
      }
      callerWrites++;
      if (bytes.hasRemaining()) { // the socket's send buffer is full: the event loop writes the rest
        callerWritesUnfinished++;
        unsentTail = out.skipBytes(written);
        if (scheduleDrain(ch)) {
          out = null; // the drain writes and releases it
        } else {
          unsentTail = null; // the client is closing, and its close fails what is in flight
        }
      }
      return true;
    } finally {
      if (out != null) {
        out.release();
      }
      callerBatch.clear();
      writing.set(false);
      if (failed != null) { // outside the lock: completing runs the callers' own stages
        CacheException error = closedException();
        for (MetaRequest request : failed) {
          request.future.completeExceptionally(error);
        }
        ch.close();
      }
    }
  }

  /**
   * Moves what the outbox holds to {@code inflight} (and to {@code batch}, if not null), in order,
   * and returns their commands in one buffer, or null if the outbox was empty. Holds the write lock.
   */
  private @Nullable ByteBuf takeOutbox(Channel ch, @Nullable List<MetaRequest> batch) {
    ByteBuf out = null;
    MetaRequest request;
    while ((request = outbox.poll()) != null) {
      try {
        if (out == null) {
          out = ch.alloc().ioBuffer(Math.max(256, request.command.length));
        }
        out.writeBytes(request.command);
      } catch (RuntimeException | OutOfMemoryError noBuffer) {
        // The requests taken so far are in inflight but will not be written: close, so that they
        // fail (in channelInactive) rather than leave the next replies matched to the wrong requests.
        if (out != null) {
          out.release();
        }
        request.future.completeExceptionally(new CacheException("memcached " + node.name() + ": no buffer for a command", noBuffer));
        ch.close();
        return null;
      }
      request.written = true;
      inflight.add(request);
      if (batch != null) {
        batch.add(request);
      }
    }
    return out;
  }

  void close() {
    Channel ch = channel;
    closed = true;
    if (ch != null) {
      ch.close();
    }
    failOutbox();
  }

  private void drain() {
    Channel ch = channel;
    if (ch == null) {
      drainScheduled.set(false);
      failOutbox();
      return;
    }
    if (!writing.compareAndSet(false, true)) {
      ch.eventLoop().execute(drain); // a caller is writing (one non-blocking write): come back after it
      return;
    }
    try {
      drainScheduled.set(false);
      ByteBuf tail = unsentTail;
      unsentTail = null;
      if (closed) {
        if (tail != null) {
          tail.release();
        }
        failOutbox();
        return;
      }
      if (tail != null) {
        writeThroughNetty(ch, tail); // first: the rest of a caller's write
      }
      ByteBuf out = takeOutbox(ch, null);
      if (out != null) {
        writeThroughNetty(ch, out);
      }
    } finally {
      writing.set(false);
    }
  }

  /** Writes on the event loop through Netty's own outbound buffer; counted until it is done. */
  private void writeThroughNetty(Channel ch, ByteBuf bytes) {
    nettyWritesPending++; // event loop only
    ch.writeAndFlush(bytes)
        .addListener(
            (ChannelFutureListener)
                done -> {
                  nettyWritesPending--;
                  if (!done.isSuccess()) {
                    done.channel().close();
                  }
                });
  }

  private void sweep() {
    long now = System.nanoTime();
    for (MetaRequest request : inflight) {
      if (request.deadlineNanos - now > 0) {
        break;
      }
      if (!request.future.isDone()) {
        request.future.completeExceptionally(
            new CacheTimeoutException(
                "memcached " + node.name() + ": no reply within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms",
                new TimeoutException()));
      }
    }
    MetaRequest head = inflight.peek();
    if (head != null && now - head.deadlineNanos > timeoutNanos) {
      node.connectionFailed(this, new TimeoutException("server " + node.name() + " stopped answering"));
    }
    if (head == null && writing.compareAndSet(false, true)) {
      // The write lock keeps any writer from moving requests to inflight; looked at again under it,
      // since a caller may have written since the peek. A send sets the flag after its adds to the
      // outbox: either its write follows this one, or the outbox read below sees its request and
      // sets the flag again.
      try {
        if (inflight.isEmpty()) {
          awaitingReplies = false;
          if (!outbox.isEmpty()) {
            markAwaiting();
          }
        }
      } finally {
        writing.set(false);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    closed = true;
    sweeps.remove(this);
    CacheException error = closedException();
    MetaRequest request;
    while ((request = inflight.poll()) != null) {
      request.future.completeExceptionally(error);
    }
    failOutbox();
    node.connectionFailed(this, error);
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    node.connectionFailed(this, cause);
    ctx.close();
  }

  private void failOutbox() {
    MetaRequest request;
    while ((request = outbox.poll()) != null) {
      request.future.completeExceptionally(closedException());
    }
  }

  private CacheException closedException() {
    return new CacheUnavailableException(
        "memcached " + node.name() + " is down (connection closed); retrying in the background", null);
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.isReadable()) {
      int start = in.readerIndex();
      int lf = in.indexOf(start, in.writerIndex(), (byte) '\n');
      if (lf < 0) {
        return;
      }
      if (lf == start || in.getByte(lf - 1) != '\r') {
        protocolError(ctx, "line without CR");
        return;
      }
      MetaRequest head = inflight.peek();
      if (head != null && head.keyBounds != null && ReplyParser.isValueLine(in, start, lf)) {
        int consumed = parser.classicValue(head, in, start, lf - 1);
        if (consumed < 0) {
          protocolError(ctx, "bad VALUE line: " + in.toString(start, lf - 1 - start, StandardCharsets.US_ASCII));
          return;
        }
        if (consumed == 0) {
          return; // wait for the rest of the value
        }
        continue;
      }
      if (head == null) {
        protocolError(ctx, "reply nobody asked for: " + in.toString(start, lf - 1 - start, StandardCharsets.US_ASCII));
        return;
      }
      String line = head.stats ? in.toString(start, lf - 1 - start, StandardCharsets.US_ASCII) : null;
      if (line != null && !line.endsWith("ERROR")) {
        in.readerIndex(lf + 1);
        if (line.equals("END")) {
          Map<String, String> stats = statsLines != null ? statsLines : Map.of();
          statsLines = null;
          complete(new MetaResponse("END", new String[0], null, stats));
        } else if (line.startsWith("STAT ")) {
          int space = line.indexOf(' ', 5);
          if (statsLines == null) {
            statsLines = new HashMap<>();
          }
          if (space > 0) {
            statsLines.put(line.substring(5, space), line.substring(space + 1));
          }
        }
        continue;
      }
      int consumed = parser.metaReply(in, start, lf - 1);
      if (consumed < 0) {
        protocolError(ctx, "bad reply line: " + in.toString(start, lf - 1 - start, StandardCharsets.US_ASCII));
        return;
      }
      if (consumed == 0) {
        return; // wait for the rest of the value
      }
    }
  }

  private void complete(MetaResponse response) {
    MetaRequest head = inflight.peek();
    if (head == null) {
      return;
    }
    if (head.replies != null && head.keyBounds == null) {
      head.replies[head.received++] = response;
      if (head.received < head.expected) {
        return;
      }
    }
    inflight.poll();
    head.future.complete(response);
  }

  private void protocolError(ChannelHandlerContext ctx, String what) {
    node.connectionFailed(this, new IllegalStateException("memcached protocol error from " + node.name() + ": " + what));
    ctx.close();
  }
}
