package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.testkit.Concurrently;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What is never shared between users: 10 users send 1000 random requests each, concurrently, to
 * routes keyed per user (by a header, by the bearer token of {@code Authorization}, by a cookie),
 * mixed with revalidations and namespace invalidations; no response may carry another user's body.
 */
class PerUserSecurityIT {
  private static final int USERS = 10;
  private static final int REQUESTS_PER_USER = 1000;
  private static final Map<String, CountingServlet> servlets = new LinkedHashMap<>();
  private static HttpResponseCache http;
  private static TestServer server;

  @BeforeAll
  static void start() {
    UserKey bearer = request -> {
      String authorization = request.getHeader("Authorization");
      return authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
    };
    http =
        HttpResponseCache.builder(Cache.<String, CachedResponse>builder("http").inMemory(m -> m.maximumSize(10_000)))
            .route("/me/profile", r -> r.ttl(Duration.ofMinutes(5)).namespace("me").perUser(UserKey.header("X-User")))
            .route("/me/orders", r -> r.ttl(Duration.ofMinutes(5)).namespace("me").perUser(bearer))
            .route("/me/cart", r -> r.ttl(Duration.ofMinutes(5)).namespace("me").perUser(UserKey.cookie("uid"))
                .storePrivatePerUser())
            .build();
    // Each handler answers with the identity it was given the same way the route keys it.
    servlets.put("/me/profile", new CountingServlet((request, response, run) ->
        response.getWriter().print("profile of " + request.getHeader("X-User") + " page " + request.getParameter("page"))));
    servlets.put("/me/orders", new CountingServlet((request, response, run) ->
        response.getWriter().print("orders of " + request.getHeader("Authorization").substring(7))));
    servlets.put("/me/cart", new CountingServlet((request, response, run) -> {
      response.setHeader("Cache-Control", "private");
      String uid = java.util.Arrays.stream(request.getCookies()).filter(c -> c.getName().equals("uid")).findFirst()
          .orElseThrow().getValue();
      response.getWriter().print("cart of " + uid);
    }));
    server = TestServer.start(http, new LinkedHashMap<String, HttpServlet>(servlets));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    http.close();
  }

  @Test
  void tenUsersThousandRandomRequestsEach_noResponseCarriesAnotherUsersBody() {
    AtomicInteger foreign = new AtomicInteger();
    AtomicInteger hits = new AtomicInteger();
    List<Object> results = Concurrently.run(USERS, thread -> {
      SplittableRandom random = new SplittableRandom(thread * 7919L);
      for (int i = 0; i < REQUESTS_PER_USER; i++) {
        String user = "user" + random.nextInt(USERS); // any thread may act as any user
        int route = random.nextInt(3);
        String[] revalidate = random.nextInt(50) == 0 ? new String[] {"Cache-Control", "no-cache"} : new String[0];
        HttpResponse<String> response;
        String expected;
        if (route == 0) {
          int page = random.nextInt(3);
          response = server.get("/me/profile?page=" + page, concat(revalidate, "X-User", user));
          expected = "profile of " + user + " page " + page;
        } else if (route == 1) {
          response = server.get("/me/orders", concat(revalidate, "Authorization", "Bearer " + user));
          expected = "orders of " + user;
        } else {
          response = server.get("/me/cart", concat(revalidate, "Cookie", "uid=" + user));
          expected = "cart of " + user;
        }
        if (response.statusCode() != 200 || !response.body().equals(expected)) {
          foreign.incrementAndGet();
        }
        if ("hit".equals(response.headers().firstValue("X-Cascade-Cache").orElse(""))) {
          hits.incrementAndGet();
        }
        if (thread == 0 && i % 200 == 199) {
          http.invalidateNamespace("me"); // cold and warm keys alike, while the others run
        }
      }
      return null;
    });

    assertThat(results).allMatch(result -> result == null);
    assertThat(foreign.get()).isZero();
    assertThat(hits.get()).as("the cache served most requests").isGreaterThan(USERS * REQUESTS_PER_USER / 2);
  }

  private static String[] concat(String[] first, String... more) {
    String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
    System.arraycopy(more, 0, all, first.length, more.length);
    return all;
  }
}
