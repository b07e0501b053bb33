package dev.cascade.cache.memcached.internal;

import io.netty.channel.socket.nio.NioSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A Netty NIO socket channel that lets its {@link MetaConnection} write to the socket from a
 * caller's thread, as single-connection clients do, so that a call's command needs no hand-off to
 * the event loop (on NIO, a selector wake-up: a pipe write and read per call).
 *
 * <p>Invariant: the JDK's socket channel serializes its writes and defers releasing its file
 * descriptor until a write in progress has returned, so a caller's write racing the event loop's
 * close fails with {@link java.nio.channels.ClosedChannelException} and never reaches another
 * socket. (Netty's native epoll channel gives no such guarantee and cannot be extended, which is why
 * only this transport writes from callers.) Who may write, and in which order, is the connection's
 * business: see {@link MetaConnection}.
 */
final class CallerWritableNioChannel extends NioSocketChannel {
  SocketChannel socket() {
    return javaChannel();
  }
}
