package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.support.AnnotationConfigWebApplicationContext;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * The filter in front of a real Spring MVC {@link DispatcherServlet} in a real Jetty 12. Spring ends
 * a {@code ResponseEntity} with {@code flushBuffer()} (and, where flushing is enabled, its message
 * converters flush the body they wrote): such responses are complete and must be stored, not taken
 * for streaming ones.
 */
class SpringMvcResponseCacheIT {
  private static HttpResponseCache http;
  private static TestServer server;
  private static AnnotationConfigWebApplicationContext spring;

  @BeforeAll
  static void start() {
    http =
        HttpResponseCache.builder(Cache.<String, CachedResponse>builder("mvc").inMemory(m -> m.maximumSize(100)))
            .route("/mvc/{name}", r -> r.ttl(Duration.ofMinutes(5)))
            .build();
    spring = new AnnotationConfigWebApplicationContext();
    spring.register(MvcConfig.class);
    server = TestServer.start(http, Map.of("/", new DispatcherServlet(spring)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    spring.close();
    http.close();
  }

  @Test
  void stringBody_isStoredAndServedFromTheCache() {
    HttpResponse<String> first = server.get("/mvc/text");
    HttpResponse<String> second = server.get("/mvc/text");

    assertThat(first.body()).isEqualTo("text, run 1");
    assertThat(first.headers().firstValue("X-Cascade-Cache")).hasValue("miss");
    assertThat(second.body()).isEqualTo("text, run 1");
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(Handlers.runs("text")).isEqualTo(1);
  }

  @Test
  void responseEntity_isStoredWithItsHeaders() {
    HttpResponse<String> first = server.get("/mvc/entity");
    HttpResponse<String> second = server.get("/mvc/entity");

    assertThat(first.body()).isEqualTo("entity, run 1");
    assertThat(second.body()).isEqualTo("entity, run 1");
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(second.headers().firstValue("X-Handler")).hasValue("entity");
    assertThat(Handlers.runs("entity")).isEqualTo(1);
  }

  @Test
  void jsonBody_isStoredWithItsContentType() {
    HttpResponse<String> first = server.get("/mvc/json");
    HttpResponse<String> second = server.get("/mvc/json");

    assertThat(first.body()).isEqualTo("{\"name\":\"json\",\"run\":1}");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
    assertThat(Handlers.runs("json")).isEqualTo(1);
  }

  /** The JSON body of {@code /mvc/json}. */
  public record Answer(String name, int run) {}

  @Configuration
  @EnableWebMvc
  static class MvcConfig {
    @Bean
    Handlers handlers() {
      return new Handlers();
    }
  }

  @RestController
  static class Handlers {
    private static final Map<String, AtomicInteger> RUNS =
        Map.of("text", new AtomicInteger(), "entity", new AtomicInteger(), "json", new AtomicInteger());

    static int runs(String name) {
      return RUNS.get(name).get();
    }

    @GetMapping("/mvc/text")
    String text() {
      return "text, run " + RUNS.get("text").incrementAndGet();
    }

    @GetMapping("/mvc/entity")
    ResponseEntity<String> entity() {
      return ResponseEntity.ok().header("X-Handler", "entity").body("entity, run " + RUNS.get("entity").incrementAndGet());
    }

    @GetMapping("/mvc/json")
    Answer json() {
      return new Answer("json", RUNS.get("json").incrementAndGet());
    }
  }
}
