package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One {@link RedisBackend} per service instance: twenty layered caches on it hold the documented
 * number of connections (counted by the server, {@code CLIENT LIST}), on a standalone server and on
 * a 3-master cluster, and closing the backend gives every one of them back.
 */
class RedisBackendIT {
  @RegisterExtension static final RedisServerExtension standalone = RedisServerExtension.standalone();
  @RegisterExtension static final RedisServerExtension cluster = RedisServerExtension.cluster();

  private static final int CACHES = 20;
  /** Long enough to see a connection that opens late, or one that a close leaves behind. */
  private static final Duration STEADY = Duration.ofMillis(500);

  /** Clients connected to server {@code node}, less the raw connection that asks. */
  private static int clients(RedisServerExtension server, int node) {
    return (int) ((String) server.command(node, "CLIENT", "LIST")).lines().count() - 1;
  }

  /** Clients connected to every server of {@code server}, less the raw connections that ask. */
  private static int clients(RedisServerExtension server) {
    int total = 0;
    for (int node = 0; node < server.size(); node++) {
      total += clients(server, node);
    }
    return total;
  }

  private static RedisBackend backend(AbstractRedisClient client) {
    RedisBackend.Builder builder =
        client instanceof RedisClusterClient clusterClient ? RedisBackend.builder(clusterClient) : RedisBackend.builder((RedisClient) client);
    return builder.commandTimeout(RedisTests.RELAXED_TIMEOUT).ackTimeout(Duration.ofSeconds(5)).build();
  }

  private static List<Cache<String, String>> layeredCaches(RedisBackend backend, String prefix) {
    List<Cache<String, String>> caches = new ArrayList<>();
    for (int i = 0; i < CACHES; i++) {
      caches.add(
          Cache.<String, String>builder(prefix + i)
              .inMemory(m -> m.maximumSize(100))
              .tier(backend.store())
              .valueCodec(StringCodec.create())
              .invalidation(backend.invalidation())
              .stampede(Stampede.distributed(backend.stampedeLock()))
              .build());
    }
    return caches;
  }

  /** Uses every part of the backend: the store, the lease, the channel and a cluster-wide sweep. */
  private static void exercise(Cache<String, String> cache) {
    for (int k = 0; k < 10; k++) {
      cache.put("k" + k, "v" + k, Duration.ofMinutes(1), "tag");
      assertThat(cache.get("loaded" + k, key -> "from-loader")).isEqualTo("from-loader"); // takes a lease
      cache.invalidate("k" + k);
    }
    cache.invalidateTag("tag");
    cache.invalidateAll();
  }

