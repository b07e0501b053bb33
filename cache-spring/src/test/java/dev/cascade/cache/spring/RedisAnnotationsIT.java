package dev.cascade.cache.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.testkit.RedisServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AnnotationsContract} layered over a real Redis, with two application contexts as two
 * instances of a service: every annotation behaves as on the embedded default, and what one
 * instance caches, updates or evicts is what the other sees when the call returns.
 */
class RedisAnnotationsIT extends AnnotationsContract {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private static RedisInstances servers;

  @BeforeAll
  static void clients() {
    servers = new RedisInstances(redis);
  }

  @AfterAll
  static void closeClients() {
    servers.close();
  }

  @Override
  protected void beforeInstances() {
    redis.command(0, "FLUSHALL"); // the testkit's own server: each test starts empty
  }

  @Override
  protected Instance start(Database db) {
    return servers.start(db, Duration.ofSeconds(2));
  }

  @Override
  protected boolean shared() {
    return true;
  }

  @Test
  void cacheable_loadedByOneInstance_storedInRedisUnderCacheNamespace() {
    first.get("a");
    assertThat(redis.command(0, "EXISTS", "cascade:values:a")).isEqualTo(1L);
  }

  @Test
  void cacheable_simpleKeyOnLayeredCache_refusedNamingTheKeyGenerator() {
    CascadeCache values = instances().get(0).manager().getCache("values");
    assertThatThrownBy(() -> values.get(new org.springframework.cache.interceptor.SimpleKey("a", "b")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CascadeKeyGenerator");
  }

  @Test
  void build_layeredCacheWithoutValueType_refusedNamingTheCache() {
    RedisBackendHolder holder = new RedisBackendHolder(servers);
    try {
      assertThatThrownBy(
              () ->
                  CascadeCacheManager.builder()
                      .remote(holder.backend.store())
                      .cache("untyped", spec -> {})
                      .build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("'untyped'")
          .hasMessageContaining("no value type");
    } finally {
      holder.close();
    }
  }

  /** A backend on a client of its own, for tests that build managers by hand. */
  private static final class RedisBackendHolder implements AutoCloseable {
    final io.lettuce.core.RedisClient client;
    final dev.cascade.cache.redis.RedisBackend backend;

    RedisBackendHolder(RedisInstances servers) {
      client = servers.client();
      backend = dev.cascade.cache.redis.RedisBackend.create(client);
    }

    @Override
    public void close() {
      backend.close();
      client.shutdown();
    }
  }
}
