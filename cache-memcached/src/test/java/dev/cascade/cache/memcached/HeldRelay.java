package dev.cascade.cache.memcached;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay to a real server that holds back the replies of its first connections, one by one:
 * what the testkit's {@code FaultProxy} cannot do, since its faults apply to every connection at
 * once. Connections are numbered in the order the relay accepts them; the first {@code held} ones
 * get no byte from the server until {@link #release} or {@link #releaseAndEnd}, later ones pass
 * everything at once. Thread-safe; for tests only.
 */
final class HeldRelay implements AutoCloseable {
  private final InetSocketAddress target;
  private final int held;
  private final ServerSocket listener;
  private final List<Link> links = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private HeldRelay(InetSocketAddress target, int held) {
    this.target = target;
    this.held = held;
    try {
      this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    daemon("held-relay-accept", this::acceptLoop).start();
  }

  /** Starts a relay to {@code host:port} whose first {@code held} connections get no reply yet. */
  static HeldRelay start(String hostPort, int held) {
    int colon = hostPort.lastIndexOf(':');
    return new HeldRelay(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))), held);
  }

  /** Returns {@code 127.0.0.1:<port>}, the address clients connect to. */
  String address() {
    return "127.0.0.1:" + listener.getLocalPort();
  }

  /** Returns the number of connections accepted so far. */
  int accepted() {
    return links.size();
  }

  /** Returns the bytes the server sent on connection {@code i} (held back or not). */
  long repliedBytes(int i) {
    return links.get(i).replied.get();
  }

  /** Returns whether the client closed connection {@code i}. */
  boolean clientClosed(int i) {
    return links.get(i).clientClosed;
  }

  /**
   * Delivers what connection {@code i} held back, and everything after it; returns {@code false},
   * delivering nothing, if the client already closed it.
   */
  boolean release(int i) {
    return links.get(i).release(false);
  }

  /** Delivers what connection {@code i} held back, then ends it: a FIN to the client, as a server that quits. */
  boolean releaseAndEnd(int i) {
    return links.get(i).release(true);
  }

  @Override
  public void close() {
    closed = true;
    try {
      listener.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    links.forEach(Link::close);
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(target, 2_000);
        Link link = new Link(client, server, links.size() < held);
        links.add(link);
        link.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    return thread;
  }

  /** One client connection and its server connection. */
  private static final class Link {
    private final Socket client;
    private final Socket server;
    private final AtomicLong replied = new AtomicLong();
    private final ByteArrayOutputStream heldBack = new ByteArrayOutputStream();
    private boolean holding; // guarded by this
    private volatile boolean clientClosed;
    private volatile String ended = "open";

    Link(Socket client, Socket server, boolean holding) {
      this.client = client;
      this.server = server;
      this.holding = holding;
    }

    void start() throws IOException {
      InputStream fromClient = client.getInputStream();
      OutputStream toServer = server.getOutputStream();
      InputStream fromServer = server.getInputStream();
      daemon("held-relay-up", () -> {
        byte[] buffer = new byte[16 * 1024];
        try {
          int read;
          while ((read = fromClient.read(buffer)) >= 0) {
            toServer.write(buffer, 0, read);
            toServer.flush();
          }
          ended = "client EOF";
        } catch (IOException e) {
          ended = "up: " + e;
        }
        clientClosed = true;
        close();
      }).start();
      daemon("held-relay-down", () -> {
        byte[] buffer = new byte[16 * 1024];
        try {
          int read;
          while ((read = fromServer.read(buffer)) >= 0) {
            replied.addAndGet(read);
            synchronized (this) {
              if (holding) {
                heldBack.write(buffer, 0, read);
              } else {
                client.getOutputStream().write(buffer, 0, read);
                client.getOutputStream().flush();
              }
            }
          }
        } catch (IOException ignored) {
          // closed
        }
      }).start();
    }

    synchronized boolean release(boolean end) {
      if (clientClosed) {
        return false;
      }
      try {
        holding = false;
        client.getOutputStream().write(heldBack.toByteArray());
        client.getOutputStream().flush();
        heldBack.reset();
        if (end) {
          client.shutdownOutput(); // after the data: the client reads it, then the end
          server.close();
        }
        return true;
      } catch (IOException e) {
        if (client.isClosed() || !"open".equals(ended)) {
          return false; // the client closed it between the check above and the write
        }
        throw new UncheckedIOException("link " + ended + ", " + replied + " bytes replied", e);
      }
    }

    void close() {
      try {
        client.close();
      } catch (IOException ignored) {
        // already closed
      }
      try {
        server.close();
      } catch (IOException ignored) {
        // already closed
      }
    }
  }
}
