package dev.cascade.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.spring.CascadeCacheManager;
import dev.cascade.cache.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/** The starter on a 3-master Redis Cluster ({@code cascade.redis.cluster.nodes}). */
class CascadeStarterClusterIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.cluster();

  /** Client connections on every master, other than the asking one. */
  private static long otherClients() {
    return IntStream.range(0, redis.size())
        .mapToLong(
            i ->
                Arrays.stream(((String) redis.command(i, "CLIENT", "LIST")).split("\n"))
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.contains("cmd=client"))
                    .count())
        .sum();
  }

  @Test
  void clusterNodes_layerCaches_closeLeavesNoConnectionOpen() {
    String nodes =
        IntStream.range(0, redis.size()).mapToObj(i -> "127.0.0.1:" + redis.port(i)).collect(Collectors.joining(","));
    ConfigurableApplicationContext app =
        StarterContexts.start(
            "cascade.redis.cluster.nodes=" + nodes,
            "cascade.redis.command-timeout=2s",
            "cascade.caches.greetings.value-type=java.lang.String");
    try {
      CascadeCacheManager manager = (CascadeCacheManager) app.getBean(CacheManager.class);
      assertThat(manager.getCache("greetings").getNativeCache().inspect().hasRemoteTier()).isTrue();
      StarterApp.Greetings greetings = app.getBean(StarterApp.Greetings.class);
      for (String name : new String[] {"ada", "grace", "barbara", "frances"}) {
        assertThat(greetings.greet(name)).isEqualTo("hello " + name);
        assertThat(greetings.greet(name)).isEqualTo("hello " + name);
      }
      assertThat(greetings.calls()).isEqualTo(4);
      greetings.forget("ada");
      greetings.greet("ada");
      assertThat(greetings.calls()).isEqualTo(5);
      assertThat(otherClients()).isPositive();
    } finally {
      app.close();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(otherClients()).as("connections left after close").isZero());
  }
}
