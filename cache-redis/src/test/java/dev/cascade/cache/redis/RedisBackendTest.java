package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.spi.InvalidationChannel;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The backend's options and connection formula; no server (a client that never connects). */
class RedisBackendTest {
  /** Port 1 on loopback: nothing listens there, so a connection is refused at once. */
  private static final RedisClient NOWHERE = RedisClient.create("redis://127.0.0.1:1");

  @AfterAll
  static void shutdown() {
    NOWHERE.shutdown();
  }

  @Test
  void clusterConnections_threeMasters_five() {
    assertThat(RedisBackend.clusterConnections(3)).isEqualTo(5);
  }

  @Test
  void clusterConnections_noMasters_throwsNamingTheValue() {
    assertThatThrownBy(() -> RedisBackend.clusterConnections(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }

  @Test
  void builder_optionSetTwice_throwsIllegalState() {
    RedisBackend.Builder builder = RedisBackend.builder(NOWHERE).commandTimeout(Duration.ofSeconds(1)).heartbeat(Duration.ofSeconds(1));

    assertThatThrownBy(() -> builder.commandTimeout(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> builder.heartbeat(Duration.ofSeconds(2))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void builder_badValues_throwIllegalArgumentNamingThem() {
    assertThatThrownBy(() -> RedisBackend.builder(NOWHERE).commandTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("commandTimeout")
        .hasMessageContaining("PT-0.001S");
    assertThatThrownBy(() -> RedisBackend.builder(NOWHERE).maxValueBytes(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxValueBytes");
    assertThatThrownBy(() -> RedisBackend.builder(NOWHERE).invalidationChannel(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void build_serverUnreachable_buildsAndFailsCallsAtOnceWithUnavailable() {
    try (RedisBackend backend = RedisBackend.create(NOWHERE)) {
      assertThat(backend.store().get("k")).failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(CacheUnavailableException.class);
      assertThat(backend.stampedeLock().tryAcquire("k", Duration.ofSeconds(1))).failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(CacheUnavailableException.class);

      RedisInvalidation channel = backend.invalidation();
      assertThat(channel.isDelivering()).isFalse();
      assertThat(channel.publish("c", new InvalidationChannel.Event(InvalidationChannel.Kind.ALL, List.of())))
          .failsWithin(Duration.ofSeconds(5))
          .withThrowableOfType(ExecutionException.class)
          .withCauseInstanceOf(CacheUnavailableException.class);
    }
  }
}
