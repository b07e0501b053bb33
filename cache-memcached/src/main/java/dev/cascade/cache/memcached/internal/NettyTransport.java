package dev.cascade.cache.memcached.internal;

import dev.cascade.cache.memcached.MemcachedConfig.Transport;
import io.netty.channel.ChannelFactory;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;

/**
 * The Netty classes of one resolved {@link Transport}: the I/O handler of the client's event loops
 * and the factory of the matching socket channel (on NIO, one whose connection callers may write
 * to). Invariant: {@link #kind} is {@link Transport#EPOLL} or {@link
 * Transport#NIO}, never {@link Transport#AUTO}, and the two classes belong to it.
 */
record NettyTransport(Transport kind, IoHandlerFactory ioHandlerFactory, ChannelFactory<? extends SocketChannel> channelFactory) {

  /**
   * Resolves {@code requested}: {@link Transport#AUTO} to NIO.
   *
   * @throws IllegalStateException if {@code requested} is {@link Transport#EPOLL} and the native
   *     library does not load here, with Netty's reason as the cause
   */
  static NettyTransport resolve(Transport requested) {
    switch (requested) {
      case NIO:
        return nio();
      case EPOLL:
        if (!Epoll.isAvailable()) {
          throw new IllegalStateException(
              "transport EPOLL requested, but Netty's native epoll library does not load on "
                  + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                  + ": use Transport.AUTO or NIO",
              Epoll.unavailabilityCause());
        }
        return epoll();
      default:
        return nio();
    }
  }

  private static NettyTransport epoll() {
    return new NettyTransport(Transport.EPOLL, EpollIoHandler.newFactory(), EpollSocketChannel::new);
  }

  private static NettyTransport nio() {
    return new NettyTransport(Transport.NIO, NioIoHandler.newFactory(), CallerWritableNioChannel::new);
  }
}
