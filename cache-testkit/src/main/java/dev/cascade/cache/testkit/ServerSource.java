package dev.cascade.cache.testkit;

import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Where the testkit's servers come from when no address is given in the environment: Docker
 * containers through Testcontainers, or local binaries on free loopback ports. The system property
 * {@value #PROPERTY} chooses: {@code auto} (the default) takes Docker when an engine answers and
 * local binaries otherwise, {@code docker} insists on Docker, {@code local} never asks Docker.
 *
 * <p>Only standalone Redis (plain and durable) and memcached come from containers; Redis Cluster,
 * Sentinel and TLS come from local binaries in every mode ({@link #LOCAL_ONLY}).
 *
 * <p>The choice is made once, on first use, and logged with its reason. Thread-safe: the first
 * caller probes, later callers get its answer (a failure included). The probe is injected so that
 * the choice can be checked on a machine without an engine.
 */
final class ServerSource {
  /** The system property that chooses the source: {@code auto}, {@code docker} or {@code local}. */
  static final String PROPERTY = "cascade.testkit.servers";

  /** Why some servers never come from containers; logged and documented in docs/testing.md. */
  static final String LOCAL_ONLY =
      "Redis Cluster, Sentinel and Redis with TLS always come from the local redis-server binary: a cluster's"
          + " and a Sentinel's nodes announce their addresses to each other and to clients, which container"
          + " port mapping breaks, and TLS uses certificates the test makes for 127.0.0.1";

  private static final System.Logger LOG = System.getLogger(ServerSource.class.getName());
  private static final ServerSource JVM =
      new ServerSource(DockerEngine::answeringHost, System::getProperty, ServerSource::logInfo);

  /** Where a server comes from. */
  enum Kind {
    LOCAL,
    DOCKER
  }

  /** The source chosen, and why, for the log. */
  record Choice(Kind kind, String reason) {}

  /** Asks whether a Docker engine answers. */
  @FunctionalInterface
  interface EngineProbe {
    /**
     * Returns the host on which an answering engine publishes container ports, or empty when no
     * engine answers.
     */
    Optional<String> answeringHost();
  }

  private final EngineProbe probe;
  private final Function<String, @Nullable String> properties;
  private final Consumer<String> log;
  private final ReentrantLock lock = new ReentrantLock();
  private @Nullable Choice choice;
  private @Nullable RuntimeException failure;
  private final Set<String> loggedLocalOnly = new HashSet<>();

  ServerSource(EngineProbe probe, Function<String, @Nullable String> properties, Consumer<String> log) {
    this.probe = probe;
    this.properties = properties;
    this.log = log;
  }

  /** Returns the JVM's source, which reads system properties and asks Testcontainers. */
  static ServerSource jvm() {
    return JVM;
  }

  /**
   * Returns the choice, making and logging it on the first call.
   *
   * @throws IllegalArgumentException if {@value #PROPERTY} has another value, on every call
   * @throws IllegalStateException if Docker is required and no usable engine answers, on every call
   */
  Choice choice() {
    lock.lock();
    try {
      if (choice == null && failure == null) {
        try {
          Choice made = choose(properties.apply(PROPERTY), probe);
          log.accept("Cascade testkit: servers from " + describe(made) + " (" + made.reason() + ")");
          choice = made;
        } catch (IllegalArgumentException | IllegalStateException e) {
          failure = e;
          log.accept("Cascade testkit: no server source: " + e.getMessage());
          throw e;
        }
      }
      if (failure != null) {
        // a new exception per caller, so that each test's stack trace is its own
        throw failure instanceof IllegalArgumentException
            ? new IllegalArgumentException(failure.getMessage(), failure)
            : new IllegalStateException(failure.getMessage(), failure);
      }
      return Objects.requireNonNull(choice);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Chooses the source for a value of {@value #PROPERTY} ({@code null} means {@code auto}). The
   * probe is called for {@code auto} and {@code docker} only.
   *
   * @throws IllegalArgumentException if the value is not {@code auto}, {@code docker} or {@code local}
   * @throws IllegalStateException for {@code docker} when no engine answers, when it publishes ports
   *     on another machine, or when the probe fails
   */
  static Choice choose(@Nullable String setting, EngineProbe probe) {
    String mode = setting == null || setting.isBlank() ? "auto" : setting.trim().toLowerCase(Locale.ROOT);
    switch (mode) {
      case "local":
        return new Choice(Kind.LOCAL, PROPERTY + "=local");
      case "auto":
      case "docker":
        break;
      default:
        throw new IllegalArgumentException(PROPERTY + " must be auto, docker or local, was '" + setting + "'");
    }
    boolean forced = mode.equals("docker");
    Optional<String> host;
    try {
      host = probe.answeringHost();
    } catch (RuntimeException e) {
      // Testcontainers' own check catches what it expects; anything else must not break the local path
      if (forced) {
        throw new IllegalStateException(PROPERTY + "=docker, but asking Testcontainers for a Docker engine failed: " + e, e);
      }
      return new Choice(Kind.LOCAL, PROPERTY + "=auto and asking Testcontainers for a Docker engine failed: " + e);
    }
    if (host.isEmpty()) {
      if (forced) {
        throw new IllegalStateException(
            PROPERTY
                + "=docker, but no Docker engine answers (Testcontainers found none: see its documentation on"
                + " DOCKER_HOST and ~/.testcontainers.properties); start one, or set "
                + PROPERTY
                + "=local to use the local redis-server and memcached binaries");
      }
      return new Choice(Kind.LOCAL, PROPERTY + "=auto and no Docker engine answers");
    }
    if (!isLoopback(host.get())) {
      // The tests reach every server at 127.0.0.1 (Resp, FaultProxy, the extensions' addresses).
      String why = "the Docker engine publishes ports on " + host.get() + ", not on this machine's 127.0.0.1, where the tests look";
      if (forced) {
        throw new IllegalStateException(PROPERTY + "=docker, but " + why + "; set " + PROPERTY + "=local, or use a local engine");
      }
      return new Choice(Kind.LOCAL, PROPERTY + "=auto and " + why);
    }
    return new Choice(Kind.DOCKER, PROPERTY + "=" + mode + " and a Docker engine answers on " + host.get());
  }

  private static boolean isLoopback(String host) {
    return host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127.");
  }

  /** Returns the standalone Redis image to run ({@link ContainerSpec#redisImage}). */
  String redisImage() {
    return ContainerSpec.redisImage(properties);
  }

  /** Returns the memcached image to run ({@link ContainerSpec#memcachedImage}). */
  String memcachedImage() {
    return ContainerSpec.memcachedImage(properties);
  }

  /**
   * Returns the choice ({@link #choice()}) for a server that always runs from a local binary, and
   * if the choice is Docker, logs once per {@code server} that this one does not.
   */
  Choice localOnly(String server) {
    Choice made = choice();
    if (made.kind() == Kind.DOCKER) {
      lock.lock();
      try {
        if (loggedLocalOnly.add(server)) {
          log.accept("Cascade testkit: " + server + " from the local redis-server binary, not a container (" + LOCAL_ONLY + ")");
        }
      } finally {
        lock.unlock();
      }
    }
    return made;
  }

  private static void logInfo(String message) {
    LOG.log(System.Logger.Level.INFO, message);
  }

  private String describe(Choice choice) {
    return choice.kind() == Kind.DOCKER
        ? "Docker containers for standalone Redis ("
            + redisImage()
            + ") and memcached ("
            + memcachedImage()
            + "); "
            + LOCAL_ONLY
        : "local binaries";
  }
}
