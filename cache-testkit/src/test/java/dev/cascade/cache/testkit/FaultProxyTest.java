package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault proxy's own promises, between a client socket and an echo server of the test's own: bytes
 * pass unchanged; a black hole or a cut direction holds bytes back without closing anything and
 * heal delivers them in order; a reset closes the client's connection; refused connections fail;
 * latency delays. "Nothing arrives" is checked with a read timeout: a broken proxy that lets bytes
 * through fails it, a slow machine cannot.
 */
class FaultProxyTest {
  private ServerSocket echo;
  private FaultProxy proxy;

  @BeforeEach
  void startEchoServerAndProxy() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                try {
                  Socket socket = echo.accept();
                  Thread pump = new Thread(() -> echoAll(socket));
                  pump.setDaemon(true);
                  pump.start();
                } catch (IOException e) {
                  return;
                }
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    proxy = FaultProxy.start("127.0.0.1", echo.getLocalPort());
  }

  private static void echoAll(Socket socket) {
    try (socket) {
      InputStream in = socket.getInputStream();
      OutputStream out = socket.getOutputStream();
      byte[] buffer = new byte[1024];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // the test closed it
    }
  }

  @AfterEach
  void close() throws IOException {
    proxy.close();
    echo.close();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
    socket.setSoTimeout(5_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
  }

  private static String receive(Socket socket, int length) throws IOException {
    byte[] bytes = socket.getInputStream().readNBytes(length);
    return new String(bytes, StandardCharsets.US_ASCII);
  }

  private static void assertNothingArrives(Socket socket) throws IOException {
    socket.setSoTimeout(300);
    assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    socket.setSoTimeout(5_000);
  }

  @Test
  void noFault_bytesPassUnchanged() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "PING\r\n");
      assertThat(receive(socket, 6)).isEqualTo("PING\r\n");
      assertThat(proxy.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void blackHole_holdsBytesWithTheSocketOpen_healDeliversThemInOrder() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "a");
      assertThat(receive(socket, 1)).isEqualTo("a");

      proxy.blackHole();
      send(socket, "bc");
      send(socket, "de");
      assertNothingArrives(socket);
      assertThat(proxy.connectionCount()).as("nothing closed").isEqualTo(1);

      proxy.heal();
      assertThat(receive(socket, 4)).isEqualTo("bcde");
    }
  }

  @Test
  void cutDownstream_requestsReachTheServer_repliesHeldUntilHealed() throws IOException {
    try (Socket socket = connect()) {
      proxy.cut(FaultProxy.Direction.DOWNSTREAM);
      send(socket, "xyz");
      assertNothingArrives(socket);

      proxy.heal();
      assertThat(receive(socket, 3)).isEqualTo("xyz");
    }
  }

  @Test
  void cutUpstream_requestsHeldUntilHealed() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "1");
      assertThat(receive(socket, 1)).isEqualTo("1");
      proxy.cut(FaultProxy.Direction.UPSTREAM);
      send(socket, "2");
      assertNothingArrives(socket);

      proxy.heal();
      assertThat(receive(socket, 1)).isEqualTo("2");
    }
  }

  @Test
  void resetConnections_theClientSeesItsConnectionEnd() throws IOException {
    try (Socket socket = connect()) {
      send(socket, "a");
      assertThat(receive(socket, 1)).isEqualTo("a");

      proxy.resetConnections();

      assertThatThrownBy(
              () -> {
                int read = socket.getInputStream().read();
                if (read < 0) {
                  throw new IOException("end of stream");
                }
              })
          .isInstanceOf(IOException.class);
      await().atMost(Duration.ofSeconds(5)).until(() -> proxy.connectionCount() == 0);
    }
  }

  @Test
  void refuseNewConnections_newOnesEnd_healAcceptsAgain() throws IOException {
    proxy.refuseNewConnections();
    try (Socket refused = connect()) {
      assertThatThrownBy(
              () -> {
                send(refused, "a");
                if (refused.getInputStream().read() < 0) {
                  throw new IOException("end of stream");
                }
              })
          .isInstanceOf(IOException.class);
    }

    proxy.heal();
    try (Socket socket = connect()) {
      send(socket, "b");
      assertThat(receive(socket, 1)).isEqualTo("b");
    }
  }

  @Test
  void latency_delaysEachWayByAtLeastTheLatency() throws IOException {
    proxy.latency(Duration.ofMillis(100), Duration.ZERO);
    try (Socket socket = connect()) {
      long start = System.nanoTime();
      send(socket, "a");
      assertThat(receive(socket, 1)).isEqualTo("a");
      // A lower bound only: the proxy delays by at least 100 ms each way; a busy machine adds more.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }
  }

  @Test
  void badSettings_areRefusedNamingTheValue() {
    assertThatThrownBy(() -> proxy.latency(Duration.ofMillis(-1), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-0.001");
    assertThatThrownBy(() -> proxy.bandwidth(-5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
  }
}
