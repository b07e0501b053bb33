package dev.cascade.cache.testkit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A server in a Docker container, started through Testcontainers, behind {@link ServerProcess}'s
 * methods. The server is published on a fixed port of 127.0.0.1 chosen at start, so that it is
 * where it was after {@link #kill()} and {@link #restart()} (Docker picks a new port for a
 * restarted container otherwise). The faults map to the container:
 *
 * <ul>
 *   <li>{@link #pause()} is {@code docker pause} (the cgroup freezer): like SIGSTOP, connections are
 *       accepted and nothing answers;
 *   <li>{@link #kill()} is {@code docker kill} (SIGKILL to the server, the container's first
 *       process), waiting until the container has stopped;
 *   <li>{@link #restart()} is {@code docker start} of the same container: the same port, the same
 *       file system (a durable Redis's append-only file survives, as it does locally), an empty
 *       memory;
 *   <li>{@link #pid()} is not supported: the process lives in the engine's namespace.
 * </ul>
 *
 * <p>"Ready" means the server answers its protocol on the published port (Redis {@code PING},
 * memcached {@code version}), not only that the port accepts: Docker's proxy accepts connections
 * before the server listens. Not thread-safe: one test class drives it, as {@link ServerProcess}.
 */
final class ContainerServer implements ServerProcess.Backend {
  private static final Duration STARTUP = Duration.ofSeconds(120);
  private static final Duration RESTART = Duration.ofSeconds(20);

  private final String name;
  private final ContainerSpec spec;
  private final int hostPort;
  private final GenericContainer<?> container;

  private ContainerServer(String name, ContainerSpec spec, int hostPort, GenericContainer<?> container) {
    this.name = name;
    this.spec = spec;
    this.hostPort = hostPort;
    this.container = container;
  }

  /**
   * Starts a container of {@code spec} on a free port of 127.0.0.1 and waits until the server
   * answers.
   *
   * @throws IllegalStateException if it cannot be started (the image cannot be pulled, the server
   *     exits or does not answer within 120 s)
   */
  @SuppressWarnings("resource") // stopped by close(), or by Testcontainers' reaper when the JVM ends
  static ContainerServer start(String name, ContainerSpec spec) {
    int hostPort = ServerProcess.freePort();
    GenericContainer<?> container = container(spec, hostPort);
    try {
      container.start();
    } catch (RuntimeException e) {
      String logs = logsOf(container);
      container.stop();
      throw new IllegalStateException(
          "cannot start "
              + name
              + " in a container from image "
              + spec.image()
              + " ("
              + imageProperty(spec)
              + " names another image; "
              + ServerSource.PROPERTY
              + "=local uses local binaries): "
              + e.getMessage()
              + logs,
          e);
    }
    return new ContainerServer(name, spec, hostPort, container);
  }

  /**
   * Returns the container that {@link #start} starts, not started: the spec's image and command,
   * the server's port published on {@code 127.0.0.1:hostPort}, and a wait until it answers there.
   */
  static GenericContainer<?> container(ContainerSpec spec, int hostPort) {
    GenericContainer<?> container =
        new GenericContainer<>(DockerImageName.parse(spec.image()))
            .withExposedPorts(spec.containerPort())
            .withCommand(spec.command().toArray(String[]::new))
            .waitingFor(new Answering(spec.server(), hostPort).withStartupTimeout(STARTUP));
    // replaces the random host port Testcontainers would bind for the exposed port
    container.setPortBindings(List.of(spec.portBinding(hostPort)));
    return container;
  }

  @Override
  public int port() {
    return hostPort;
  }

  @Override
  public long pid() {
    throw new UnsupportedOperationException(
        "pid() of " + this + ": the server runs in a Docker container; kill(), pause(), resume() and restart() act on the container");
  }

  @Override
  public boolean isAlive() {
    return Boolean.TRUE.equals(state().getState().getRunning());
  }

  @Override
  public void kill() {
    if (isPaused()) {
      // the engine refuses to kill a paused container; SIGKILL would end a stopped process at once
      docker().unpauseContainerCmd(id()).exec();
    }
    if (isAlive()) {
      docker().killContainerCmd(id()).exec();
    }
    Awaitility.await(name + " stopped").atMost(RESTART).pollInterval(Duration.ofMillis(20)).until(() -> !isAlive());
  }

  @Override
  public void pause() {
    if (!isAlive()) {
      throw new IllegalStateException("cannot pause " + this + ": it is not running");
    }
    docker().pauseContainerCmd(id()).exec();
  }

  @Override
  public void resume() {
    if (isPaused()) {
      docker().unpauseContainerCmd(id()).exec();
    } else if (!isAlive()) {
      // as SIGCONT to a process that is gone fails
      throw new IllegalStateException("cannot resume " + this + ": it is not running");
    }
  }

  @Override
  public void restart() {
    if (isAlive()) {
      throw new IllegalStateException(name + " is still running");
    }
    docker().startContainerCmd(id()).exec();
    try {
      Awaitility.await(name + " answering again")
          .atMost(RESTART)
          .pollInterval(Duration.ofMillis(20))
          .until(() -> answers(spec.server(), hostPort));
    } catch (ConditionTimeoutException e) {
      throw new IllegalStateException(name + " did not answer on port " + hostPort + " within " + RESTART + ":\n" + logTail(), e);
    }
  }

  @Override
  public String logTail() {
    String logs = logsOf(container);
    List<String> lines = logs.lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  @Override
  public void close() {
    try {
      if (isPaused()) {
        docker().unpauseContainerCmd(id()).exec();
      }
    } finally {
      container.stop();
    }
  }

  @Override
  public String toString() {
    return name + "@127.0.0.1:" + hostPort + " (container " + id().substring(0, Math.min(12, id().length())) + ", " + spec.image() + ")";
  }

  /** Returns whether the server answers its protocol on 127.0.0.1:{@code port}. */
  static boolean answers(ContainerSpec.Server server, int port) {
    try {
      return switch (server) {
        case REDIS -> "PONG".equals(Resp.command(port, "PING"));
        case MEMCACHED -> memcachedVersion(port).startsWith("VERSION ");
      };
    } catch (RuntimeException e) {
      return false; // refused, closed by Docker's proxy, or the server still loading
    }
  }

  private static String memcachedVersion(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      socket.setSoTimeout(1000);
      OutputStream out = socket.getOutputStream();
      out.write("version\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
      return line == null ? "" : line;
    } catch (IOException e) {
      return "";
    }
  }

  private boolean isPaused() {
    return Boolean.TRUE.equals(state().getState().getPaused());
  }

  private InspectContainerResponse state() {
    return docker().inspectContainerCmd(id()).exec();
  }

  private DockerClient docker() {
    return container.getDockerClient();
  }

  private String id() {
    String id = container.getContainerId();
    if (id == null) {
      throw new IllegalStateException(name + "'s container has been removed");
    }
    return id;
  }

  private static String imageProperty(ContainerSpec spec) {
    return spec.server() == ContainerSpec.Server.REDIS ? ContainerSpec.REDIS_IMAGE_PROPERTY : ContainerSpec.MEMCACHED_IMAGE_PROPERTY;
  }

  private static String logsOf(GenericContainer<?> container) {
    try {
      return container.getContainerId() == null ? "" : "\n" + container.getLogs();
    } catch (RuntimeException e) {
      return "\n(no logs: " + e + ")";
    }
  }

  /** Testcontainers' wait: until the server answers on the published port. */
  private static final class Answering extends AbstractWaitStrategy {
    private final ContainerSpec.Server server;
    private final int hostPort;

    Answering(ContainerSpec.Server server, int hostPort) {
      this.server = server;
      this.hostPort = hostPort;
    }

    @Override
    protected void waitUntilReady() {
      Awaitility.await("server answering on port " + hostPort)
          .atMost(startupTimeout)
          .pollInterval(Duration.ofMillis(50))
          .until(() -> answers(server, hostPort) || !waitStrategyTarget.isRunning());
      if (!waitStrategyTarget.isRunning()) {
        throw new IllegalStateException("the container exited at start");
      }
    }
  }
}
