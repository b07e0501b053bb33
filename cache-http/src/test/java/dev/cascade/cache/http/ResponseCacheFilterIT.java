package dev.cascade.cache.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.testkit.FakeTicker;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServlet;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The filter in a real Jetty 12 with a real HTTP client, on the embedded in-process cache with a
 * fake ticker. Each test has paths of its own; the cache is emptied before each.
 */
class ResponseCacheFilterIT {
  private static final FakeTicker ticker = new FakeTicker();
  private static final Map<String, CountingServlet> servlets = new LinkedHashMap<>();
  private static final CountDownLatch stampedeGo = new CountDownLatch(1);
  private static HttpResponseCache http;
  private static TestServer server;

  @BeforeAll
  static void start() {
    http =
        HttpResponseCache.builder(Cache.<String, CachedResponse>builder("http").inMemory(m -> m.maximumSize(10_000)))
            .ticker(ticker)
            .route("/ttl", r -> r.ttl(Duration.ofSeconds(60)).namespace("stats"))
            .route("/items", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/search", r -> r.ttl(Duration.ofMinutes(5)).ignoreQueryParams("utm_source", "utm_medium"))
            .route("/page", r -> r.ttl(Duration.ofMinutes(5)).queryParams("page"))
            .route("/lang", r -> r.ttl(Duration.ofMinutes(5)).headers("Accept-Language"))
            .route("/vary", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/etag", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/nostore", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/private", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/cookie", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/cookie-header", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/secure", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/reset-buffer", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/reset-writer", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/reset-stream", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/mine", r -> r.ttl(Duration.ofMinutes(5)).perUser(UserKey.header("X-User")).storePrivatePerUser())
            .route("/head", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/shared", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/error", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/missing", r -> r.ttl(Duration.ofMinutes(5)).alsoCacheStatuses(404))
            .route("/big", r -> r.ttl(Duration.ofMinutes(5)).maxBodyBytes(1000))
            .route("/stream", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/flushed-stream", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/flushed-buffer", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/stampede", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/revalidate", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/conditional", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/async", r -> r.ttl(Duration.ofMinutes(5)))
            .route("/products/{id}", r -> r.ttl(Duration.ofMinutes(5)).namespace("catalog").tags("product:{id}"))
            .build();
    servlets.put("/ttl", CountingServlet.echo());
    servlets.put("/items", CountingServlet.echo());
    servlets.put("/search", CountingServlet.echo());
    servlets.put("/page", CountingServlet.echo());
    servlets.put("/lang", new CountingServlet((request, response, run) ->
        response.getWriter().print("run " + run + " for " + request.getHeader("Accept-Language"))));
    servlets.put("/vary", new CountingServlet((request, response, run) -> {
      response.setHeader("Vary", "Accept-Language");
      response.getWriter().print("run " + run + " for " + request.getHeader("Accept-Language"));
    }));
    servlets.put("/etag", CountingServlet.echo());
    servlets.put("/nostore", new CountingServlet((request, response, run) -> {
      response.setHeader("Cache-Control", "no-store");
      response.getWriter().print("run " + run);
    }));
    servlets.put("/private", new CountingServlet((request, response, run) -> {
      response.setHeader("Cache-Control", "private, max-age=60");
      response.getWriter().print("run " + run);
    }));
    servlets.put("/mine", new CountingServlet((request, response, run) -> {
      response.setHeader("Cache-Control", "private");
      response.getWriter().print("run " + run + " for " + request.getHeader("X-User"));
    }));
    servlets.put("/cookie-header", new CountingServlet((request, response, run) -> {
      response.addHeader("Set-Cookie", "visitor=h" + run + "; Path=/");
      response.getWriter().print("run " + run);
    }));
    servlets.put("/cookie", new CountingServlet((request, response, run) -> {
      response.addCookie(new Cookie("visitor", "v" + run));
      response.getWriter().print("run " + run);
    }));
    // Sends plain HTTP to HTTPS, as a redirect that is stored by default (301).
    servlets.put("/secure", new CountingServlet((request, response, run) -> {
      if (!"https".equals(request.getScheme())) {
        response.setStatus(301);
        response.setHeader("Location", "https://" + request.getServerName() + request.getRequestURI());
        return;
      }
      response.getWriter().print("secure page, run " + run);
    }));
    // Three handlers that give up what they began to write through the writer, keeping its reference.
    servlets.put("/reset-buffer", new CountingServlet((request, response, run) -> {
      java.io.PrintWriter writer = response.getWriter();
      writer.print("<p>partial");
      response.resetBuffer();
      writer.print("ok, run " + run);
    }));
    servlets.put("/reset-writer", new CountingServlet((request, response, run) -> {
      java.io.PrintWriter writer = response.getWriter();
      writer.print("<p>partial");
      response.reset();
      writer.print("ok, run " + run);
    }));
    servlets.put("/reset-stream", new CountingServlet((request, response, run) -> {
      response.getWriter().print("<p>partial");
      response.reset(); // Servlet 6: the choice of writer or stream is free again
      response.setContentType("text/plain;charset=utf-8");
      response.getOutputStream().write(("ok, run " + run).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }));
    servlets.put("/head", new CountingServlet((request, response, run) -> {
      response.setContentType("application/json");
      response.setHeader("X-Handler", "yes");
      response.getWriter().print("{\"run\":" + run + "}");
    }));
    servlets.put("/shared", CountingServlet.echo());
    servlets.put("/error", new CountingServlet((request, response, run) -> {
      response.setStatus(503);
      response.getWriter().print("down, run " + run);
    }));
    servlets.put("/missing", new CountingServlet((request, response, run) -> {
      response.setStatus(404);
      response.getWriter().print("no such thing, run " + run);
    }));
    servlets.put("/big", new CountingServlet((request, response, run) -> {
      response.getWriter().print("run " + run + " " + "x".repeat(5000));
    }));
    servlets.put("/stream", new CountingServlet((request, response, run) -> {
      response.getWriter().print("event 1 of run " + run);
      response.flushBuffer();
      response.getWriter().print(", event 2");
    }));
    // Both flush once the whole body is written, as Spring MVC does after a ResponseEntity:
    // complete responses, so they are stored.
    servlets.put("/flushed-stream", new CountingServlet((request, response, run) -> {
      response.setContentType("text/plain;charset=utf-8");
      response.getOutputStream().write(("run " + run + ", flushed at its end").getBytes(java.nio.charset.StandardCharsets.UTF_8));
      response.getOutputStream().flush();
    }));
    servlets.put("/flushed-buffer", new CountingServlet((request, response, run) -> {
      String body = "run " + run + ", buffer flushed at its end";
      response.setContentType("text/plain;charset=utf-8");
      response.setContentLength(body.length());
      response.getWriter().print(body);
      response.flushBuffer();
    }));
    servlets.put("/stampede", new CountingServlet((request, response, run) -> {
      try {
        stampedeGo.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      response.getWriter().print("run " + run);
    }));
    servlets.put("/revalidate", CountingServlet.echo());
    // A handler that answers validators itself, as ShallowEtagHeaderFilter or a DefaultServlet would.
    servlets.put("/conditional", new CountingServlet((request, response, run) -> {
      response.setHeader("ETag", "\"v1\"");
      if ("\"v1\"".equals(request.getHeader("If-None-Match"))) {
        response.setStatus(304);
        return;
      }
      response.getWriter().print("version 1");
    }));
    servlets.put("/async", new CountingServlet((request, response, run) -> {
      jakarta.servlet.AsyncContext async = request.startAsync();
      async.start(() -> {
        try {
          async.getResponse().getWriter().print("async run " + run);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
        async.complete();
      });
    }));
    servlets.put("/products/*", CountingServlet.echo());
    // An outer filter that personalises a header of every response, as a login or tracing filter might.
    jakarta.servlet.Filter outer = (request, response, chain) -> {
      String caller = ((jakarta.servlet.http.HttpServletRequest) request).getHeader("X-Caller");
      ((jakarta.servlet.http.HttpServletResponse) response).setHeader("X-Outer", "for " + caller);
      chain.doFilter(request, response);
    };
    server = TestServer.start(http, new LinkedHashMap<String, HttpServlet>(servlets), outer);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    http.close();
  }

  @BeforeEach
  void emptyCache() {
    http.invalidateAll();
    servlets.values().forEach(servlet -> servlet.runs.set(0));
  }

  private static int runs(String path) {
    return servlets.get(path).runs.get();
  }

  @Test
  void get_withinRouteTtl_servedFromCacheAfterTtl_handlerRunsAgain() {
    HttpResponse<String> first = server.get("/ttl");
    ticker.advance(Duration.ofSeconds(59));
    HttpResponse<String> second = server.get("/ttl");
    ticker.advance(Duration.ofSeconds(2));
    HttpResponse<String> third = server.get("/ttl");

    assertThat(first.body()).isEqualTo("run 1 of /ttl?null");
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.headers().firstValue("Age")).hasValue("59");
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(third.body()).isEqualTo("run 2 of /ttl?null");
    assertThat(runs("/ttl")).isEqualTo(2);
  }

  @Test
  void get_queryParametersInAnotherOrder_shareOneEntry() {
    HttpResponse<String> first = server.get("/items?b=2&a=1&a=0");
    HttpResponse<String> second = server.get("/items?a=1&a=0&b=2");
    HttpResponse<String> otherValueOrder = server.get("/items?a=0&a=1&b=2");

    assertThat(second.body()).isEqualTo(first.body());
    assertThat(otherValueOrder.body()).isNotEqualTo(first.body()); // a repeated parameter's order may mean something
    assertThat(runs("/items")).isEqualTo(2);
  }

  /**
   * Query values that are not well-formed percent-encoded UTF-8 keep entries of their own: {@code
   * %FF} and {@code %FE} decode to the same replacement character, and a malformed escape was kept
   * as sent, equal to the decoded {@code %25}-escape of the same text.
   */
  @Test
  void get_queryValuesThatAreNotWellFormedUtf8_doNotShareAnEntry() {
    HttpResponse<String> ff = server.get("/items?a=%FF");
    HttpResponse<String> fe = server.get("/items?a=%FE");
    HttpResponse<String> escapedPercent = server.get("/items?a=%25FF");

    assertThat(fe.body()).isNotEqualTo(ff.body());
    assertThat(escapedPercent.body()).isNotEqualTo(ff.body());
    assertThat(runs("/items")).isEqualTo(3);
    assertThat(server.get("/items?a=%FF").body()).isEqualTo(ff.body()); // still one exact key each
  }

  @Test
  void get_ignoredOrUnlistedQueryParameters_doNotSplitEntries() {
    HttpResponse<String> first = server.get("/search?q=lamp&utm_source=mail");
    HttpResponse<String> second = server.get("/search?utm_medium=x&q=lamp");
    HttpResponse<String> otherQuery = server.get("/search?q=desk");
    HttpResponse<String> page = server.get("/page?page=2&sort=asc");
    HttpResponse<String> pageOtherSort = server.get("/page?sort=desc&page=2");

    assertThat(second.body()).isEqualTo(first.body());
    assertThat(otherQuery.body()).isNotEqualTo(first.body());
    assertThat(pageOtherSort.body()).isEqualTo(page.body());
    assertThat(runs("/search")).isEqualTo(2);
    assertThat(runs("/page")).isEqualTo(1);
  }

  @Test
  void get_responseWithVary_splitsEntriesByThatHeader() {
    HttpResponse<String> english = server.get("/vary", "Accept-Language", "en");
    HttpResponse<String> german = server.get("/vary", "Accept-Language", "de");
    HttpResponse<String> englishAgain = server.get("/vary", "Accept-Language", "en");
    HttpResponse<String> germanAgain = server.get("/vary", "Accept-Language", "de");

    assertThat(english.body()).isEqualTo("run 1 for en");
    assertThat(german.body()).isEqualTo("run 2 for de");
    assertThat(englishAgain.body()).isEqualTo(english.body());
    assertThat(germanAgain.body()).isEqualTo(german.body());
    assertThat(germanAgain.headers().firstValue("Vary")).hasValue("Accept-Language");
    assertThat(runs("/vary")).isEqualTo(2);
  }

  @Test
  void get_routeKeyHeader_splitsEntries() {
    HttpResponse<String> english = server.get("/lang", "Accept-Language", "en");
    HttpResponse<String> french = server.get("/lang", "Accept-Language", "fr");
    HttpResponse<String> englishAgain = server.get("/lang", "Accept-Language", " en ");

    assertThat(french.body()).isNotEqualTo(english.body());
    assertThat(englishAgain.body()).isEqualTo(english.body());
    assertThat(runs("/lang")).isEqualTo(2);
  }

  @Test
  void get_matchingIfNoneMatch_answers304WithoutRunningTheHandler() {
    HttpResponse<String> first = server.get("/etag");
    String etag = first.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> revalidated = server.get("/etag", "If-None-Match", "\"other\", " + etag);
    HttpResponse<String> weak = server.get("/etag", "If-None-Match", "W/" + etag);
    HttpResponse<String> stale = server.get("/etag", "If-None-Match", "\"other\"");

    assertThat(etag).startsWith("\"").endsWith("\"");
    assertThat(revalidated.statusCode()).isEqualTo(304);
    assertThat(revalidated.body()).isEmpty();
    assertThat(revalidated.headers().firstValue("ETag")).hasValue(etag);
    assertThat(weak.statusCode()).isEqualTo(304);
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(first.body());
    assertThat(runs("/etag")).isEqualTo(1);
  }

  @Test
  void get_matchingIfNoneMatchOnAStoredNon2xxResponse_answersThatResponseNot304() {
    // RFC 9110, 13.2.1: preconditions are evaluated only when the response would be 2xx.
    HttpResponse<String> missing = server.get("/missing", "If-None-Match", "*"); // runs the handler
    String etag = missing.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> missingAgain = server.get("/missing", "If-None-Match", etag); // a hit
    HttpResponse<String> redirect = server.get("/secure", "X-Forwarded-Proto", "http", "If-None-Match", "*");
    HttpResponse<String> redirectAgain = server.get("/secure", "X-Forwarded-Proto", "http", "If-None-Match", "*");

    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.body()).isEqualTo("no such thing, run 1");
    assertThat(missingAgain.statusCode()).isEqualTo(404);
    assertThat(missingAgain.body()).isEqualTo("no such thing, run 1");
    assertThat(missingAgain.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(redirect.statusCode()).isEqualTo(301);
    assertThat(redirectAgain.statusCode()).isEqualTo(301);
    assertThat(redirectAgain.headers().firstValue("Location")).isPresent();
    assertThat(redirectAgain.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
  }

  @Test
  void get_coldKeyWithIfNoneMatch_handlerSeesNoValidator_entryIsStored_clientGets304() {
    HttpResponse<String> first = server.get("/conditional", "If-None-Match", "\"v1\"");
    HttpResponse<String> plain = server.get("/conditional");
    HttpResponse<String> again = server.get("/conditional", "If-None-Match", "\"v1\"");

    assertThat(first.statusCode()).isEqualTo(304);
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.body()).isEqualTo("version 1");
    assertThat(plain.headers().firstValue("ETag")).hasValue("\"v1\"");
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(runs("/conditional")).isEqualTo(1);
  }

  @Test
  void get_asyncResponse_passesThroughWhole() {
    HttpResponse<String> first = server.get("/async");
    ticker.advance(Duration.ofSeconds(6));
    HttpResponse<String> second = server.get("/async");

    assertThat(first.body()).isEqualTo("async run 1");
    assertThat(second.body()).isEqualTo("async run 2");
  }

  @Test
  void etag_isAHashOfTheBody_sameAfterTheEntryIsStoredAgain() {
    String first = server.get("/shared").headers().firstValue("ETag").orElseThrow();
    assertThat(first).isEqualTo(Http.etag("run 1 of /shared?null".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  @Test
  void get_noStoreResponse_isNeverCached() {
    server.get("/nostore");
    ticker.advance(Duration.ofSeconds(6)); // past the pass marker
    HttpResponse<String> second = server.get("/nostore");
    HttpResponse<String> third = server.get("/nostore");

    assertThat(second.body()).isEqualTo("run 2");
    assertThat(third.body()).isEqualTo("run 3");
    assertThat(runs("/nostore")).isEqualTo(3);
  }

  @Test
  void get_privateResponse_isNeverCachedOnASharedRoute() {
    server.get("/private");
    HttpResponse<String> second = server.get("/private");

    assertThat(second.body()).isEqualTo("run 2");
  }

  @Test
  void get_privateResponseOnAPerUserRoute_isStoredForANamedUserOnly() {
    HttpResponse<String> alice = server.get("/mine", "X-User", "alice");
    HttpResponse<String> aliceAgain = server.get("/mine", "X-User", "alice");
    server.get("/mine");
    ticker.advance(Duration.ofSeconds(6));
    HttpResponse<String> anonymousAgain = server.get("/mine");

    assertThat(aliceAgain.body()).isEqualTo(alice.body());
    assertThat(anonymousAgain.headers().firstValue("X-Cascade-Cache")).hasValue("miss");
    assertThat(runs("/mine")).isEqualTo(3);
  }

  @Test
  void get_responseSettingACookie_isNeverCached() {
    HttpResponse<String> first = server.get("/cookie");
    ticker.advance(Duration.ofSeconds(6));
    HttpResponse<String> second = server.get("/cookie");

    assertThat(first.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("visitor=v1"));
    assertThat(second.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("visitor=v2"));
    assertThat(second.body()).isEqualTo("run 2");
  }

  @Test
  void get_responseWithASetCookieHeader_isNeverCached() {
    server.get("/cookie-header");
    ticker.advance(Duration.ofSeconds(6));
    HttpResponse<String> second = server.get("/cookie-header");

    assertThat(second.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("visitor=h2"));
    assertThat(second.body()).isEqualTo("run 2");
  }

  @Test
  void get_handlerCreatingASessionWhoseCookieIsNotSetYet_isNotStoredInTheSharedEntry() throws Exception {
    // Renders state of a session it creates, as a page with a CSRF token or a cart does. The session is
    // tracked by URL, so no Set-Cookie shows it, as with Spring Session, which adds its cookie only at commit.
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      jakarta.servlet.http.HttpSession session = request.getSession(true);
      session.setAttribute("csrf", "token-" + run);
      response.getWriter().print("form with " + session.getAttribute("csrf"));
    });
    try (HttpResponseCache own =
            HttpResponseCache.builder(Cache.<String, CachedResponse>builder("session").inMemory(m -> m.maximumSize(10)))
                .route("/form", r -> r.ttl(Duration.ofMinutes(5)))
                .build();
        TestServer jetty = TestServer.start(own, Map.of("/form", handler), null, context ->
            context.getSessionHandler().setSessionTrackingModes(java.util.Set.of(jakarta.servlet.SessionTrackingMode.URL)))) {
      HttpResponse<String> first = jetty.get("/form");
      HttpResponse<String> second = jetty.get("/form"); // another anonymous client

      assertThat(first.body()).isEqualTo("form with token-1");
      assertThat(second.body()).isEqualTo("form with token-2");
      assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("pass");
      assertThat(handler.runs.get()).isEqualTo(2);
    }
  }

  @Test
  void get_sameUrlOverAnotherScheme_hasAnEntryOfItsOwn() {
    // Behind a TLS-terminating proxy that says which scheme the client used.
    HttpResponse<String> plain = server.get("/secure", "X-Forwarded-Proto", "http");
    HttpResponse<String> secure = server.get("/secure", "X-Forwarded-Proto", "https");
    HttpResponse<String> plainAgain = server.get("/secure", "X-Forwarded-Proto", "http");
    HttpResponse<String> secureAgain = server.get("/secure", "X-Forwarded-Proto", "https");

    assertThat(plain.statusCode()).isEqualTo(301);
    assertThat(secure.statusCode()).isEqualTo(200); // not the stored redirect: that would loop
    assertThat(secure.body()).isEqualTo("secure page, run 2");
    assertThat(plainAgain.statusCode()).isEqualTo(301);
    assertThat(plainAgain.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(secureAgain.body()).isEqualTo(secure.body());
    assertThat(runs("/secure")).isEqualTo(2);
  }

  @Test
  void get_sameUrlOnAnotherPort_hasAnEntryOfItsOwn() throws Exception {
    // One application on two ports, one cache: the first port redirects to the second.
    CountingServlet redirecting = new CountingServlet((request, response, run) -> {
      response.setStatus(301);
      response.setHeader("Location", "/x?from=" + request.getServerPort());
    });
    CountingServlet serving = new CountingServlet((request, response, run) ->
        response.getWriter().print("served on port " + request.getServerPort()));
    try (HttpResponseCache shared =
            HttpResponseCache.builder(Cache.<String, CachedResponse>builder("ports").inMemory(m -> m.maximumSize(10)))
                .route("/x", r -> r.ttl(Duration.ofMinutes(5)))
                .build();
        TestServer first = TestServer.start(shared, Map.of("/x", redirecting));
        TestServer second = TestServer.start(shared, Map.of("/x", serving))) {
      HttpResponse<String> onFirst = first.get("/x");
      HttpResponse<String> onSecond = second.get("/x");
      HttpResponse<String> onFirstAgain = first.get("/x");

      assertThat(onFirst.statusCode()).isEqualTo(301);
      assertThat(onSecond.statusCode()).isEqualTo(200);
      assertThat(onSecond.body()).isEqualTo("served on port " + second.uri("/").getPort());
      assertThat(onFirstAgain.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
      assertThat(redirecting.runs.get()).isEqualTo(1);
      assertThat(serving.runs.get()).isEqualTo(1);
    }
  }

  @Test
  void get_resetBufferAfterWritingThroughTheWriter_discardsWhatWasWritten() {
    HttpResponse<String> first = server.get("/reset-buffer");
    HttpResponse<String> second = server.get("/reset-buffer");

    assertThat(first.body()).isEqualTo("ok, run 1");
    assertThat(second.body()).isEqualTo("ok, run 1");
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
  }

  @Test
  void get_resetAfterWritingThroughTheWriter_discardsWhatWasWritten() {
    HttpResponse<String> first = server.get("/reset-writer");
    HttpResponse<String> second = server.get("/reset-writer");

    assertThat(first.body()).isEqualTo("ok, run 1");
    assertThat(second.body()).isEqualTo("ok, run 1");
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
  }

  @Test
  void get_resetAfterGetWriter_handlerMayTakeTheStream() {
    HttpResponse<String> first = server.get("/reset-stream");
    HttpResponse<String> second = server.get("/reset-stream");

    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo("ok, run 1");
    assertThat(second.body()).isEqualTo("ok, run 1");
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
  }

  @Test
  void head_afterACachedGet_isServedFromIt() {
    HttpResponse<String> get = server.get("/head");
    HttpResponse<String> head = server.head("/head");

    assertThat(runs("/head")).isEqualTo(1);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(get.body().length()));
    assertThat(head.headers().firstValue("Content-Type")).isEqualTo(get.headers().firstValue("Content-Type"));
    assertThat(head.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
    assertThat(head.headers().firstValue("X-Handler")).hasValue("yes");
    assertThat(head.headers().firstValue("ETag")).isEqualTo(get.headers().firstValue("ETag"));
  }

  @Test
  void head_onAColdKey_runsTheHandlerAndStoresNothing() {
    server.head("/head");
    server.get("/head");

    assertThat(runs("/head")).isEqualTo(2);
  }

  @Test
  void get_withAuthorizationOnASharedRoute_isNeitherServedFromNorStoredInTheCache() {
    HttpResponse<String> anonymous = server.get("/shared");
    HttpResponse<String> authorized = server.get("/shared", "Authorization", "Bearer alice");
    HttpResponse<String> authorizedAgain = server.get("/shared", "Authorization", "Bearer alice");
    HttpResponse<String> anonymousAgain = server.get("/shared");

    assertThat(authorized.body()).isEqualTo("run 2 of /shared?null");
    assertThat(authorizedAgain.body()).isEqualTo("run 3 of /shared?null");
    assertThat(authorized.headers().firstValue("X-Cascade-Cache")).hasValue("pass");
    assertThat(anonymousAgain.body()).isEqualTo(anonymous.body());
    assertThat(runs("/shared")).isEqualTo(3);
  }

  @Test
  void get_headerSetByAnOuterFilter_isNotStored_theOuterFilterSetsItOnEveryHit() {
    HttpResponse<String> alice = server.get("/shared", "X-Caller", "alice");
    HttpResponse<String> bob = server.get("/shared", "X-Caller", "bob");

    assertThat(bob.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(alice.headers().firstValue("X-Outer")).hasValue("for alice");
    assertThat(bob.headers().firstValue("X-Outer")).hasValue("for bob");
  }

  @Test
  void get_rangeRequest_passesThroughAndStoresNothing() {
    HttpResponse<String> range = server.get("/shared", "Range", "bytes=0-3");
    HttpResponse<String> whole = server.get("/shared");
    HttpResponse<String> wholeAgain = server.get("/shared");

    assertThat(range.headers().firstValue("X-Cascade-Cache")).hasValue("pass");
    assertThat(whole.headers().firstValue("X-Cascade-Cache")).hasValue("miss");
    assertThat(wholeAgain.body()).isEqualTo(whole.body());
    assertThat(runs("/shared")).isEqualTo(2);
  }

  @Test
  void get_withSessionCookieOnASharedRoute_passesThrough() {
    server.get("/shared");
    HttpResponse<String> withSession = server.get("/shared", "Cookie", "JSESSIONID=abc");

    assertThat(withSession.headers().firstValue("X-Cascade-Cache")).hasValue("pass");
    assertThat(runs("/shared")).isEqualTo(2);
  }

  @Test
  void get_errorResponse_isNotCachedUnlessTheRouteSaysSo() {
    HttpResponse<String> error = server.get("/error");
    ticker.advance(Duration.ofSeconds(6));
    HttpResponse<String> errorAgain = server.get("/error");
    HttpResponse<String> missing = server.get("/missing");
    HttpResponse<String> missingAgain = server.get("/missing");

    assertThat(error.statusCode()).isEqualTo(503);
    assertThat(errorAgain.body()).isEqualTo("down, run 2");
    assertThat(missingAgain.statusCode()).isEqualTo(404);
    assertThat(missingAgain.body()).isEqualTo(missing.body());
    assertThat(runs("/missing")).isEqualTo(1);
  }

  @Test
  void get_bodyOverTheLimit_passesThroughWhole() {
    HttpResponse<String> first = server.get("/big");
    ticker.advance(Duration.ofSeconds(6));
    HttpResponse<String> second = server.get("/big");

    assertThat(first.body()).hasSize("run 1 ".length() + 5000);
    assertThat(second.body()).startsWith("run 2 ");
  }

  @Test
  void get_streamingResponse_passesThroughWhole() {
    HttpResponse<String> first = server.get("/stream");
    ticker.advance(Duration.ofSeconds(6));
    HttpResponse<String> second = server.get("/stream");

    assertThat(first.body()).isEqualTo("event 1 of run 1, event 2");
    assertThat(second.body()).isEqualTo("event 1 of run 2, event 2");
  }

  @Test
  void get_handlerFlushingItsStreamAtTheEnd_isStoredAndServedWhole() {
    HttpResponse<String> first = server.get("/flushed-stream");
    HttpResponse<String> second = server.get("/flushed-stream");

    assertThat(first.body()).isEqualTo("run 1, flushed at its end");
    assertThat(first.headers().firstValue("X-Cascade-Cache")).hasValue("miss");
    assertThat(second.body()).isEqualTo("run 1, flushed at its end");
    assertThat(second.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(second.headers().firstValue("Content-Type")).hasValue("text/plain;charset=utf-8");
    assertThat(runs("/flushed-stream")).isEqualTo(1);
  }

  @Test
  void get_handlerFlushingTheBufferAtTheEnd_isStoredWithItsLength() {
    HttpResponse<String> first = server.get("/flushed-buffer");
    HttpResponse<String> second = server.get("/flushed-buffer");

    assertThat(first.body()).isEqualTo("run 1, buffer flushed at its end");
    assertThat(first.headers().firstValueAsLong("Content-Length")).hasValue(first.body().length());
    assertThat(second.body()).isEqualTo("run 1, buffer flushed at its end");
    assertThat(second.headers().firstValueAsLong("Content-Length")).hasValue(second.body().length());
    assertThat(runs("/flushed-buffer")).isEqualTo(1);
  }

  @Test
  void get_requestNoCache_runsTheHandlerAndStoresItsAnswer() {
    server.get("/revalidate");
    HttpResponse<String> revalidated = server.get("/revalidate", "Cache-Control", "no-cache");
    HttpResponse<String> after = server.get("/revalidate");

    assertThat(revalidated.body()).isEqualTo("run 2 of /revalidate?null");
    assertThat(after.body()).isEqualTo(revalidated.body());
    assertThat(runs("/revalidate")).isEqualTo(2);
  }

  @Test
  void get_requestNoCacheNotHonoured_isServedFromTheCache() throws Exception {
    CountingServlet handler = CountingServlet.echo();
    try (HttpResponseCache strict =
            HttpResponseCache.builder(Cache.<String, CachedResponse>builder("strict").inMemory(m -> m.maximumSize(10)))
                .honourRequestNoCache(false)
                .route("/x", r -> r.ttl(Duration.ofMinutes(5)))
                .build();
        TestServer own = TestServer.start(strict, Map.of("/x", handler))) {
      own.get("/x");
      HttpResponse<String> noCache = own.get("/x", "Cache-Control", "no-cache");

      assertThat(noCache.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
      assertThat(handler.runs.get()).isEqualTo(1);
    }
  }

  @Test
  void staleWhileRevalidateOnTheCache_backgroundRefreshNeverRunsTheHandlerOutsideItsRequest() throws Exception {
    FakeTicker time = new FakeTicker();
    java.util.List<String> threads = new java.util.concurrent.CopyOnWriteArrayList<>();
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      threads.add(Thread.currentThread().getName());
      response.getWriter().print("run " + run);
    });
    try (HttpResponseCache swr =
            HttpResponseCache.builder(Cache.<String, CachedResponse>builder("swr").inMemory(m -> m.maximumSize(10))
                    .ttl(Duration.ofMinutes(1)).staleWhileRevalidate(Duration.ofMinutes(1)))
                .ticker(time)
                .route("/x", r -> r.ttl(Duration.ofSeconds(10)))
                .build();
        TestServer own = TestServer.start(swr, Map.of("/x", handler))) {
      own.get("/x");
      time.advance(Duration.ofSeconds(11));
      HttpResponse<String> afterExpiry = own.get("/x");
      await().atMost(Duration.ofSeconds(10)).until(() -> swr.cache().inspect().inFlightLoads() == 0);
      HttpResponse<String> next = own.get("/x");

      assertThat(afterExpiry.statusCode()).isEqualTo(200);
      assertThat(next.statusCode()).isEqualTo(200);
      assertThat(threads).allMatch(name -> name.startsWith("qtp")); // Jetty's request threads only
    }
  }

  @Test
  void invalidateNamespace_whileTheHandlerRuns_itsAnswerIsServedButNotStored() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      if (run == 1) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      response.getWriter().print("run " + run);
    });
    FakeTicker time = new FakeTicker();
    try (HttpResponseCache own =
            HttpResponseCache.builder(Cache.<String, CachedResponse>builder("inflight").inMemory(m -> m.maximumSize(10)))
                .ticker(time)
                .route("/x", r -> r.ttl(Duration.ofMinutes(5)).namespace("n"))
                .build();
        TestServer jetty = TestServer.start(own, Map.of("/x", handler))) {
      CompletableFuture<HttpResponse<String>> first = jetty.client.sendAsync(
          HttpRequest.newBuilder(jetty.uri("/x")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      own.invalidateNamespace("n"); // the data the handler read may be what this invalidation replaces
      release.countDown();

      assertThat(first.get(30, TimeUnit.SECONDS).body()).isEqualTo("run 1");
      time.advance(Duration.ofMillis(1001)); // past the short pass marker that kept run 1 out
      HttpResponse<String> second = jetty.get("/x");
      HttpResponse<String> third = jetty.get("/x");

      assertThat(second.body()).isEqualTo("run 2");
      assertThat(third.body()).isEqualTo("run 2");
    }
  }

  @Test
  void get_leadersClientGoneWhenItsHandlerFlushesTheWholeBody_waitersGetTheStoredResponse() throws Exception {
    // Ends with a flush, as Spring MVC ends a ResponseEntity; the first run waits there for the others.
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      response.setContentType("text/plain;charset=utf-8");
      response.getWriter().print("whole body of run " + run);
      if (run == 1) {
        entered.countDown();
        awaitQuietly(release);
      }
      response.flushBuffer();
    });
    try (HttpResponseCache own = oneRoute("gone-flush", "/x");
        TestServer jetty = TestServer.start(own, Map.of("/x", handler))) {
      List<CompletableFuture<HttpResponse<String>>> waiters = leaderGoneWithWaiters(jetty, own, entered, release);

      for (CompletableFuture<HttpResponse<String>> waiter : waiters) {
        HttpResponse<String> answer = waiter.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("whole body of run 1");
        assertThat(answer.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
      }
      assertThat(handler.runs.get()).isEqualTo(1);
    }
  }

  @Test
  void get_leadersClientGoneWhileItsHandlerStreams_waitersRunTheHandlerThemselves() throws Exception {
    // Streams: writes after its flush, so its response is never stored; the first run's write fails.
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      response.setContentType("text/plain;charset=utf-8");
      jakarta.servlet.ServletOutputStream out = response.getOutputStream();
      out.write(("event 1 of run " + run).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      if (run == 1) {
        entered.countDown();
        awaitQuietly(release);
      }
      out.flush();
      out.write(", event 2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    });
    try (HttpResponseCache own = oneRoute("gone-stream", "/x");
        TestServer jetty = TestServer.start(own, Map.of("/x", handler))) {
      List<CompletableFuture<HttpResponse<String>>> waiters = leaderGoneWithWaiters(jetty, own, entered, release);

      List<String> bodies = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> waiter : waiters) {
        HttpResponse<String> answer = waiter.get(30, TimeUnit.SECONDS);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("X-Cascade-Cache")).hasValue("pass");
        bodies.add(answer.body());
      }
      assertThat(bodies).containsExactlyInAnyOrder(
          "event 1 of run 2, event 2", "event 1 of run 3, event 2", "event 1 of run 4, event 2");
    }
  }

  @Test
  void get_leadersClientGone_aSecondFlushThroughTheWriterShowsTheFailure() throws Exception {
    // A handler that learns of a disconnect only by flushing its writer (checkError()), as a
    // long-poll loop does: only the first failed flush is kept from it.
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    java.util.concurrent.atomic.AtomicReference<Boolean> leaderSawTheFailure = new java.util.concurrent.atomic.AtomicReference<>();
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      response.setContentType("text/plain;charset=utf-8");
      java.io.PrintWriter writer = response.getWriter();
      writer.print("whole body of run " + run);
      if (run == 1) {
        entered.countDown();
        awaitQuietly(release);
      }
      writer.flush();
      writer.flush();
      if (run == 1) {
        leaderSawTheFailure.set(writer.checkError());
      }
    });
    try (HttpResponseCache own = oneRoute("gone-second-flush", "/x");
        TestServer jetty = TestServer.start(own, Map.of("/x", handler))) {
      List<CompletableFuture<HttpResponse<String>>> waiters = leaderGoneWithWaiters(jetty, own, entered, release);

      for (CompletableFuture<HttpResponse<String>> waiter : waiters) {
        assertThat(waiter.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
      }
      assertThat(leaderSawTheFailure.get()).isTrue();
    }
  }

  @Test
  void get_resetBufferWithAStatefulCharset_encodesTheNewTextFromTheStart() throws Exception {
    // ISO-2022-JP shifts into kanji with an escape sequence: after a reset the new text needs it again.
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      response.setContentType("text/plain;charset=ISO-2022-JP");
      java.io.PrintWriter writer = response.getWriter();
      writer.print("日本");
      response.resetBuffer();
      writer.print("日本, run " + run);
    });
    try (HttpResponseCache own = oneRoute("stateful-charset", "/x");
        TestServer jetty = TestServer.start(own, Map.of("/x", handler))) {
      HttpResponse<String> first = jetty.get("/x");
      HttpResponse<String> hit = jetty.get("/x");

      assertThat(first.body()).isEqualTo("日本, run 1");
      assertThat(hit.body()).isEqualTo("日本, run 1");
      assertThat(hit.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    }
  }

  @Test
  void get_charsetChangedAfterGetWriter_isIgnored_headerAndBytesAgreeOnTheRunAndOnAHit() throws Exception {
    // Servlet 6, ServletResponse: after getWriter() these do not change the character encoding.
    CountingServlet handler = new CountingServlet((request, response, run) -> {
      response.setContentType("text/plain;charset=UTF-8");
      java.io.PrintWriter writer = response.getWriter();
      switch (request.getParameter("change")) {
        case "type" -> response.setContentType("text/plain;charset=UTF-16");
        case "header" -> response.setHeader("Content-Type", "text/plain;charset=UTF-16");
        case "encoding" -> response.setCharacterEncoding("UTF-16");
        default -> throw new IllegalArgumentException(request.getParameter("change"));
      }
      writer.print("Grüße aus 東京, run " + run);
    });
    try (HttpResponseCache own = oneRoute("charset", "/x");
        TestServer jetty = TestServer.start(own, Map.of("/x", handler))) {
      org.assertj.core.api.SoftAssertions.assertSoftly(softly -> {
        int run = 0;
        for (String change : List.of("type", "header", "encoding")) {
          HttpResponse<String> first = jetty.get("/x?change=" + change);
          HttpResponse<String> hit = jetty.get("/x?change=" + change);
          run++;

          for (HttpResponse<String> answer : List.of(first, hit)) {
            // the client decodes the body by the header's charset: the text comes out whole only if they agree
            softly.assertThat(answer.headers().firstValue("Content-Type").orElseThrow().toLowerCase(java.util.Locale.ROOT))
                .as(change).isEqualTo("text/plain;charset=utf-8");
            softly.assertThat(answer.body()).as(change).isEqualTo("Grüße aus 東京, run " + run);
          }
          softly.assertThat(hit.headers().firstValue("X-Cascade-Cache")).as(change).hasValue("hit");
        }
      });
    }
  }

  private static HttpResponseCache oneRoute(String name, String path) {
    return HttpResponseCache.builder(Cache.<String, CachedResponse>builder(name).inMemory(m -> m.maximumSize(10)))
        .route(path, r -> r.ttl(Duration.ofMinutes(5)))
        .build();
  }

  /**
   * Sends GET /x from a raw socket, whose handler run {@code entered} signals; queues three requests
   * behind that run; then resets the socket (the client went away) and {@code release}s the run.
   * Returns the three queued requests' answers.
   */
  private static List<CompletableFuture<HttpResponse<String>>> leaderGoneWithWaiters(
      TestServer jetty, HttpResponseCache cache, CountDownLatch entered, CountDownLatch release) throws Exception {
    int port = jetty.uri("/").getPort();
    try (java.net.Socket leader = new java.net.Socket("127.0.0.1", port)) {
      leader.getOutputStream().write(("GET /x HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      leader.getOutputStream().flush();
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<HttpResponse<String>>> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        waiters.add(jetty.client.sendAsync(
            HttpRequest.newBuilder(jetty.uri("/x")).timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> cache.cache().stats().coalescedWaitCount() >= 3);
      leader.setSoLinger(true, 0); // close() resets the connection: the server's next write to it fails
      leader.close();
      release.countDown();
      return waiters;
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void invalidateNamespaceAndTag_makeTheHandlerRunAgain() {
    server.get("/ttl");
    server.get("/products/42");
    server.get("/products/43");

    HttpResponse<String> encoded = server.get("/products/%34%32"); // the same resource, spelled otherwise

    http.invalidateNamespace("stats");
    http.invalidateTag("product:42");
    server.get("/ttl");
    HttpResponse<String> encodedAfter = server.get("/products/%34%32");
    server.get("/products/42");
    server.get("/products/43");

    assertThat(encoded.headers().firstValue("X-Cascade-Cache")).hasValue("hit");
    assertThat(encodedAfter.headers().firstValue("X-Cascade-Cache")).hasValue("miss");
    assertThat(runs("/ttl")).isEqualTo(2);
    assertThat(runs("/products/*")).isEqualTo(3);
  }

  @Test
  void get_200ConcurrentRequestsForOneColdUrl_runTheHandlerOnce() throws Exception {
    List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      responses.add(server.client.sendAsync(
          HttpRequest.newBuilder(server.uri("/stampede")).timeout(Duration.ofSeconds(60)).build(),
          HttpResponse.BodyHandlers.ofString()));
    }
    // the handler holds its run until every other request waits on it
    await().atMost(Duration.ofSeconds(60)).until(() -> http.cache().stats().coalescedWaitCount() >= 199);
    stampedeGo.countDown();

    for (CompletableFuture<HttpResponse<String>> response : responses) {
      HttpResponse<String> answer = response.get(60, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("run 1");
    }
    assertThat(runs("/stampede")).isEqualTo(1);
  }
}
