package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.spi.InvalidationChannel;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The queue that grows under a server that stops answering is bounded: with the server SIGSTOPped,
 * every command sent stays in Lettuce's queue however long ago its caller timed out, up to the
 * backend's {@code maxCommandsInFlight}; past it each command fails at once with a {@link
 * CacheUnavailableException} that says why, and is counted. When the server answers again the queue
 * drains and commands are accepted again.
 */
class RedisCommandBudgetIT {
  private static final int MAX_IN_FLIGHT = 100;

  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  @Test
  void pausedServer_commandsPastTheBoundFailAtOnce_counted_andTheQueueDrainsOnResume() {
    RedisClient client = RedisClient.create(redis.uri());
    try (RedisBackend backend =
        RedisBackend.builder(client).commandTimeout(Duration.ofMillis(200)).maxCommandsInFlight(MAX_IN_FLIGHT).build()) {
      RedisTier store = backend.store();
      store.put("budget:k", new byte[] {1}, null).join();

      redis.process(0).pause();
      List<CompletableFuture<byte[]>> sent = new ArrayList<>();
      try {
        for (int i = 0; i < MAX_IN_FLIGHT + 50; i++) {
          sent.add(store.get("budget:k"));
        }
        assertThat(backend.commandsInFlight()).isEqualTo(MAX_IN_FLIGHT);
        assertThat(backend.refusedCommandCount()).isEqualTo(50);
        for (CompletableFuture<byte[]> refused : sent.subList(MAX_IN_FLIGHT, sent.size())) {
          assertThat(refused).isCompletedExceptionally();
          assertThat(unwrap(refused.handle((value, error) -> error).join()))
              .isInstanceOf(CacheUnavailableException.class)
              .hasMessageContaining(MAX_IN_FLIGHT + " commands already await the server's answer");
        }
        // The accepted ones time out for their callers, but stay queued until the server answers.
        for (CompletableFuture<byte[]> accepted : sent.subList(0, MAX_IN_FLIGHT)) {
          assertThat(unwrap(accepted.handle((value, error) -> error).join())).isInstanceOf(dev.cascade.cache.CacheTimeoutException.class);
        }
        assertThat(backend.commandsInFlight()).isEqualTo(MAX_IN_FLIGHT);
      } finally {
        redis.process(0).resume();
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> backend.commandsInFlight() == 0);
      assertThat(store.get("budget:k").join()).containsExactly(1);
      assertThat(backend.refusedCommandCount()).isEqualTo(50);
    } finally {
      client.shutdown();
    }
  }

  /**
   * Pending invalidations share the bound: the backend's channel publishes through the same
   * connection, so with the server stopped and the budget full, an announcement fails at once with
   * the same clear, counted error instead of queueing without end.
   */
  @Test
  void pausedServer_anInvalidationPastTheBound_failsAtOnce_counted() {
    RedisClient client = RedisClient.create(redis.uri());
    // Heartbeats go through the same budget: one during the pause would take a slot or be refused
    // itself, so the channel beats once a minute, never within the test.
    try (RedisBackend backend =
        RedisBackend.builder(client)
            .commandTimeout(Duration.ofMillis(200))
            .maxCommandsInFlight(MAX_IN_FLIGHT)
            .heartbeat(Duration.ofMinutes(1))
            .build()) {
      InvalidationChannel channel = backend.invalidation();
      InvalidationChannel.Event event = new InvalidationChannel.Event(InvalidationChannel.Kind.KEYS, List.of("k"));
      await().atMost(Duration.ofSeconds(30))
          .until(() -> channel.publish("budget", event).handle((done, error) -> error == null).join()); // started
      RedisTier store = backend.store();

      redis.process(0).pause();
      try {
        for (int i = 0; i < MAX_IN_FLIGHT; i++) {
          store.get("budget:k");
        }
        assertThat(backend.commandsInFlight()).isEqualTo(MAX_IN_FLIGHT);

        CompletableFuture<Void> announced = channel.publish("budget", event);

        assertThat(announced).isCompletedExceptionally();
        assertThat(announced.handle((done, error) -> error).join())
            .hasRootCauseInstanceOf(CacheUnavailableException.class)
            .rootCause()
            .hasMessageContaining(MAX_IN_FLIGHT + " commands already await the server's answer");
        assertThat(backend.refusedCommandCount()).isEqualTo(1);
      } finally {
        redis.process(0).resume();
      }
    } finally {
      client.shutdown();
    }
  }

  @Test
  void maxCommandsInFlight_notPositive_isRefusedNamingTheValue() {
    RedisClient client = RedisClient.create(redis.uri());
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> RedisBackend.builder(client).maxCommandsInFlight(0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("was 0");
    } finally {
      client.shutdown();
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
