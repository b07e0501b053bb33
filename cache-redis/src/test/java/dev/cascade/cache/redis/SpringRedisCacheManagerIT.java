package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.data.redis.cache.RedisCacheConfiguration;
import org.springframework.data.redis.cache.RedisCacheManager;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.serializer.GenericJacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.JacksonJsonRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializationContext.SerializationPair;

/**
 * Values written by Spring Data Redis's {@code RedisCacheManager} (its {@code users::<key>} layout,
 * a typed JSON serializer) are read by a raw Cascade cache with the template {@code users::{key}},
 * and the reverse; so are those of Spring's generic JSON serializer as its builder makes it, while
 * that serializer with default typing writes class names into values, which are counted misses (as
 * docs/interop.md says).
 */
class SpringRedisCacheManagerIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  record User(long id, String name, List<String> roles) {}

  private LettuceConnectionFactory connections;
  private Cache<Long, User> cascade;

  @BeforeEach
  void connect() {
    connections = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", redis.server().port(0)));
    connections.afterPropertiesSet();
    connections.start();
    cascade =
        Cache.<Long, User>builder("users")
            .tier(redis.store())
            .valueCodec(JsonCodec.of(User.class))
            .keyCodec((Long id) -> Long.toString(id))
            .ttl(Duration.ofMinutes(10))
            .remoteLayout(r -> r.rawValues().keyTemplate("users::{key}"))
            .build();
  }

  @AfterEach
  void close() {
    cascade.close();
    connections.destroy();
  }

  private org.springframework.cache.Cache springCache(SerializationPair<?> values) {
    RedisCacheManager manager =
        RedisCacheManager.builder(connections)
            .cacheDefaults(
                RedisCacheConfiguration.defaultCacheConfig()
                    .entryTtl(Duration.ofMinutes(10))
                    .disableCachingNullValues()
                    .serializeValuesWith(values))
            .build();
    manager.afterPropertiesSet();
    return manager.getCache("users");
  }

  /**
   * Returns the value under {@code key} once Redis has it: a {@code put} of Spring's cache returned
   * here before its {@code SET} was visible to other connections (seen with Spring Data Redis 4.0.6
   * on Lettuce 7.7), so the test waits for it instead of racing it.
   */
  private static String stored(String key) {
    byte[] value = await().atMost(Duration.ofSeconds(10)).until(() -> redis.store().get(key).join(), java.util.Objects::nonNull);
    return new String(value, StandardCharsets.UTF_8);
  }

  @Test
  void typedJsonSerializer_valuesAreSharedBothWays() {
    org.springframework.cache.Cache spring = springCache(SerializationPair.fromSerializer(new JacksonJsonRedisSerializer<>(User.class)));
    spring.put(42L, new User(42, "Ann", List.of("admin")));
    String fromSpring = stored("users::42");
    cascade.put(7L, new User(7, "Bob", List.of()));

    assertThat(fromSpring).doesNotContain("@");
    assertThat(cascade.getIfPresent(42L)).isEqualTo(new User(42, "Ann", List.of("admin")));
    assertThat(spring.get(7L, User.class)).isEqualTo(new User(7, "Bob", List.of()));
    assertThat(cascade.stats().decodeFailureCount()).isZero();
    assertThat((Long) redis.server().command(0, "PTTL", "users::42")).isBetween(590_000L, 600_000L);
  }

  @Test
  void genericJsonSerializerWithoutTyping_writesPlainJson_readByCascade() {
    org.springframework.cache.Cache spring = springCache(SerializationPair.fromSerializer(GenericJacksonJsonRedisSerializer.builder().build()));
    spring.put(44L, new User(44, "Di", List.of("x")));
    assertThat(stored("users::44")).doesNotContain("@");

    assertThat(cascade.getIfPresent(44L)).isEqualTo(new User(44, "Di", List.of("x")));
  }

  @Test
  void genericJsonSerializerWithDefaultTyping_classNamesInValues_areCountedMissesThatReload() {
    org.springframework.cache.Cache spring =
        springCache(SerializationPair.fromSerializer(GenericJacksonJsonRedisSerializer.builder().enableUnsafeDefaultTyping().build()));
    spring.put(43L, new User(43, "Cy", List.of()));
    assertThat(stored("users::43")).contains("@class");

    assertThat(cascade.getIfPresent(43L)).isNull();
    assertThat(cascade.stats().decodeFailureCount()).isEqualTo(1);
    assertThat(cascade.get(43L, id -> new User(43, "reloaded", List.of()))).isEqualTo(new User(43, "reloaded", List.of()));
  }
}
