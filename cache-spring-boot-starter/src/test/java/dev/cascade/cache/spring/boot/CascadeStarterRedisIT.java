package dev.cascade.cache.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.spring.CascadeCacheManager;
import dev.cascade.cache.testkit.RedisServerExtension;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.micrometer.metrics.actuate.endpoint.MetricsEndpoint;
import org.springframework.cache.CacheManager;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The starter layered over a real Redis (the testkit's): the caches use it, Actuator shows the
 * Redis tier's meters, and closing the application closes every connection it opened, checked
 * with {@code CLIENT LIST} on a connection of the test's own.
 */
class CascadeStarterRedisIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  /** The clients connected to the server other than the one asking (one connection per command). */
  private static List<String> otherClients() {
    String list = (String) redis.command(0, "CLIENT", "LIST");
    return Arrays.stream(list.split("\n"))
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.contains("cmd=client|list") && !line.contains("cmd=client "))
        .toList();
  }

  @Test
  void redisUri_layersCaches_closeLeavesNoConnectionOpen() {
    assertThat(otherClients()).isEmpty();
    ConfigurableApplicationContext app =
        StarterContexts.start(
            "cascade.redis.uri=" + redis.uri(),
            "cascade.redis.command-timeout=2s",
            "cascade.caches.greetings.value-type=java.lang.String",
            "cascade.caches.greetings.ttl=1m");
    try {
      CascadeCacheManager manager = (CascadeCacheManager) app.getBean(CacheManager.class);
      assertThat(manager.getCache("greetings").getNativeCache().inspect().hasRemoteTier()).isTrue();
      StarterApp.Greetings greetings = app.getBean(StarterApp.Greetings.class);
      assertThat(greetings.greet("ada")).isEqualTo("hello ada");
      assertThat(greetings.greet("ada")).isEqualTo("hello ada");
      assertThat(greetings.calls()).isEqualTo(1);
      assertThat(redis.command(0, "EXISTS", "cascade:greetings:ada")).isEqualTo(1L);
      assertThat(otherClients()).hasSize(RedisBackend.CONNECTIONS);

      MetricsEndpoint metrics = app.getBean(MetricsEndpoint.class);
      assertThat(metrics.metric("cache.gets", List.of("cache:greetings"))).isNotNull();
      assertThat(metrics.metric("cache.gets", List.of("cache:greetings.l2"))).isNotNull();
    } finally {
      app.close();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(otherClients()).as("connections left after close").isEmpty());
  }
}
