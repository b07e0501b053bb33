package dev.cascade.examples.http;

import dev.cascade.cache.Cache;
import dev.cascade.cache.http.CachedResponse;
import dev.cascade.cache.http.HttpResponseCache;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.web.filter.ShallowEtagHeaderFilter;

/**
 * Requests per second through one embedded Jetty, five ways, in one process and interleaved round by
 * round: (a) a route behind the cache filter, every request a hit; (b) the same handler (sleeping 20
 * ms) with no filter; (c) a trivial handler with no filter; (d) the trivial handler behind the
 * filter, every request a hit; (e) the trivial handler behind Spring's {@code
 * ShallowEtagHeaderFilter}. (a)/(b) is what caching a slow endpoint buys; (d)/(c) is the filter's
 * own cost on a hit, (e)/(c) Spring's filter's. N callers on java.net.http, each sending its next request when the last
 * answered; each round measures each variant for a fixed time; medians over rounds.
 *
 * <p>Arguments: [rounds, 10] [seconds per variant and round, 2] [callers, 16] [warm-up seconds per
 * variant, 5]. The warm-up also fills the cache, so every measured request to (a) and (d) is a hit.
 */
public final class HttpBenchmark {
  private static final String[] NAMES = {
    "(a) cached, handler sleeps 20 ms (hits)",
    "(b) uncached, handler sleeps 20 ms",
    "(c) trivial handler, no filter",
    "(d) trivial handler behind the filter (hits)",
    "(e) trivial handler behind ShallowEtagHeaderFilter"
  };
  private static final String[] PATHS = {"/cached/slow", "/plain/slow", "/plain/trivial", "/cached/trivial", "/etag/trivial"};

  private HttpBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
    int callers = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    double warmUp = args.length > 3 ? Double.parseDouble(args[3]) : 5;

    HttpResponseCache http = HttpResponseCache.builder(
            Cache.<String, CachedResponse>builder("http").inMemory(m -> m.maximumSize(1_000)))
        .route("/cached/**", r -> r.ttl(Duration.ofHours(1)))
        .build();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    // the filter is mapped to /cached/* only: (b) and (c) run with no filter at all
    context.addFilter(new FilterHolder(http.filter()), "/cached/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Handler(true)), "/cached/slow");
    context.addServlet(new ServletHolder(new Handler(true)), "/plain/slow");
    context.addServlet(new ServletHolder(new Handler(false)), "/cached/trivial");
    context.addServlet(new ServletHolder(new Handler(false)), "/plain/trivial");
    // Spring's filter: runs the handler every time, buffers the body and hashes it (MD5) for an ETag
    context.addFilter(new FilterHolder(new ShallowEtagHeaderFilter()), "/etag/*", EnumSet.of(DispatcherType.REQUEST));
    context.addServlet(new ServletHolder(new Handler(false)), "/etag/trivial");
    server.setHandler(context);
    server.start();
    URI base = URI.create("http://127.0.0.1:" + connector.getLocalPort());
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    System.out.printf("rounds %d, %.1f s per variant and round, %.1f s warm-up per variant, %d callers, %d cores, JDK %s%n",
        rounds, seconds, warmUp, callers, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    try {
      for (int v = 0; v < PATHS.length; v++) {
        run(client, pool, base.resolve(PATHS[v]), callers, warmUp); // warm-up; fills the cache
      }
      double[][] rates = new double[PATHS.length][rounds];
      for (int round = 0; round < rounds; round++) {
        StringBuilder line = new StringBuilder("round " + (round + 1) + ":");
        for (int i = 0; i < PATHS.length; i++) {
          int v = (round % 2 == 0) ? i : PATHS.length - 1 - i; // alternate the order, so drift hits all alike
          rates[v][round] = run(client, pool, base.resolve(PATHS[v]), callers, seconds);
        }
        for (int v = 0; v < PATHS.length; v++) {
          line.append(String.format("  %s %.0f", "abcde".charAt(v), rates[v][round]));
        }
        System.out.println(line + " req/s");
      }
      System.out.println();
      System.out.printf("%-52s %12s %12s %12s%n", "variant", "median req/s", "min", "max");
      for (int v = 0; v < PATHS.length; v++) {
        double[] sorted = rates[v].clone();
        Arrays.sort(sorted);
        System.out.printf("%-52s %12.0f %12.0f %12.0f%n", NAMES[v], median(rates[v]), sorted[0], sorted[sorted.length - 1]);
      }
      double[] ab = new double[rounds];
      double[] dc = new double[rounds];
      double[] ec = new double[rounds];
      double[] de = new double[rounds];
      for (int round = 0; round < rounds; round++) {
        ab[round] = rates[0][round] / rates[1][round];
        dc[round] = rates[3][round] / rates[2][round];
        ec[round] = rates[4][round] / rates[2][round];
        de[round] = rates[3][round] / rates[4][round];
      }
      System.out.printf("%nratio a/b (cached over uncached slow route): median %.1fx%n", median(ab));
      System.out.printf("ratio d/c (filter hit over no filter, trivial handler): median %.2fx (min %.2f, max %.2f)%n",
          median(dc), Arrays.stream(dc).min().orElse(0), Arrays.stream(dc).max().orElse(0));
      System.out.printf("ratio e/c (ShallowEtagHeaderFilter over no filter, trivial handler): median %.2fx%n", median(ec));
      System.out.printf("ratio d/e (cache filter hit over ShallowEtagHeaderFilter): median %.2fx%n", median(de));
      System.out.printf("handler runs behind the filter (a and d, after the warm-up fill): %d%n", Handler.cachedRuns);
    } finally {
      pool.shutdownNow();
      server.stop();
      http.close();
    }
  }

  /** Runs {@code callers} closed-loop callers against {@code uri} for {@code seconds}; returns requests per second. */
  private static double run(HttpClient client, ExecutorService pool, URI uri, int callers, double seconds) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    HttpRequest request = HttpRequest.newBuilder(uri).build();
    List<Future<Long>> counts = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      counts.add(pool.submit(() -> {
        start.await();
        long done = 0;
        while (!stop.get()) {
          HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
          if (response.statusCode() != 200) {
            throw new IllegalStateException(uri + " answered " + response.statusCode());
          }
          done++;
        }
        return done;
      }));
    }
    long begin = System.nanoTime();
    start.countDown();
    Thread.sleep((long) (seconds * 1000)); // the measuring window, not synchronisation
    stop.set(true);
    long total = 0;
    for (Future<Long> count : counts) {
      total += count.get();
    }
    return total / ((System.nanoTime() - begin) / 1e9);
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** A JSON answer of about 200 bytes, after 20 ms of "database" time if slow. */
  private static final class Handler extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static volatile int cachedRuns;
    private final boolean slow;

    Handler(boolean slow) {
      this.slow = slow;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
      if (request.getRequestURI().startsWith("/cached/")) { // a and d: after the warm-up, never again
        cachedRuns++;
      }
      if (slow) {
        try {
          Thread.sleep(20); // stands for a query
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      response.setContentType("application/json");
      response.getWriter().print("{\"id\":42,\"name\":\"lamp\",\"price\":19.90,\"description\":\""
          + "a lamp that lights a desk well enough for reading and for writing long letters by hand\"}");
    }
  }
}
