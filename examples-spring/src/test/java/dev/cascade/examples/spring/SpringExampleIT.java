package dev.cascade.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.testkit.RedisServerExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two instances of the example layered over one Redis (the testkit's), as REDIS_URL would set up. */
class SpringExampleIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  @Test
  void twoInstances_shareEntries_evictionInOneSeenByTheOther() throws Exception {
    Map<String, Object> properties = Map.of("cascade.redis.uri", redis.uri(), "cascade.redis.command-timeout", "2s");
    try (Http a = Http.start(properties);
        Http b = Http.start(properties)) {
      assertThat(a.get("/products/7").body()).contains("\"name\":\"product 7\"");
      assertThat(b.get("/products/7").body()).contains("\"name\":\"product 7\"");
      assertThat(a.queries() + b.queries()).isEqualTo(1); // b read a's entry from Redis

      a.post("/products/7/name?name=renamed");
      assertThat(b.get("/products/7").body()).contains("\"name\":\"renamed\"");

      b.post("/categories/1/changed"); // evicts product 7 (category 1) everywhere
      assertThat(a.get("/products/7").body()).contains("\"name\":\"product 7\"");
      assertThat(a.queries() + b.queries()).isEqualTo(3);
      assertThat(redis.command(0, "EXISTS", "cascade:products:l:7")).isEqualTo(1L);
    }
  }
}