  /**
   * Builds twenty layered caches on one backend, uses them, and checks that the server's client
   * count grew by exactly {@code expected}, stays there, and returns to where it was once the caches
   * and the backend are closed; the backend's marker key is gone too.
   */
  private static void countConnections(RedisServerExtension server, AbstractRedisClient client, IntSupplier count, int expected) {
    int before = count.getAsInt();
    RedisBackend backend = backend(client);
    List<Cache<String, String>> caches = layeredCaches(backend, "counted-");
    caches.forEach(RedisBackendIT::exercise);
    String marker = "cascade:invalidation:marker:" + backend.invalidation().instanceId();

    await()
        .during(STEADY)
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(() -> assertThat(count.getAsInt() - before).as("connections of 20 layered caches").isEqualTo(expected));
    assertThat(exists(server, marker)).isTrue();

    caches.forEach(Cache::close);
    backend.close();

    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(count.getAsInt()).isEqualTo(before));
    assertThat(exists(server, marker)).isFalse();
  }

  /** Returns whether a key matching {@code pattern} is on any server of {@code server} (by SCAN). */
  private static boolean exists(RedisServerExtension server, String pattern) {
    for (int node = 0; node < server.size(); node++) {
      String cursor = "0";
      do {
        List<?> page = (List<?>) server.command(node, "SCAN", cursor, "MATCH", pattern, "COUNT", "1000");
        if (!((List<?>) page.get(1)).isEmpty()) {
          return true;
        }
        cursor = (String) page.get(0);
      } while (!cursor.equals("0"));
    }
    return false;
  }

  @Test
  void twentyLayeredCaches_standalone_holdConnectionsConstant_closeGivesThemBack() {
    RedisClient client = RedisTests.client(standalone);
    try {
      countConnections(standalone, client, () -> clients(standalone), RedisBackend.CONNECTIONS);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void twentyLayeredCaches_cluster_holdMastersPlusTwoConnections_closeGivesThemBack() {
    RedisClusterClient client = RedisTests.clusterClient(cluster);
    try {
      countConnections(cluster, client, () -> clients(cluster), RedisBackend.clusterConnections(cluster.size()));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void twentyLayeredCaches_cluster_everyMasterServesTheirKeys() {
    RedisClusterClient client = RedisTests.clusterClient(cluster);
    int[] before = new int[cluster.size()];
    for (int node = 0; node < cluster.size(); node++) {
      before[node] = clients(cluster, node);
    }
    try (RedisBackend backend = backend(client)) {
      List<Cache<String, String>> caches = layeredCaches(backend, "spread-");
      caches.forEach(RedisBackendIT::exercise);

      for (int node = 0; node < cluster.size(); node++) {
        // One node connection each; the default and pub/sub connections land on any node.
        assertThat(clients(cluster, node) - before[node]).as("connections to master " + node).isBetween(1, 3);
      }
      caches.forEach(Cache::close);
    } finally {
      client.shutdown();
    }
  }

  @Test
  void twoInstances_manyCachesShareOneChannelEach_anInvalidationReachesOnlyItsCache() {
    RedisClient clientA = RedisTests.client(standalone);
    RedisClient clientB = RedisTests.client(standalone);
    try (RedisBackend a = backend(clientA);
        RedisBackend b = backend(clientB)) {
      List<Cache<String, String>> onA = layeredCaches(a, "shared-");
      List<Cache<String, String>> onB = layeredCaches(b, "shared-");
      for (int i = 0; i < CACHES; i++) {
        onA.get(i).put("k", "old-" + i);
        assertThat(onB.get(i).getIfPresent("k")).isEqualTo("old-" + i); // now in B's L1
      }
      long[] receivedBefore = onB.stream().mapToLong(cache -> cache.stats().invalidationsReceivedCount()).toArray();

      onA.get(3).put("k", "new"); // returns once B acknowledged

      assertThat(onB.get(3).getIfPresent("k")).isEqualTo("new");
      for (int i = 0; i < CACHES; i++) {
        long received = onB.get(i).stats().invalidationsReceivedCount() - receivedBefore[i];
        assertThat(received).as("invalidations received by B's cache " + i).isEqualTo(i == 3 ? 1 : 0);
        assertThat(onB.get(i).getIfPresent("k")).isEqualTo(i == 3 ? "new" : "old-" + i);
      }
      onA.forEach(Cache::close);
      onB.forEach(Cache::close);
    } finally {
      clientA.shutdown();
      clientB.shutdown();
    }
  }

  @Test
  void handedOutObjects_closeDoesNothing_theBackendClosesThem() {
    RedisClient client = RedisTests.client(standalone);
    try {
      RedisBackend backend = backend(client);
      RedisInvalidation channel = backend.invalidation();
      backend.store().close();
      backend.stampedeLock().close();
      channel.close();

      Cache<String, String> cache = layeredCaches(backend, "still-open-").get(0);
      cache.put("k", "v");
      assertThat(exists(standalone, "*still-open-0*")).isTrue();
      assertThat(channel.isDelivering()).isTrue();
      assertThat(backend.invalidation()).isSameAs(channel);
      assertThat(backend.store()).isSameAs(backend.store());

      cache.close();
      backend.close();
      backend.close(); // idempotent

      assertThat(channel.isDelivering()).isFalse();
      assertThatThrownBy(backend::store).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(backend::stampedeLock).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(backend::invalidation).isInstanceOf(IllegalStateException.class);
    } finally {
      client.shutdown();
    }
  }
}
