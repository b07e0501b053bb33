package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@link ServerProcess#pause()} and {@link ServerProcess#resume()} on a local memcached: each returns
 * only once the process is in the state it asked for, so a test may send a request at once and rely
 * on it going unanswered (or answered). SIGSTOP reaches a process after {@code kill} returns, and a
 * pause that did not wait let a request slip through now and then (seen in MemcachedTransportIT);
 * the rounds repeat so such a gap would show.
 */
class ServerProcessPauseIT {
  private static final int ROUNDS = 50;

  @Test
  void pause_returnsWithEveryThreadStopped_andResume_withNoneStopped() throws IOException {
    String binary = ServerProcess.findBinary("memcached").orElseThrow(() -> new IllegalStateException("no memcached on the PATH"));
    try (ServerProcess server = ServerProcess.start("memcached", port -> MemcachedServerExtension.arguments(binary, port))) {
      for (int round = 0; round < ROUNDS; round++) {
        server.pause();
        assertThat(threadStates(server.pid())).as("thread states after pause(), round %d", round).isNotEmpty().containsOnly('T');

        server.resume();
        assertThat(threadStates(server.pid())).as("thread states after resume(), round %d", round).doesNotContain('T');
        assertThat(version(server.port())).startsWith("VERSION ");
      }
    }
  }

  /** The state letter of every thread of {@code pid}, as /proc/<pid>/task/<tid>/stat gives it. */
  private static List<Character> threadStates(long pid) throws IOException {
    List<Character> states = new ArrayList<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String stat = Files.readString(task.resolve("stat"));
        states.add(stat.charAt(stat.lastIndexOf(')') + 2));
      }
    }
    return states;
  }

  private static String version(int port) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        line.append((char) b);
      }
      return line.toString().trim();
    }
  }
}
