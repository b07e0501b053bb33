package dev.cascade.benchmarks;

import dev.cascade.benchmarks.RefreshTimeline.LoadCall;
import dev.cascade.benchmarks.RefreshTimeline.Loads;
import dev.cascade.benchmarks.RefreshTimeline.RefreshCourse;
import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheBuilder;
import dev.cascade.cache.CacheStats;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.redis.RedisTier;
import io.lettuce.core.api.StatefulRedisConnection;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.UnaryOperator;
import org.HdrHistogram.Histogram;

/**
 * Load harness of issue #13: one hot key, TTL 1 s, a loader that takes 50 ms (it sleeps: the
 * database), N reader threads calling {@code cache.get("hot", loader)} in a loop, on a layered cache
 * (Caffeine L1 of 1 000 entries over Redis, default executor). One run measures, one after the
 * other in the same JVM and each on a fresh cache name: (a) no freshness option, (b) early refresh
 * (XFetch) with beta 1, (c) early refresh with the largest beta whose expected loads per TTL window,
 * by XFetch's model at (b)'s read rate, are at most 1.1, (d) stale-while-revalidate (1 s), and (e)
 * (c) and (d) together.
 *
 * <p>Per configuration it counts, after the warm-up: the reads; the reads that waited for a loader
 * (the loader ran on the reader's own thread during its call, or the read was coalesced onto
 * another caller's load: {@link CacheStats#coalescedWaitCount()}); the loader calls and how many
 * fall in one TTL window; background refreshes and stale answers ({@link CacheStats}); and the read
 * latency percentiles (HdrHistogram, one per thread). For each background load it also reconstructs
 * the refresh's course from the cache's events (the refresh chain's Redis read, the loader, the new
 * value reaching L1) against the expiry of the value it replaces. It prints Markdown tables: the
 * results, the refreshes' course, and for the XFetch runs the model's expectation, with the delta the
 * cache itself uses: the load time each loaded entry carries (since the engine takes it from the hit
 * that started a refresh to the loader's return, not the loader call alone), read off the entries'
 * writes to Redis; then the p99.9 read latency of (a) against the others.
 *
 * <pre>{@code java -cp benchmarks/target/cascade-benchmarks.jar dev.cascade.benchmarks.FreshnessBenchmark [uri|-] [seconds] [threads] [warm-up seconds] [small beta|auto]}</pre>
 *
 * Defaults: a redis-server started here ({@link BenchRedis}), 30 s per configuration of which the
 * first 2 s are warm-up, 8 threads, and the small beta computed as above.
 */
public final class FreshnessBenchmark {
  private static final String KEY = "hot";
  private static final Duration TTL = Duration.ofSeconds(1);
  static final long TTL_NANOS = TTL.toNanos();
  static final long LOAD_MILLIS = 50;
  /** Euler-Mascheroni constant: the mean of a standard Gumbel variable. */
  private static final double GAMMA = 0.5772156649;
  /** The bound on loads per TTL window. */
  private static final double MAX_LOADS_PER_WINDOW = 1.1;
  private static final long MAX_TRACKED_NANOS = TimeUnit.MINUTES.toNanos(1);

