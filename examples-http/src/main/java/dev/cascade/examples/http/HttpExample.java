package dev.cascade.examples.http;

import dev.cascade.cache.Cache;
import dev.cascade.cache.http.CachedResponse;
import dev.cascade.cache.http.HttpResponseCache;
import dev.cascade.cache.http.UserKey;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Response caching in a plain embedded Jetty, on the embedded in-process cache (no server needed):
 * a slow statistics endpoint, a product page tagged by product, a per-user page; then requests
 * against it that show hits, a {@code 304}, per-user entries and invalidation by namespace and tag.
 * With {@code --serve [port]} it keeps serving instead (try it with curl).
 */
public final class HttpExample {
  private static final AtomicInteger handlerRuns = new AtomicInteger();

  private HttpExample() {}

  public static void main(String[] args) throws Exception {
    // Routes: TTL, namespace, key and caller per path pattern.
    HttpResponseCache http = HttpResponseCache.builder(
            Cache.<String, CachedResponse>builder("http")
                .inMemory(m -> m.maximumWeight(64 << 20, (key, response) -> response.weight())))
        .route("/stats", r -> r.ttl(Duration.ofSeconds(30)).namespace("stats"))
        .route("/products/{id}", r -> r.ttl(Duration.ofMinutes(5)).namespace("catalog")
            .queryParams("lang").tags("product:{id}"))
        .route("/me", r -> r.ttl(Duration.ofMinutes(1)).namespace("me")
            .perUser(UserKey.header("X-User")))
        .build();

    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    boolean serve = args.length > 0 && args[0].equals("--serve");
    connector.setPort(serve && args.length > 1 ? Integer.parseInt(args[1]) : 0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.addFilter(new FilterHolder(http.filter()), "/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new SlowServlet()), "/*");
    server.setHandler(context);
    server.start();
    URI base = URI.create("http://localhost:" + connector.getLocalPort());
    if (serve) {
      System.out.println("serving on " + base + " — try: curl -i " + base + "/stats");
      server.join();
      return;
    }
    try {
      HttpClient client = HttpClient.newHttpClient();
      show(client, base, "/stats", "first request: the handler runs");
      show(client, base, "/stats", "second request: served from the cache");
      String etag = send(client, base, "/stats").headers().firstValue("ETag").orElseThrow();
      show(client, base, "/stats", "If-None-Match: 304, the handler does not run", "If-None-Match", etag);
      show(client, base, "/products/42?utm_source=mail&lang=en", "product 42");
      show(client, base, "/products/42?lang=en&utm_source=ad", "same entry: utm_source is not part of the key");
      show(client, base, "/me", "alice's page", "X-User", "alice");
      show(client, base, "/me", "bob's page: his own entry", "X-User", "bob");
      show(client, base, "/stats", "Authorization on a shared route: passes through", "Authorization", "Bearer x");
      http.invalidateNamespace("stats");
      show(client, base, "/stats", "after invalidateNamespace(\"stats\"): the handler runs");
      http.invalidateTag("product:42");
      show(client, base, "/products/42?lang=en", "after invalidateTag(\"product:42\"): the handler runs");
      System.out.println("handler runs: " + handlerRuns.get());
    } finally {
      server.stop();
      http.close();
    }
  }

  private static HttpResponse<String> send(HttpClient client, URI base, String path, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void show(HttpClient client, URI base, String path, String what, String... headers)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<String> response = send(client, base, path, headers);
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("%-58s %s %d %-5s %3d ms  %s%n", what, "GET " + path, response.statusCode(),
        response.headers().firstValue("X-Cascade-Cache").orElse("-"), millis, response.body());
  }

  /** The application: every answer takes 20 ms of "database" time. */
  private static final class SlowServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      int run = handlerRuns.incrementAndGet();
      try {
        Thread.sleep(20); // stands for a query, not for synchronisation
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      response.setContentType("application/json");
      String user = request.getHeader("X-User");
      response.getWriter().print("{\"path\":\"" + request.getRequestURI() + "\",\"user\":"
          + (user == null ? "null" : "\"" + user + "\"") + ",\"run\":" + run + "}");
    }
  }
}
