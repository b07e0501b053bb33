package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.cluster.RedisClusterClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * On a 3-master cluster too, the invalidation channel starts without {@code SCAN} on any master and
 * finds the running instance (whose subscription may live on another node) through {@code PUBSUB
 * CHANNELS} on every node.
 */
class RedisClusterInvalidationStartupIT {
  @RegisterExtension static final RedisServerExtension server = RedisServerExtension.cluster();
  private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void start_onCluster_sendsNoScanOnAnyMaster_andKnowsTheOtherInstance() {
    long scansBefore = RedisInvalidationStartupIT.calls(server, "scan");

    // The newcomer forgets a running instance that does not acknowledge its hello within the ack
    // timeout; the default 250 ms is too short for a cold JVM's first cluster round trips (CI saw it).
    RedisInvalidation a =
        RedisInvalidation.builder(client())
            .heartbeat(Duration.ofSeconds(10))
            .ackTimeout(ACK_TIMEOUT)
            .commandTimeout(RedisTests.RELAXED_TIMEOUT)
            .build();
    opened.add(a);
    RedisBackend backend =
        RedisBackend.builder(client())
            .heartbeat(Duration.ofSeconds(10))
            .ackTimeout(ACK_TIMEOUT)
            .commandTimeout(RedisTests.RELAXED_TIMEOUT)
            .build();
    opened.add(backend);
    RedisInvalidation b = backend.invalidation();

    assertThat(RedisInvalidationStartupIT.calls(server, "scan")).as("SCAN calls on all masters").isEqualTo(scansBefore);
    assertThat(RedisInvalidationStartupIT.calls(server, "pubsub|channels")).as("PUBSUB CHANNELS, on every node").isPositive();
    assertThat(b.waitsFor(a.instanceId())).as("the newcomer found the running instance").isTrue();
    assertThat(a.waitsFor(b.instanceId())).as("the running instance heard the newcomer before it returned").isTrue();
  }

  private RedisClusterClient client() {
    RedisClusterClient client = RedisTests.clusterClient(server);
    opened.add(client::shutdown);
    return client;
  }
}
