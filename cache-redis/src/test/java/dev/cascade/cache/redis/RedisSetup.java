package dev.cascade.cache.redis;

import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.jspecify.annotations.Nullable;

/**
 * A real Redis (standalone or 3-master cluster) plus what every Redis test needs on top of it: a
 * client with the options docs/redis.md recommends, a shared {@link RedisTier}, channels closed
 * after each test, and the check that no {@code KEYS}, {@code FLUSHDB} or {@code FLUSHALL} was sent
 * by Cascade during the class (tests that flush on purpose opt out).
 */
final class RedisSetup implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
  private final RedisServerExtension server;
  private final Duration timeout;
  private final boolean checkCommands;
  private final List<AutoCloseable> perTest = new ArrayList<>();
  private final List<AbstractRedisClient> clients = new ArrayList<>();
  private final @Nullable SecureAccess secure;
  private AbstractRedisClient client;
  private RedisTier store;

  private RedisSetup(RedisServerExtension server, Duration timeout, boolean checkCommands) {
    this(server, timeout, checkCommands, null);
  }

  private RedisSetup(RedisServerExtension server, Duration timeout, boolean checkCommands, @Nullable SecureAccess secure) {
    this.server = server;
    this.timeout = timeout;
    this.checkCommands = checkCommands;
    this.secure = secure;
  }

  /**
   * A standalone server reached over TLS (the server's certificate checked against the run's
   * certificate authority) as an ACL user set with {@code aclLine}: every client of this setup,
   * the shared store's included, is such a client.
   */
  static RedisSetup tlsWithAcl(SecureAccess access) {
    return new RedisSetup(RedisServerExtension.standaloneWithTls(), RedisTests.RELAXED_TIMEOUT, true, access);
  }

  static RedisSetup standalone() {
    return new RedisSetup(RedisServerExtension.standalone(), RedisTests.RELAXED_TIMEOUT, true);
  }

  /** A standalone server with {@code appendonly yes} and {@code appendfsync always}, restartable on its data. */
  static RedisSetup durableStandalone() {
    return new RedisSetup(RedisServerExtension.durableStandalone(), RedisTests.RELAXED_TIMEOUT, true);
  }

  static RedisSetup cluster() {
    return new RedisSetup(RedisServerExtension.cluster(), RedisTests.RELAXED_TIMEOUT, true);
  }

  /** A standalone server whose store uses {@code timeout}; for tests that measure timeouts. */
  static RedisSetup standalone(Duration timeout) {
    return new RedisSetup(RedisServerExtension.standalone(), timeout, true);
  }

  /** Does not check the server's command statistics (for tests that send FLUSHALL themselves). */
  RedisSetup flushesOnPurpose() {
    return new RedisSetup(server, timeout, false);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    server.beforeAll(context);
    if (secure != null) {
      secure.grant(server);
    }
    client = newClient();
    store = client instanceof RedisClusterClient cluster
        ? RedisTier.builder(cluster).commandTimeout(timeout).build()
        : RedisTier.builder((RedisClient) client).commandTimeout(timeout).build();
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    for (AutoCloseable closeable : perTest) {
      closeable.close();
    }
    perTest.clear();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    store.close();
    clients.forEach(AbstractRedisClient::shutdown);
    try {
      if (checkCommands) {
        RedisTests.assertNoKeysCommand(server);
      }
    } finally {
      server.afterAll(context);
    }
  }

  /** Returns a new client (closed after the class), as a separate service instance would have. */
  AbstractRedisClient newClient() {
    AbstractRedisClient created =
        secure != null
            ? secure.client(server)
            : server.isCluster() ? RedisTests.clusterClient(server) : RedisTests.client(server);
    clients.add(created);
    return created;
  }

  /** Returns a channel on a client of its own, closed after the test. */
  RedisInvalidation newChannel(Duration ackTimeout) {
    AbstractRedisClient own = newClient();
    RedisInvalidation.Builder builder =
        own instanceof RedisClusterClient cluster ? RedisInvalidation.builder(cluster) : RedisInvalidation.builder((RedisClient) own);
    RedisInvalidation channel = builder.ackTimeout(ackTimeout).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
    perTest.add(channel);
    return channel;
  }

  RedisTier store() {
    return store;
  }

  AbstractRedisClient client() {
    return client;
  }

  RedisServerExtension server() {
    return server;
  }
}