  private FreshnessBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchRedis redis = BenchRedis.fromArgs(args);
    int seconds = args.length > 1 ? redis.seconds() : 30;
    int threads = redis.threads();
    int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    String smallBetaArg = args.length > 4 ? args[4] : "auto";
    if (warmUp >= seconds) {
      throw new IllegalArgumentException("warm-up (" + warmUp + " s) must be shorter than the run (" + seconds + " s)");
    }
    String run = Long.toString(System.currentTimeMillis(), 36);
    try (RedisTier store = RedisTier.builder(redis.client()).commandTimeout(Duration.ofSeconds(2)).build()) {
      System.out.printf(
          Locale.ROOT,
          "FreshnessBenchmark: key \"%s\", ttl %d ms, loader %d ms, %d reader threads, %d s per configuration"
              + " (first %d s warm-up), L1 maximumSize 1000 over Redis %s; %d CPUs, common pool parallelism %d,"
              + " Java %s%n",
          KEY,
          TTL.toMillis(),
          LOAD_MILLIS,
          threads,
          seconds,
          warmUp,
          redisVersion(redis),
          Runtime.getRuntime().availableProcessors(),
          ForkJoinPool.getCommonPoolParallelism(),
          System.getProperty("java.version"));
      Measurement m = new Measurement(store, run, seconds, warmUp, threads);
      List<FreshnessResult> results = new ArrayList<>();
      results.add(m.measure("a", "plain TTL (no freshness option)", b -> b, 0));
      FreshnessResult xfetch = m.measure("b", "earlyRefresh(1.0)", b -> b.earlyRefresh(1.0), 1.0);
      results.add(xfetch);
      double smallBeta;
      if (smallBetaArg.equals("auto")) {
        double exact = betaFor(MAX_LOADS_PER_WINDOW, xfetch.readsPerSecond(), xfetch.medianDeltaSeconds());
        smallBeta = new BigDecimal(exact).round(new MathContext(2, RoundingMode.DOWN)).doubleValue();
        System.out.printf(
            Locale.ROOT,
            "small beta: %s (XFetch's model gives %s loads per window at beta %s, for (b)'s %,.0f reads/s and"
                + " a delta of %s ms, the median load time its entries carried (the whole refresh up to the"
                + " loader's return; the loader call alone: %s ms); rounded down to two digits)%n",
            fmt(smallBeta, 2),
            fmt(MAX_LOADS_PER_WINDOW, 2),
            fmt(exact, 4),
            xfetch.readsPerSecond(),
            fmt(xfetch.medianDeltaSeconds() * 1e3, 1),
            fmt(xfetch.medianLoadSeconds() * 1e3, 1));
      } else {
        smallBeta = Double.parseDouble(smallBetaArg);
      }
      String small = "earlyRefresh(" + fmt(smallBeta, 2) + ")";
      results.add(m.measure("c", small, b -> b.earlyRefresh(smallBeta), smallBeta));
      results.add(m.measure("d", "staleWhileRevalidate(1 s)", b -> b.staleWhileRevalidate(TTL), 0));
      results.add(
          m.measure("e", "staleWhileRevalidate(1 s) + " + small, b -> b.staleWhileRevalidate(TTL).earlyRefresh(smallBeta), smallBeta));
      printTables(results, seconds - warmUp);
    } finally {
      redis.close();
    }
  }

  /** Runs configurations on one Redis tier, each on a fresh cache name. */
  private record Measurement(RedisTier store, String run, int seconds, int warmUp, int threads) {

    /** Runs one configuration: {@code options} applied to the layered builder. */
    FreshnessResult measure(String id, String label, UnaryOperator<CacheBuilder<Object, Object>> options, double beta)
        throws InterruptedException {
      RefreshTimeline timeline = new RefreshTimeline(LOAD_MILLIS, TTL);
      CacheBuilder<Object, Object> builder =
          Cache.builder("fresh-" + run + "-" + id)
              .inMemory(m -> m.maximumSize(1000))
              .tier(store)
              .ttl(TTL)
              .eventListener(inspector -> timeline)
              .decorateTiers(timeline); // the remote tier only: logs each loaded entry's delta
      try (Cache<String, String> cache = options.apply(builder).valueCodec(StringCodec.create()).build()) {
        long started = System.nanoTime();
        long measureFrom = started + TimeUnit.SECONDS.toNanos(warmUp);
        long deadline = started + TimeUnit.SECONDS.toNanos(seconds);
        List<Reader> readers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Reader reader = new Reader("reader-" + id + "-" + t, cache, timeline::load, measureFrom, deadline);
          readers.add(reader);
          reader.start();
        }
        sleepUntil(measureFrom);
        CacheStats before = cache.stats();
        long[] gcBefore = gc();
        for (Reader reader : readers) {
          reader.join();
        }
        timeline.awaitIdle(Duration.ofSeconds(5)); // a refresh started before the deadline still counts
        CacheStats after = cache.stats();
        long[] gcAfter = gc();
        Histogram latencies = new Histogram(MAX_TRACKED_NANOS, 3);
        long reads = 0;
        long ownLoads = 0;
        long slow = 0;
        long allocated = 0;
        for (Reader reader : readers) {
          latencies.add(reader.latencies);
          reads += reader.reads;
          ownLoads += reader.ownLoads;
          slow += reader.slowReads;
          allocated += reader.allocatedBytes;
        }
        FreshnessResult result =
            new FreshnessResult(
                label,
                beta,
                seconds - warmUp,
                reads,
                ownLoads,
                after.coalescedWaitCount() - before.coalescedWaitCount(),
                slow,
                timeline.loadsBetween(measureFrom, deadline),
                after.refreshSuccessCount() - before.refreshSuccessCount(),
                after.refreshFailureCount() - before.refreshFailureCount(),
                after.staleRevalidateCount() - before.staleRevalidateCount(),
                reads == 0 ? 0 : (double) allocated / reads,
                gcAfter[0] - gcBefore[0],
                gcAfter[1] - gcBefore[1],
                latencies);
        System.out.printf(
            Locale.ROOT,
            "(%s) %s: %,d reads (%,.0f/s), %d waited (%d own loads + %d coalesced), %d loads (%s per window,"
                + " %d in the background), median load %.1f ms (delta the entries carry %.1f ms), refreshes %d (failed %d), stale served %,d,"
                + " misses %,d, %.1f B allocated per read, %d GCs (%d ms), p50 %s p99 %s p99.9 %s max %s%n",
            id,
            label,
            reads,
            result.readsPerSecond(),
            result.waited(),
            ownLoads,
            result.coalesced(),
            result.loads().size(),
            fmt(result.loadsPerWindow(), 2),
            result.refreshCourses().size(),
            result.medianLoadSeconds() * 1e3,
            result.medianDeltaSeconds() * 1e3,
            result.refreshes(),
            result.refreshFailures(),
            result.staleServed(),
            after.missCount() - before.missCount(),
            result.bytesPerRead(),
            result.gcCount(),
            result.gcMillis(),
            micros(latencies.getValueAtPercentile(50)),
            micros(latencies.getValueAtPercentile(99)),
            micros(latencies.getValueAtPercentile(99.9)),
            micros(latencies.getMaxValue()));
        return result;
      }
    }
  }

  private static void printTables(List<FreshnessResult> results, int measuredSeconds) {
    System.out.printf(Locale.ROOT, "%nResults (%d s measured per configuration, after the warm-up):%n%n", measuredSeconds);
    System.out.println(
        "| configuration | reads | reads/s | reads that waited for a loader (own + coalesced) | reads ≥ 10 ms |"
            + " loads | loads per TTL window | refreshes (CacheStats) | stale served | p50 | p99 | p99.9 | p99.99 | max |"
            + " reads ≥ 5 µs per s | B/read | GCs (ms) |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (FreshnessResult r : results) {
      System.out.printf(
          Locale.ROOT,
          "| %s | %,d | %,.0f | %d (%d + %d) | %d | %d | %s | %d | %,d | %s | %s | %s | %s | %s | %,.0f | %.1f | %d (%d) |%n",
          r.label(),
          r.reads(),
          r.readsPerSecond(),
          r.waited(),
          r.ownLoads(),
          r.coalesced(),
          r.slowReads(),
          r.loads().size(),
          fmt(r.loadsPerWindow(), 2),
          r.refreshes(),
          r.staleServed(),
          micros(r.latencies().getValueAtPercentile(50)),
          micros(r.latencies().getValueAtPercentile(99)),
          micros(r.latencies().getValueAtPercentile(99.9)),
          micros(r.latencies().getValueAtPercentile(99.99)),
          micros(r.latencies().getMaxValue()),
          (double) r.latencies().getCountBetweenValues(5_000, r.latencies().getMaxValue()) / r.measuredSeconds(),
          r.bytesPerRead(),
          r.gcCount(),
          r.gcMillis());
    }
    System.out.printf(
        Locale.ROOT,
        "%nBackground refreshes, each against the expiry of the value it replaces (ms; negative = before"
            + " that expiry): median [min…max], or median (max) for durations:%n%n");
    System.out.println(
        "| configuration | refresh loads | Redis read started | Redis read | read → loader | loader | loader → L1 |"
            + " new value in L1 | in L1 after the expiry | delta the entry carries |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (FreshnessResult r : results) {
      List<RefreshCourse> courses = r.refreshCourses();
      if (courses.isEmpty()) {
        continue;
      }
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %s | %s | %s | %s | %s | %s | %d | %s |%n",
          r.label(),
          courses.size(),
          range(courses, RefreshCourse::readStart),
          spread(courses, RefreshCourse::readMillis),
          spread(courses, RefreshCourse::hopMillis),
          spread(courses, RefreshCourse::loaderMillis),
          spread(courses, RefreshCourse::publishMillis),
          range(courses, RefreshCourse::inL1),
          courses.stream().filter(c -> c.inL1() > 0).count(),
          spread(courses, RefreshCourse::deltaMillis));
    }
    System.out.println();
    System.out.println(
        "XFetch's expectation: a hit t before expiry refreshes with probability exp(-t/x), x = delta * beta;"
            + " at R reads/s the first trigger comes E[T] = x (ln(R x) + 0.5772) before expiry, and if the new"
            + " value is in place delta after the trigger, a load comes every ttl - E[T] + delta:"
            + " ttl / (ttl - E[T] + delta) loads per TTL window (E[T] capped at the ttl; delta: the median"
            + " load time the configuration's entries carried, which the cache takes from the hit that"
            + " started the refresh (or the miss) to the loader's return; the loader call alone in the"
            + " last column but one for comparison).");
    System.out.println();
    System.out.println(
        "| configuration | beta | R (reads/s) | delta (entries' median) | x = delta·beta | expected E[T] |"
            + " measured: Redis read started, median | expected loads per window | measured |"
            + " loader call (median) | expected with the loader call as delta |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (FreshnessResult r : results) {
      if (r.beta() <= 0) {
        continue;
      }
      double delta = r.medianDeltaSeconds();
      double x = delta * r.beta();
      double earliness = Math.min(TTL_NANOS / 1e9, expectedEarliness(x, r.readsPerSecond()));
      double ttl = TTL_NANOS / 1e9;
      double loader = r.medianLoadSeconds();
      double loaderEarliness = Math.min(ttl, expectedEarliness(loader * r.beta(), r.readsPerSecond()));
      System.out.printf(
          Locale.ROOT,
          "| %s | %s | %,.0f | %s ms | %s ms | %s ms | %s ms | %s | %s | %s ms | %s |%n",
          r.label(),
          fmt(r.beta(), 2),
          r.readsPerSecond(),
          fmt(delta * 1e3, 1),
          fmt(x * 1e3, 1),
          fmt(earliness * 1e3, 0),
          r.refreshCourses().isEmpty() ? "–" : fmt(-median(r.refreshCourses(), RefreshCourse::readStart), 0),
          fmt(ttl / (ttl - earliness + delta), 2),
          fmt(r.loadsPerWindow(), 2),
          fmt(loader * 1e3, 1),
          fmt(ttl / (ttl - loaderEarliness + loader), 2));
    }
    System.out.println();
    FreshnessResult plain = results.get(0);
    StringBuilder tail = new StringBuilder("p99.9 read latency, (a) plain TTL against the freshness options: ");
    double plainTail = plain.latencies().getValueAtPercentile(99.9);
    for (FreshnessResult r : results) {
      double p999 = r.latencies().getValueAtPercentile(99.9);
      tail.append(r.label()).append(' ').append(micros((long) p999));
      if (r != plain) {
        tail.append(" (").append(fmt(p999 / plainTail, 1)).append("× (a))");
      }
      tail.append(r == results.get(results.size() - 1) ? "" : "; ");
    }
    System.out.println(tail);
  }

  /** XFetch's expected lead of the first refresh over the expiry: {@code x (ln(R x) + gamma)}. */
  static double expectedEarliness(double x, double readsPerSecond) {
    return x <= 0 ? 0 : x * (Math.log(readsPerSecond * x) + GAMMA);
  }

  /**
   * The beta at which XFetch's model gives {@code target} loads per TTL window for {@code
   * readsPerSecond} reads and loads of {@code deltaSeconds}: solves {@code x (ln(R x) + gamma) =
   * ttl + delta - ttl / target} for {@code x} (increasing in x for {@code R x >= 1}) by bisection.
   */
  static double betaFor(double target, double readsPerSecond, double deltaSeconds) {
    double ttl = TTL_NANOS / 1e9;
    double wanted = ttl + deltaSeconds - ttl / target;
    double low = 1 / readsPerSecond;
    double high = ttl;
    for (int i = 0; i < 200; i++) {
      double mid = (low + high) / 2;
      if (expectedEarliness(mid, readsPerSecond) < wanted) {
        low = mid;
      } else {
        high = mid;
      }
    }
    return low / deltaSeconds;
  }

  private static String redisVersion(BenchRedis redis) {
    try (StatefulRedisConnection<String, String> connection = redis.client().connect()) {
      for (String line : connection.sync().info("server").split("\r?\n")) {
        if (line.startsWith("redis_version:")) {
          return line.substring("redis_version:".length()).trim();
        }
      }
      return "(version unknown)";
    }
  }

  /** Collections and their milliseconds so far, over every collector. */
  private static long[] gc() {
    long count = 0;
    long millis = 0;
    for (java.lang.management.GarbageCollectorMXBean bean : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
      count += Math.max(0, bean.getCollectionCount());
      millis += Math.max(0, bean.getCollectionTime());
    }
    return new long[] {count, millis};
  }

  private static void sleepUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  private static double[] sorted(List<RefreshCourse> courses, ToDoubleFunction<RefreshCourse> field) {
    double[] values = courses.stream().mapToDouble(field).toArray();
    Arrays.sort(values);
    return values;
  }

  private static double median(List<RefreshCourse> courses, ToDoubleFunction<RefreshCourse> field) {
    double[] values = sorted(courses, field);
    return values[values.length / 2];
  }

  /** {@code median [min…max]} in ms. */
  private static String range(List<RefreshCourse> courses, ToDoubleFunction<RefreshCourse> field) {
    double[] values = sorted(courses, field);
    return fmt(values[values.length / 2], 0) + " [" + fmt(values[0], 0) + "…" + fmt(values[values.length - 1], 0) + "]";
  }

  /** {@code median (max)} in ms. */
  private static String spread(List<RefreshCourse> courses, ToDoubleFunction<RefreshCourse> field) {
    double[] values = sorted(courses, field);
    return fmt(values[values.length / 2], 1) + " (" + fmt(values[values.length - 1], 1) + ")";
  }

  private static String micros(long nanos) {
    double us = nanos / 1e3;
    return us >= 1000 ? fmt(us / 1e3, 2) + " ms" : fmt(us, us >= 10 ? 0 : 2) + " µs";
  }

  private static String fmt(double value, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** A reader: its loop, and its latencies and counts after the warm-up; only it writes them until joined. */
  private static final class Reader extends Thread implements RefreshTimeline.LoaderCaller {
    private final Cache<String, String> cache;
    private final Function<String, String> loader;
    private final long measureFrom;
    private final long deadline;
    final Histogram latencies = new Histogram(MAX_TRACKED_NANOS, 3);
    long reads;
    long ownLoads;
    long slowReads;
    /** Bytes this thread allocated after the warm-up. */
    long allocatedBytes;
    /** Set by the loader when it runs on this thread; cleared before each call. */
    private boolean loadedHere;

    Reader(String name, Cache<String, String> cache, Function<String, String> loader, long measureFrom, long deadline) {
      super(name);
      this.cache = cache;
      this.loader = loader;
      this.measureFrom = measureFrom;
      this.deadline = deadline;
    }

    @Override
    public void ranLoader() {
      loadedHere = true;
    }

    @Override
    public void run() {
      com.sun.management.ThreadMXBean memory =
          (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
      long allocatedAtWarmUpEnd = -1;
      long start;
      while ((start = System.nanoTime()) < deadline) {
        if (allocatedAtWarmUpEnd < 0 && start >= measureFrom) {
          allocatedAtWarmUpEnd = memory.getCurrentThreadAllocatedBytes();
        }
        loadedHere = false;
        cache.get(KEY, loader);
        long took = System.nanoTime() - start;
        if (start >= measureFrom) {
          latencies.recordValue(Math.min(took, MAX_TRACKED_NANOS));
          reads++;
          if (loadedHere) {
            ownLoads++;
          }
          if (took >= 10_000_000) {
            slowReads++;
          }
        }
      }
      if (allocatedAtWarmUpEnd >= 0) {
        allocatedBytes = memory.getCurrentThreadAllocatedBytes() - allocatedAtWarmUpEnd;
      }
    }
  }
}
