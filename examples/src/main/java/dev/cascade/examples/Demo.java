package dev.cascade.examples;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * The Cascade demo: an embedded, in-memory {@link Cache} in front of a slow database, no server
 * needed. Run it with {@code java -jar examples/target/cascade-examples.jar}; it takes about 12
 * seconds.
 *
 * <p>A product service answers a stream of product lookups whose popularity follows a Zipf
 * distribution (a few hot products, a long tail of cold ones), from a fixed seed so every run sees
 * the same stream. Each database query takes 20 ms. The demo runs the same stream twice on a pool
 * of worker threads, standing in for concurrent clients:
 *
 * <ol>
 *   <li>without a cache: every lookup is a database query;
 *   <li>with {@code cache.get(id, db::findProduct)}: only the first lookup of a product queries the
 *       database, every later one is answered from memory;
 * </ol>
 *
 * <p>and prints, per phase, the database queries, the cache's hit ratio and the lookup latencies
 * (HdrHistogram). It then shows stampede protection: 200 threads ask for the same uncached product
 * at the same instant, and the database sees exactly one query; the other callers wait for that
 * load instead of running their own.
 *
 * <p>Exits with status 1 if the cache saved less than 90% of the queries or the stampede reached
 * the database more than once, so the demo doubles as a smoke test.
 */
public final class Demo {
  private static final int PRODUCTS = 1_000;
  private static final double ZIPF_EXPONENT = 0.99;
  private static final int REQUESTS_PER_PHASE = 16_000;
  private static final int WORKERS = 32;
  private static final Duration DB_LATENCY = Duration.ofMillis(20);
  private static final int STAMPEDE_CALLERS = 200;
  private static final long SEED = 42;
  private static final double REQUIRED_REDUCTION = 0.90;

  private static final String ROW = "%-13s  %8s  %10s  %9s  %11s  %11s%n";

  private Demo() {}

  /** Runs the demo; takes no arguments. */
  public static void main(String[] args) throws InterruptedException {
    SlowDatabase db = new SlowDatabase(DB_LATENCY);
    long[] requests = requestStream();

    System.out.printf(
        Locale.ROOT,
        "Cascade demo: an in-memory cache in front of a database that takes %d ms per query.%n"
            + "%,d products, Zipf(%.2f) popularity, %,d lookups per phase on %d threads.%n%n",
        DB_LATENCY.toMillis(),
        PRODUCTS,
        ZIPF_EXPONENT,
        REQUESTS_PER_PHASE,
        WORKERS);
    System.out.flush();

    boolean ok;
    try (Cache<Long, Product> cache =
        Cache.<Long, Product>builder("products")
            .inMemory(m -> m.maximumSize(5_000))
            .ttl(Duration.ofMinutes(5))
            .build()) {
      PhaseResult uncached = runPhase("without cache", requests, db::findProduct, db, null);
      PhaseResult cached =
          runPhase("with cache", requests, id -> cache.get(id, db::findProduct), db, cache);

      System.out.printf(
          ROW, "phase", "requests", "db queries", "hit ratio", "p50 latency", "p99 latency");
      System.out.printf(
          ROW, dashes(13), dashes(8), dashes(10), dashes(9), dashes(11), dashes(11));
      uncached.print();
      cached.print();

      System.out.println(
          "(A lookup that waited for another thread's load of the same product counts as a miss.)");

      double reduction = 1.0 - (double) cached.dbQueries() / uncached.dbQueries();
      System.out.printf(
          Locale.ROOT,
          "%nWith the cache the database answered %.1f%% fewer queries (%,d instead of %,d).%n",
          reduction * 100,
          cached.dbQueries(),
          uncached.dbQueries());
      ok = reduction >= REQUIRED_REDUCTION;
      if (!ok) {
        System.err.printf(
            Locale.ROOT, "UNEXPECTED: less than %.0f%% fewer queries%n", REQUIRED_REDUCTION * 100);
      }

      ok &= runStampede(cache, db);
    }
    if (!ok) {
      System.exit(1);
    }
  }

