package dev.cascade.cache.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * A real server (redis-server, memcached) on a loopback port, that a test can kill, pause and
 * resume. {@link #start} runs a binary from the PATH as a local process, whose output goes to a log
 * file under {@code target/} so a failing test can show it. The extensions may instead run a server
 * in a Docker container (see docs/testing.md); then the same methods act on the container, and
 * {@link #pid()} is not supported. Not thread-safe: one test class drives it.
 */
public final class ServerProcess implements AutoCloseable {
  private final Backend backend;

  private ServerProcess(Backend backend) {
    this.backend = backend;
  }

  /**
   * Starts {@code command.apply(port)} on a free loopback port and waits until the port accepts
   * connections.
   *
   * @throws IllegalStateException if the server does not come up within 20 s
   */
  public static ServerProcess start(String name, IntFunction<List<String>> command) {
    Path log = logFile(name);
    return new ServerProcess(new LocalProcess(name, command, freePort(), log));
  }

  /** Returns a server process over a running container; its methods act on the container. */
  static ServerProcess of(ContainerServer container) {
    return new ServerProcess(container);
  }

  /** Returns the absolute path of {@code binary} on the PATH (or in /usr/sbin, /usr/bin). */
  public static Optional<String> findBinary(String binary) {
    List<String> dirs = new ArrayList<>(List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)));
    dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/usr/sbin", "/usr/local/sbin"));
    for (String dir : dirs) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, binary);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }

  /** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }

  /** Returns the server's port on 127.0.0.1. */
  public int port() {
    return backend.port();
  }

  /**
   * Returns the process id.
   *
   * @throws UnsupportedOperationException for a server in a container
   */
  public long pid() {
    return backend.pid();
  }

  /** Returns whether the process is running (a paused one is). */
  public boolean isAlive() {
    return backend.isAlive();
  }

  /** Kills the process with SIGKILL and waits for it to die. */
  public void kill() {
    backend.kill();
  }

  /**
   * Stops the process with SIGSTOP: its port still accepts connections but nothing answers. Returns
   * once every thread of the process is stopped (a signal is delivered after {@code kill} returns,
   * so a request sent at once could otherwise still be answered).
   *
   * @throws IllegalStateException if the process is not stopped within 10 s
   */
  public void pause() {
    backend.pause();
  }

  /**
   * Resumes a paused process with SIGCONT; returns once no thread of it is stopped.
   *
   * @throws IllegalStateException if the process is still stopped after 10 s
   */
  public void resume() {
    backend.resume();
  }

  /**
   * Starts the server again on the same port after {@link #kill()}.
   *
   * @throws IllegalStateException if it is still running
   */
  public void restart() {
    backend.restart();
  }

  /** Returns the last lines of the server's log, for failure messages. */
  public String logTail() {
    return backend.logTail();
  }

  /** Resumes the server if it is paused, and kills it. */
  @Override
  public void close() {
    backend.close();
  }

  @Override
  public String toString() {
    return backend.toString();
  }

  /** How the server runs: a local process, or a Docker container ({@link ContainerServer}). */
  interface Backend {
    int port();

    long pid();

    boolean isAlive();

    void kill();

    void pause();

    void resume();

    void restart();

    String logTail();

    void close();
  }

  /** A server run as a local process: the testkit's way before containers, unchanged. */
  private static final class LocalProcess implements Backend {
    private final String name;
    private final IntFunction<List<String>> command;
    private final int port;
    private final Path log;
    private Process process;

    private LocalProcess(String name, IntFunction<List<String>> command, int port, Path log) {
      this.name = name;
      this.command = command;
      this.port = port;
      this.log = log;
      this.process = launch();
    }

    @Override
    public int port() {
      return port;
    }

    @Override
    public long pid() {
      return process.pid();
    }

    @Override
    public boolean isAlive() {
      return process.isAlive();
    }

    @Override
    public void kill() {
      process.destroyForcibly();
      try {
        process.waitFor(20, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void pause() {
      signal("STOP");
      awaitThreads(true);
    }

    @Override
    public void resume() {
      signal("CONT");
      awaitThreads(false);
    }

    /**
     * Waits until every thread of the process is stopped ({@code stopped}) or none is, as
     * {@code /proc/<pid>/task/<tid>/stat} reports it (state {@code T}). A process that has exited
     * counts as both; without {@code /proc} (not Linux) it returns at once, as before this wait.
     */
    private void awaitThreads(boolean stopped) {
      if (!new File("/proc/" + process.pid() + "/task").isDirectory()) {
        return;
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (process.isAlive() && !inState(threadStates(process.pid()), stopped)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              name + " (pid " + process.pid() + ") is " + (stopped ? "not stopped" : "still stopped") + " after 10 s");
        }
        try {
          process.waitFor(1, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for " + name + " to change state", e);
        }
      }
    }

    /** Whether every one of the threads' {@code states} is T ({@code stopped}; none listed is not), or none is. */
    private static boolean inState(List<Character> states, boolean stopped) {
      return stopped ? !states.isEmpty() && states.stream().allMatch(state -> state == 'T') : !states.contains('T');
    }

    @Override
    public void restart() {
      if (process.isAlive()) {
        throw new IllegalStateException(name + " is still running");
      }
      process = launch();
    }

    @Override
    public String logTail() {
      try {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
      } catch (IOException e) {
        return "(no log: " + e + ")";
      }
    }

    @Override
    public void close() {
      if (process.isAlive()) {
        resume();
        kill();
      }
    }

    @Override
    public String toString() {
      return name + "@127.0.0.1:" + port;
    }

    private Process launch() {
      List<String> args = command.apply(port);
      try {
        Process started =
            new ProcessBuilder(args)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
          if (!started.isAlive()) {
            throw new IllegalStateException(name + " exited at start (" + args + "):\n" + logTailOf(log));
          }
          if (accepts(port)) {
            return started;
          }
          started.waitFor(20, TimeUnit.MILLISECONDS);
        }
        started.destroyForcibly();
        throw new IllegalStateException(name + " did not accept connections on port " + port + " within 20 s");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start " + args, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting " + name, e);
      }
    }

    private static boolean accepts(int port) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return true;
      } catch (IOException e) {
        return false;
      }
    }

    private void signal(String signal) {
      try {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
          throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /**
   * The state letter of every thread of process {@code pid}, as {@code /proc/<pid>/task/<tid>/stat}
   * gives it ({@code R}, {@code S}, {@code T} for stopped...); empty if none is listed. A thread
   * that ends between the listing and its read is left out.
   */
  static List<Character> threadStates(long pid) {
    File[] tasks = new File("/proc/" + pid + "/task").listFiles();
    List<Character> states = new ArrayList<>();
    for (File task : tasks == null ? new File[0] : tasks) {
      try {
        String stat = Files.readString(task.toPath().resolve("stat"));
        // "tid (comm) S ...": comm may hold spaces and parentheses, the state follows the last ')'
        states.add(stat.charAt(stat.lastIndexOf(')') + 2));
      } catch (IOException e) {
        // the thread ended after the listing
      }
    }
    return states;
  }

  private static Path logFile(String name) {
    try {
      Path dir = Path.of("target", "servers");
      Files.createDirectories(dir);
      return Files.createTempFile(dir, name + "-", ".log");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String logTailOf(Path log) {
    try {
      return String.join("\n", Files.readAllLines(log));
    } catch (IOException e) {
      return "(no log)";
    }
  }
}
