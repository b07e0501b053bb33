package dev.cascade.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class a Redis primary, one replica of it and one Sentinel that watches them (quorum
 * 1, a primary that does not answer for 1 s is down), all real {@code redis-server} processes on
 * free loopback ports (in every mode of {@code cascade.testkit.servers}: never containers), started
 * before the first test and stopped after the last. Clients connect through the Sentinel ({@link
 * #sentinelUri()}); the test kills the primary to make the Sentinel promote the replica. Register it
 * as a static field. Not thread-safe: one test class drives it.
 */
public final class RedisSentinelExtension implements BeforeAllCallback, AfterAllCallback {
  /** The name the Sentinel knows the primary by. */
  public static final String MASTER_NAME = "cascade";

  private final List<ServerProcess> processes = new ArrayList<>();

  private RedisSentinelExtension() {}

  /** Returns an extension with a primary, a replica and a Sentinel. */
  public static RedisSentinelExtension primaryReplicaAndSentinel() {
    return new RedisSentinelExtension();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    ServerSource.jvm().localOnly("Redis Sentinel (primary, replica and Sentinel)");
    String binary =
        ServerProcess.findBinary("redis-server")
            .orElseThrow(() -> new IllegalStateException("no redis-server for the Sentinel tests (Debian: apt-get install redis-server)"));
    ServerProcess primary = ServerProcess.start("redis-primary", port -> RedisServerExtension.redisArgs(binary, port, false));
    processes.add(primary);
    processes.add(
        ServerProcess.start(
            "redis-replica",
            port -> {
              List<String> args = RedisServerExtension.redisArgs(binary, port, false);
              args.addAll(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port())));
              return args;
            }));
    Awaitility.await("replica in sync")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> String.valueOf(Resp.command(replica().port(), "INFO", "replication")).contains("master_link_status:up"));
    processes.add(ServerProcess.start("redis-sentinel", port -> sentinelArgs(binary, port, primary.port())));
    Awaitility.await("Sentinel watching the primary and its replica")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> sentinelSeesReplica());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    processes.forEach(ServerProcess::close);
    processes.clear();
  }

  /** Returns {@code redis-sentinel://127.0.0.1:<port>#cascade}: what a client connects to. */
  public String sentinelUri() {
    return "redis-sentinel://127.0.0.1:" + sentinel().port() + "#" + MASTER_NAME;
  }

  /** Returns the process of the first primary. */
  public ServerProcess primary() {
    return processes.get(0);
  }

  /** Returns the process of the replica (the primary after a failover). */
  public ServerProcess replica() {
    return processes.get(1);
  }

  /** Returns the Sentinel's process. */
  public ServerProcess sentinel() {
    return processes.get(2);
  }

  /** Returns the port of the server the Sentinel names as the primary now. */
  public int currentPrimaryPort() {
    List<?> address = (List<?>) Resp.command(sentinel().port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    return Integer.parseInt(String.valueOf(address.get(1)));
  }

  /** Sends one command to the server on {@code port} (see {@link Resp#command}). */
  public Object command(int port, Object... args) {
    return Resp.command(port, args);
  }

  private boolean sentinelSeesReplica() {
    List<?> replicas = (List<?>) Resp.command(sentinel().port(), "SENTINEL", "REPLICAS", MASTER_NAME);
    return !replicas.isEmpty();
  }

  private static List<String> sentinelArgs(String binary, int port, int primaryPort) {
    Path dir = RedisServerExtension.workDir(port);
    Path config = dir.resolve("sentinel.conf");
    String text =
        String.join(
            "\n",
            "port " + port,
            "bind 127.0.0.1",
            "protected-mode no",
            "dir " + dir,
            "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + primaryPort + " 1",
            "sentinel down-after-milliseconds " + MASTER_NAME + " 1000",
            "sentinel failover-timeout " + MASTER_NAME + " 10000",
            "sentinel parallel-syncs " + MASTER_NAME + " 1",
            "");
    try {
      Files.writeString(config, text, StandardCharsets.US_ASCII); // the Sentinel rewrites it as it learns
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of(binary, config.toString(), "--sentinel");
  }
}
