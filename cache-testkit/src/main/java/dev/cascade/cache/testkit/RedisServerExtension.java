package dev.cascade.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a real Redis: a standalone server or a 3-master Cluster, started before the
 * first test and stopped after the last. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static RedisServerExtension redis = RedisServerExtension.standalone();
 * ... RedisClient.create(redis.uri()) ...
 * }</pre>
 *
 * <p>A server is found in this order: an address in the environment ({@code CASCADE_REDIS_URI} for
 * standalone, {@code CASCADE_REDIS_CLUSTER} as {@code host:port,host:port,...} for a cluster); then,
 * as the system property {@code cascade.testkit.servers} chooses ({@code auto} by default: Docker
 * when an engine answers), a container of the image {@code cascade.testkit.redis.image} ({@code
 * redis:7.0.15} by default) through Testcontainers, or {@code redis-server} on the PATH, started on
 * free loopback ports. A cluster and a TLS server always come from {@code redis-server} on the
 * PATH, in every mode. With none of these the class fails, saying how to get one. Servers the
 * testkit started, in a container or not, can be killed, paused and resumed by the tests; external
 * ones cannot.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
  private static final int CLUSTER_MASTERS = 3;

  private final boolean cluster;
  private final boolean durable;
  private final boolean tls;
  private final List<ServerProcess> processes = new ArrayList<>();
  private final List<String> external = new ArrayList<>();
  private int tlsPort;
  private @Nullable TestCertificates certificates;

  private RedisServerExtension(boolean cluster, boolean durable) {
    this(cluster, durable, false);
  }

  private RedisServerExtension(boolean cluster, boolean durable, boolean tls) {
    this.cluster = cluster;
    this.durable = durable;
    this.tls = tls;
  }

  /** Returns an extension that provides one standalone server. */
  public static RedisServerExtension standalone() {
    return new RedisServerExtension(false, false);
  }

  /**
   * Returns an extension that provides one standalone server that logs every write to its
   * append-only file and fsyncs it before answering ({@code appendonly yes}, {@code appendfsync
   * always}). It starts with an empty data directory; {@link ServerProcess#restart()} after {@link
   * ServerProcess#kill()} starts it again on the same directory, so it comes back with every write
   * it acknowledged.
   */
  public static RedisServerExtension durableStandalone() {
    return new RedisServerExtension(false, true);
  }

  /**
   * Returns an extension that provides one standalone server that also listens for TLS on {@link
   * #tlsPort()}, with a certificate for {@code 127.0.0.1} signed by a certificate authority made for
   * the run ({@link #certificates()}; needs {@code openssl}). Clients are not asked for
   * certificates. {@link #uri()} and {@link #command} stay on the plain port, for the test's own
   * set-up (such as {@code ACL SETUSER}). Never an external server: it needs the test's certificates.
   */
  public static RedisServerExtension standaloneWithTls() {
    return new RedisServerExtension(false, false, true);
  }

  /** Returns the TLS port of a {@link #standaloneWithTls()} server. @throws IllegalStateException for another kind */
  public int tlsPort() {
    if (!tls) {
      throw new IllegalStateException("this server has no TLS port: use RedisServerExtension.standaloneWithTls()");
    }
    return tlsPort;
  }

  /** Returns the certificates of a {@link #standaloneWithTls()} server. @throws IllegalStateException for another kind */
  public TestCertificates certificates() {
    if (certificates == null) {
      throw new IllegalStateException("this server has no certificates: use RedisServerExtension.standaloneWithTls()");
    }
    return certificates;
  }

  /** Returns an extension that provides a Redis Cluster of three masters with all slots assigned. */
  public static RedisServerExtension cluster() {
    return new RedisServerExtension(true, false);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String variable = cluster ? "CASCADE_REDIS_CLUSTER" : "CASCADE_REDIS_URI";
    String address = System.getenv(variable);
    if (address != null && !address.isBlank() && !tls) {
      for (String part : address.split(",")) {
        external.add(part.trim().replaceFirst("^redis://", ""));
      }
      return;
    }
    ServerSource source = ServerSource.jvm();
    if (cluster || tls) {
      source.localOnly(cluster ? "Redis Cluster" : "Redis with TLS");
    } else if (source.choice().kind() == ServerSource.Kind.DOCKER) {
      ContainerSpec spec = ContainerSpec.redis(source.redisImage(), durable);
      processes.add(ServerProcess.of(ContainerServer.start(durable ? "redis-durable" : "redis", spec)));
      return;
    }
    Optional<String> binary = ServerProcess.findBinary("redis-server");
    if (binary.isEmpty()) {
      throw new IllegalStateException(
          "no Redis for the tests: set "
              + variable
              + " to a server the tests may flush, or install redis-server (Debian: apt-get install redis-server)");
    }
    if (cluster) {
      startCluster(binary.get());
    } else if (tls) {
      tlsPort = ServerProcess.freePort();
      TestCertificates made = TestCertificates.create(Path.of("target", "servers", "tls-" + tlsPort).toAbsolutePath());
      certificates = made;
      processes.add(
          ServerProcess.start(
              "redis-tls",
              port -> {
                List<String> args = redisArgs(binary.get(), port, false);
                args.addAll(
                    List.of(
                        "--tls-port", Integer.toString(tlsPort),
                        "--tls-cert-file", made.serverCertificate().toString(),
                        "--tls-key-file", made.serverKey().toString(),
                        "--tls-ca-cert-file", made.caCertificate().toString(),
                        "--tls-auth-clients", "no"));
                return args;
              }));
    } else {
      AtomicBoolean firstLaunch = new AtomicBoolean(true);
      processes.add(
          ServerProcess.start(
              "redis",
              port -> {
                List<String> args = redisArgs(binary.get(), port, false);
                if (durable) {
                  // a fresh log at the first start (a port may be reused from an earlier run), the same one after
                  if (firstLaunch.getAndSet(false)) {
                    deleteTree(workDir(port).resolve("appendonlydir"));
                  }
                  args.addAll(List.of("--appendonly", "yes", "--appendfsync", "always"));
                }
                return args;
              }));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    processes.forEach(ServerProcess::close);
    processes.clear();
  }

  /** Returns whether this extension provides a cluster. */
  public boolean isCluster() {
    return cluster;
  }

  /** Returns the URI of the (first) server, such as {@code redis://127.0.0.1:6390}. */
  public String uri() {
    return "redis://" + address(0);
  }

  /** Returns the URIs of every server (one for standalone, the masters for a cluster). */
  public List<String> uris() {
    List<String> uris = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      uris.add("redis://" + address(i));
    }
    return uris;
  }

  /** Returns the port of server {@code index}. */
  public int port(int index) {
    String address = address(index);
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }

  /** Returns the number of servers. */
  public int size() {
    return external.isEmpty() ? processes.size() : external.size();
  }

  /**
   * Returns the process of server {@code index}, to kill, pause or resume it.
   *
   * @throws IllegalStateException for an external server
   */
  public ServerProcess process(int index) {
    if (!external.isEmpty()) {
      throw new IllegalStateException("this test needs a server the testkit started, not " + external);
    }
    return processes.get(index);
  }

  /** Sends one command to server {@code index} (see {@link Resp#command}). */
  public Object command(int index, Object... args) {
    return Resp.command(port(index), args);
  }

  private String address(int index) {
    if (!external.isEmpty()) {
      return external.get(index);
    }
    return "127.0.0.1:" + processes.get(index).port();
  }

  static List<String> redisArgs(String binary, int port, boolean clusterEnabled) {
    List<String> args =
        new ArrayList<>(
            List.of(
                binary,
                "--port",
                Integer.toString(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "no",
                "--dir",
                workDir(port).toString()));
    if (clusterEnabled) {
      args.addAll(
          List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "5000"));
    }
    return args;
  }

  static Path workDir(int port) {
    try {
      Path dir = Path.of("target", "servers", "redis-" + port).toAbsolutePath();
      Files.createDirectories(dir);
      Files.deleteIfExists(dir.resolve("nodes-" + port + ".conf"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void startCluster(String binary) {
    for (int i = 0; i < CLUSTER_MASTERS; i++) {
      processes.add(ServerProcess.start("redis-cluster", port -> redisArgs(binary, port, true)));
    }
    int slotsPerNode = 16384 / CLUSTER_MASTERS;
    for (int i = 0; i < CLUSTER_MASTERS; i++) {
      int first = i * slotsPerNode;
      int last = i == CLUSTER_MASTERS - 1 ? 16383 : first + slotsPerNode - 1;
      Resp.command(processes.get(i).port(), "CLUSTER", "ADDSLOTSRANGE", first, last);
    }
    for (int i = 1; i < CLUSTER_MASTERS; i++) {
      Resp.command(processes.get(0).port(), "CLUSTER", "MEET", "127.0.0.1", processes.get(i).port());
    }
    Awaitility.await("Redis Cluster ready")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(this::clusterReady);
  }

  private boolean clusterReady() {
    for (ServerProcess process : processes) {
      String info = (String) Resp.command(process.port(), "CLUSTER", "INFO");
      if (!info.contains("cluster_state:ok") || !info.contains("cluster_known_nodes:" + CLUSTER_MASTERS)) {
        return false;
      }
    }
    return true;
  }
}
