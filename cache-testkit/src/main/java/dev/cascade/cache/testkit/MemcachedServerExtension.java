package dev.cascade.cache.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class one or several real memcached servers, started before the first test and
 * stopped after the last. Register it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension static MemcachedServerExtension memcached = MemcachedServerExtension.servers(3);
 * ... MemcachedTier.create(memcached.addresses().toArray(String[]::new)) ...
 * }</pre>
 *
 * <p>Servers are found in this order: addresses in the environment variable {@code
 * CASCADE_MEMCACHED} ({@code host:port,host:port,...}, at least as many as the class asks for);
 * then, as the system property {@code cascade.testkit.servers} chooses ({@code auto} by default:
 * Docker when an engine answers), containers of the image {@code cascade.testkit.memcached.image}
 * ({@code memcached:1.6} by default) through Testcontainers, or the {@code memcached} binary on the
 * PATH, started on free loopback ports (with {@code -u root} when running as root, which memcached
 * otherwise refuses). With none of these the class fails, saying how to get one. Servers the testkit
 * started, in a container or not, can be killed, paused, resumed and restarted by the tests;
 * external ones cannot. Not thread-safe: one test class drives it.
 */
public final class MemcachedServerExtension implements BeforeAllCallback, AfterAllCallback {
  /** The environment variable naming external servers. */
  public static final String ENVIRONMENT = "CASCADE_MEMCACHED";

  private final int count;
  private final List<ServerProcess> processes = new ArrayList<>();
  private final List<String> external = new ArrayList<>();

  private MemcachedServerExtension(int count) {
    this.count = count;
  }

  /** Returns an extension that provides one server. */
  public static MemcachedServerExtension single() {
    return new MemcachedServerExtension(1);
  }

  /**
   * Returns an extension that provides {@code count} independent servers (a pool).
   *
   * @throws IllegalArgumentException if {@code count} is not 1 to 16
   */
  public static MemcachedServerExtension servers(int count) {
    if (count < 1 || count > 16) {
      throw new IllegalArgumentException("count must be 1 to 16, was " + count);
    }
    return new MemcachedServerExtension(count);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    String addresses = System.getenv(ENVIRONMENT);
    if (addresses != null && !addresses.isBlank()) {
      for (String part : addresses.split(",")) {
        if (!part.isBlank()) {
          external.add(part.trim());
        }
      }
      if (external.size() < count) {
        throw new IllegalStateException(
            "this test class needs " + count + " memcached servers but " + ENVIRONMENT + " names " + external);
      }
      external.subList(count, external.size()).clear();
      return;
    }
    ServerSource source = ServerSource.jvm();
    if (source.choice().kind() == ServerSource.Kind.DOCKER) {
      ContainerSpec spec = ContainerSpec.memcached(source.memcachedImage());
      for (int i = 0; i < count; i++) {
        processes.add(ServerProcess.of(ContainerServer.start("memcached", spec)));
      }
      return;
    }
    Optional<String> binary = ServerProcess.findBinary("memcached");
    if (binary.isEmpty()) {
      throw new IllegalStateException(
          "no memcached for the tests: install it (Debian/Ubuntu: apt-get install memcached) or set "
              + ENVIRONMENT
              + " to host:port[,host:port...] of servers the tests may fill");
    }
    for (int i = 0; i < count; i++) {
      processes.add(ServerProcess.start("memcached", port -> arguments(binary.get(), port)));
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    processes.forEach(ServerProcess::close);
    processes.clear();
  }

  /** Returns the servers' addresses, {@code host:port}, in a stable order. */
  public List<String> addresses() {
    List<String> addresses = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      addresses.add(address(i));
    }
    return List.copyOf(addresses);
  }

  /** Returns the address of server {@code index}, {@code host:port}. */
  public String address(int index) {
    return external.isEmpty() ? "127.0.0.1:" + processes.get(index).port() : external.get(index);
  }

  /** Returns the number of servers. */
  public int size() {
    return external.isEmpty() ? processes.size() : external.size();
  }

  /**
   * Returns the process of server {@code index}, to kill, pause, resume or restart it.
   *
   * @throws IllegalStateException for an external server
   */
  public ServerProcess process(int index) {
    if (!external.isEmpty()) {
      throw new IllegalStateException("this test needs servers the testkit started, not " + external);
    }
    return processes.get(index);
  }

  static List<String> arguments(String binary, int port) {
    List<String> args =
        new ArrayList<>(List.of(binary, "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0", "-m", "64", "-t", "2"));
    if ("root".equals(System.getProperty("user.name"))) {
      args.add("-u");
      args.add("root");
    }
    return args;
  }
}