  /** Returns the product ids to look up, the same for every run and for both phases. */
  private static long[] requestStream() {
    Zipf popularity = new Zipf(PRODUCTS, ZIPF_EXPONENT);
    Random random = new Random(SEED);
    long[] ids = new long[REQUESTS_PER_PHASE];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = popularity.sample(random); // rank k is product k: product 1 is the most popular
    }
    return ids;
  }

  /** Looks up every id of {@code requests} through {@code service} on {@link #WORKERS} threads. */
  private static PhaseResult runPhase(
      String phase,
      long[] requests,
      LongFunction<Product> service,
      SlowDatabase db,
      @Nullable Cache<Long, Product> cache)
      throws InterruptedException {
    long queriesBefore = db.queryCount();
    AtomicInteger next = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    Callable<Histogram> worker =
        () -> {
          Histogram latencies = new Histogram(3); // nanoseconds, 3 significant digits, auto-resizing
          for (int i = next.getAndIncrement(); i < requests.length; i = next.getAndIncrement()) {
            long start = System.nanoTime();
            service.apply(requests[i]);
            latencies.recordValue(System.nanoTime() - start);
            done.incrementAndGet();
          }
          return latencies;
        };

    Histogram latencies = new Histogram(3);
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    Progress progress = Progress.start("running " + phase, done::get, requests.length);
    try {
      List<Future<Histogram>> results = new ArrayList<>();
      for (int w = 0; w < WORKERS; w++) {
        results.add(workers.submit(worker));
      }
      for (Future<Histogram> result : results) {
        latencies.add(await(result));
      }
    } finally {
      progress.close();
      shutdown(workers);
    }
    String hitRatio =
        cache == null ? "-" : String.format(Locale.ROOT, "%.1f%%", cache.stats().hitRate() * 100);
    return new PhaseResult(
        phase, requests.length, db.queryCount() - queriesBefore, hitRatio, latencies);
  }

  /**
   * Releases {@link #STAMPEDE_CALLERS} threads at once on one product nobody asked for yet and
   * returns whether the database saw exactly one query.
   */
  private static boolean runStampede(Cache<Long, Product> cache, SlowDatabase db)
      throws InterruptedException {
    long coldKey = PRODUCTS + 1; // outside the request stream, so certainly not cached
    System.out.printf(
        Locale.ROOT,
        "%nStampede: %d threads, released at once by a latch, ask for uncached product %d.%n",
        STAMPEDE_CALLERS,
        coldKey);

    CacheStats before = cache.stats();
    long queriesBefore = db.queryCount();
    CountDownLatch ready = new CountDownLatch(STAMPEDE_CALLERS);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService callers = Executors.newFixedThreadPool(STAMPEDE_CALLERS);
    List<Product> products = new ArrayList<>();
    try {
      List<Future<Product>> results = new ArrayList<>();
      for (int i = 0; i < STAMPEDE_CALLERS; i++) {
        results.add(
            callers.submit(
                () -> {
                  ready.countDown();
                  go.await();
                  return cache.get(coldKey, db::findProduct);
                }));
      }
      ready.await(); // every caller is parked on the latch
      go.countDown();
      for (Future<Product> result : results) {
        products.add(await(result));
      }
    } finally {
      shutdown(callers);
    }
    CacheStats after = cache.stats();
    long queries = db.queryCount() - queriesBefore;
    long coalesced = after.coalescedWaitCount() - before.coalescedWaitCount();
    long hits = after.hitCount() - before.hitCount();
    boolean sameProduct = products.stream().distinct().count() == 1;

    System.out.printf(
        Locale.ROOT,
        "  database queries:  %4d%n"
            + "  coalesced waits:   %4d  (waited for that one load: stats().coalescedWaitCount())%n"
            + "  later hits:        %4d  (arrived once it was cached)%n"
            + "  every caller got:  %s%n",
        queries,
        coalesced,
        hits,
        sameProduct ? products.get(0) : "DIFFERENT PRODUCTS");
    boolean ok = queries == 1 && sameProduct;
    if (!ok) {
      System.err.println("UNEXPECTED: the stampede did not end in exactly one query");
    }
    return ok;
  }

  private static String dashes(int count) {
    return "-".repeat(count);
  }

  private static <T> T await(Future<T> future) throws InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a demo thread failed", e.getCause());
    }
  }

  private static void shutdown(ExecutorService pool) throws InterruptedException {
    pool.shutdownNow();
    if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("demo threads did not stop");
    }
  }

  /** One row of the results table. */
  private record PhaseResult(
      String phase, int requests, long dbQueries, String hitRatio, Histogram latencies) {

    void print() {
      System.out.printf(
          Locale.ROOT,
          ROW,
          phase,
          String.format(Locale.ROOT, "%,d", requests),
          String.format(Locale.ROOT, "%,d", dbQueries),
          hitRatio,
          duration(latencies.getValueAtPercentile(50)),
          duration(latencies.getValueAtPercentile(99)));
    }

    /** Formats {@code nanos} in milliseconds, or below one in microseconds ("us", plain ASCII). */
    private static String duration(long nanos) {
      return nanos < 1_000_000
          ? String.format(Locale.ROOT, "%.1f us", nanos / 1e3)
          : String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
  }
}
