package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.redis.RedisBackend;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two service instances — each its own Jetty, Redis client, backend and layered cache (L1 in front
 * of one shared Redis, the invalidation channel, the distributed lease) — behind one handler whose
 * runs are counted across both, reached through one proxy.
 */
class SharedRedisIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  /**
   * What the proxy in front of both instances tells them: the scheme and host its clients used. The
   * key holds the origin, so without it the instances (on two ports) would not share entries.
   */
  private static final String[] PROXIED = {"X-Forwarded-Proto", "https", "X-Forwarded-Host", "shop.example"};

  private static final AtomicInteger runs = new AtomicInteger();
  private static final CountDownLatch stampedeGo = new CountDownLatch(1);
  private static final List<Instance> instances = new ArrayList<>();

  /** One service instance. */
  private record Instance(RedisClient client, RedisBackend backend, HttpResponseCache http, TestServer server) {
    static Instance start(String redisUri) {
      RedisClient client = RedisClient.create(redisUri);
      // Not create()'s 250 ms: a lease call timed out under the 200-request burst loads unguarded
      // (a second run), and an invalidation that waits for the other instance's acknowledgement
      // must get it, or that instance's next request may still hit its L1.
      RedisBackend backend =
          RedisBackend.builder(client).commandTimeout(Duration.ofSeconds(2)).ackTimeout(Duration.ofSeconds(10)).build();
      HttpResponseCache http =
          HttpResponseCache.builder(
                  Cache.<String, CachedResponse>builder("http")
                      .inMemory(m -> m.maximumWeight(16 << 20, (key, response) -> response.weight()))
                      .tier(backend.store())
                      .invalidation(backend.invalidation())
                      .stampede(Stampede.distributed(backend.stampedeLock()).maxWait(Duration.ofSeconds(60))))
              .route("/stats", r -> r.ttl(Duration.ofMinutes(5)).namespace("stats"))
              .route("/products/{id}", r -> r.ttl(Duration.ofMinutes(5)).namespace("catalog").tags("product:{id}"))
              .route("/stampede", r -> r.ttl(Duration.ofMinutes(5)))
              .build();
      Map<String, HttpServlet> servlets = Map.of(
          "/stats", counting((request, response) -> response.getWriter().print("stats run " + runs.get())),
          "/products/*", counting((request, response) -> response.getWriter().print(request.getRequestURI() + " run " + runs.get())),
          "/stampede", counting((request, response) -> {
            try {
              stampedeGo.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            response.getWriter().print("stampede run " + runs.get());
          }));
      return new Instance(client, backend, http, TestServer.start(http, servlets));
    }

    void stop() throws Exception {
      server.close();
      http.close();
      backend.close();
      client.shutdown();
    }

    CacheStats stats() {
      return http.cache().stats();
    }
  }

  /** Both instances' handlers share one count of runs. */
  private interface Handler {
    void handle(jakarta.servlet.http.HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response)
        throws java.io.IOException;
  }

  private static HttpServlet counting(Handler handler) {
    return new CountingServlet((request, response, run) -> {
      runs.incrementAndGet();
      handler.handle(request, response);
    });
  }

  @BeforeAll
  static void start() {
    instances.add(Instance.start(redis.uri()));
    instances.add(Instance.start(redis.uri()));
  }

  @AfterAll
  static void stop() throws Exception {
    for (Instance instance : instances) {
      instance.stop();
    }
  }

  @Test
  void get_200ConcurrentRequestsOverTwoInstances_runTheHandlerOnce() throws Exception {
    int before = runs.get();
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      TestServer server = instances.get(i % 2).server();
      responses.add(server.client.sendAsync(
          HttpRequest.newBuilder(server.uri("/stampede")).headers(PROXIED).timeout(Duration.ofSeconds(90)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    // Each instance coalesces its own 100 requests; the leader of one of them waits on the other's lease.
    await().atMost(Duration.ofSeconds(60)).until(() ->
        instances.get(0).stats().coalescedWaitCount() + instances.get(1).stats().coalescedWaitCount() >= 198
            && instances.get(0).stats().leaseWaitCount() + instances.get(1).stats().leaseWaitCount() >= 1);
    stampedeGo.countDown();

    for (CompletableFuture<HttpResponse<String>> response : responses) {
      HttpResponse<String> answer = response.get(90, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("stampede run " + (before + 1));
    }
    assertThat(runs.get()).isEqualTo(before + 1);
  }

  @Test
  void invalidateNamespace_onInstanceA_instanceBsNextRequestRunsTheHandler() {
    TestServer a = instances.get(0).server();
    TestServer b = instances.get(1).server();
    HttpResponse<String> fromA = a.get("/stats", PROXIED);
    HttpResponse<String> fromB = b.get("/stats", PROXIED); // from Redis; now in B's L1 too
    HttpResponse<String> fromBAgain = b.get("/stats", PROXIED);
    int runsBefore = runs.get();

    instances.get(0).http().invalidateNamespace("stats");
    HttpResponse<String> afterInvalidation = b.get("/stats", PROXIED);

    assertThat(fromB.body()).isEqualTo(fromA.body());
    assertThat(fromB.headers().firstValue("ETag")).isEqualTo(fromA.headers().firstValue("ETag"));
    assertThat(fromBAgain.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(afterInvalidation.headers().firstValue("X-Cascade-Cache")).hasValue("miss");
    assertThat(afterInvalidation.body()).isEqualTo("stats run " + (runsBefore + 1));
    assertThat(runs.get()).isEqualTo(runsBefore + 1);
  }

  @Test
  void invalidateTag_onInstanceB_instanceAsNextRequestRunsTheHandler_otherTagsStay() {
    TestServer a = instances.get(0).server();
    TestServer b = instances.get(1).server();
    a.get("/products/42", PROXIED);
    a.get("/products/43", PROXIED);
    b.get("/products/42", PROXIED);
    int runsBefore = runs.get();

    instances.get(1).http().invalidateTag("product:42");
    HttpResponse<String> product42 = a.get("/products/42", PROXIED);
    HttpResponse<String> product43 = a.get("/products/43", PROXIED);

    assertThat(product42.headers().firstValue("X-Cascade-Cache")).hasValue("miss");
    assertThat(product43.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(runs.get()).isEqualTo(runsBefore + 1);
  }
}
