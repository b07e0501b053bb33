package dev.cascade.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The example on the embedded default, called over HTTP. */
class SpringExampleTest {

  @Test
  void endpoints_cachedInProcess_actuatorShowsCachesAndMeters() throws Exception {
    try (Http app = Http.start(Map.of())) {
      assertThat(app.get("/products/7").body()).contains("\"name\":\"product 7\"");
      assertThat(app.get("/products/7").body()).contains("\"name\":\"product 7\"");
      assertThat(app.get("/products/5000").statusCode()).isEqualTo(404);
      assertThat(app.get("/products/5000").statusCode()).isEqualTo(404); // the absence is cached
      assertThat(app.queries()).isEqualTo(2);

      app.post("/categories/1/changed"); // 7 % 3 == 1
      app.get("/products/7");
      assertThat(app.queries()).isEqualTo(3);

      assertThat(app.get("/feed", "X-User", "alice").body()).contains("news for alice");
      assertThat(app.get("/feed", "X-User", "bob").body()).contains("news for bob");
      assertThat(app.get("/feed", "X-User", "alice").body()).contains("news for alice").doesNotContain("bob");
      assertThat(app.get("/feed").statusCode()).isEqualTo(401);
      assertThat(app.queries()).isEqualTo(5);

      assertThat(app.get("/actuator/caches").body()).contains("\"products\"", "\"feed\"");
      assertThat(app.get("/actuator/metrics/cache.gets?tag=cache:products").statusCode()).isEqualTo(200);
    }
  }
}
