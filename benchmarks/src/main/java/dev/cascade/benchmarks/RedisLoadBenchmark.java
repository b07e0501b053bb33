package dev.cascade.benchmarks;

import dev.cascade.benchmarks.RedisLoadClients.Client;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Load harness for a Cascade cache with only the Redis tier against raw Lettuce (async and sync
 * API), Redisson ({@code RBucket} / {@code RBuckets}, raw-bytes codec) and, for bulk reads, a loop of
 * Lettuce async gets, in one run on one redis-server; client {@code cascade-loader} reads the same
 * cache through {@code get(key, loader)} (single gets). Values are put through Cascade and every
 * client reads the same keys (see {@link RedisLoadClients}); every read must be a hit, or the run
 * fails.
 *
 * <p>Workloads: {@code get-1} (one caller, blocking), {@code get-8} (8 threads, each blocking, as the
 * layered harness's callers), {@code get-64} (64 threads, each blocking: 64
 * in flight), {@code get-64async} (one thread keeping 64 async gets in flight through a 64-permit
 * window; Cascade through {@code cache.async()}), {@code getAll100-1} and {@code getAll100-64} (100
 * consecutive keys per call, one caller or 64 threads).
 *
 * <p>Clients run interleaved over rounds so that the machine's drift falls on all of them alike: an
 * unreported round 0 warms the JVM and the server up for everything; each round then runs every
 * client of a workload for a warm-up and a measured phase, in an order rotated by one client per
 * round. The harness prints each phase's throughput, latencies (HdrHistogram) and Redis commands per
 * operation, then per workload the ratio of Cascade to each peer in each round and the median of
 * those ratios.
 *
 * <p>Run: {@code java -cp benchmarks/target/cascade-benchmarks.jar
 * dev.cascade.benchmarks.RedisLoadBenchmark [redis-uri|-] [measureSeconds] [clients] [workloads]
 * [rounds]}, clients and workloads comma-separated ({@code -} or nothing: all of them; defaults 10 s and 6
 * rounds). Without a
 * URI ({@code -}) it starts {@code redis-server} from the PATH on a free loopback port.
 */
public final class RedisLoadBenchmark {
  private static final int IN_FLIGHT = 64;
  private static final int BULK = 100;
  private static final List<String> ALL_WORKLOADS = List.of("get-1", "get-8", "get-64", "get-64async", "getAll100-1", "getAll100-64");

  private RedisLoadBenchmark() {}

  private record Result(long ops, double opsPerSecond, Histogram latencies, long misses) {}

  public static void main(String[] args) throws Exception {
    int measureSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<String> clientNames = args.length > 2 && !args[2].equals("-") ? List.of(args[2].split(",")) : null;
    List<String> workloads = args.length > 3 && !args[3].equals("-") ? List.of(args[3].split(",")) : ALL_WORKLOADS;
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 6;
    for (String workload : workloads) {
      if (!ALL_WORKLOADS.contains(workload)) {
        throw new IllegalArgumentException("unknown workload " + workload + "; known: " + ALL_WORKLOADS);
      }
    }
    int warmupSeconds = Math.max(2, measureSeconds / 3);
    byte[] value = new byte[RedisLoadClients.VALUE_BYTES];
    ThreadLocalRandom.current().nextBytes(value);
    BenchRedis redis = BenchRedis.fromArgs(new String[] {args.length > 0 ? args[0] : "-"});
    // workload -> client -> ops/s by round
    Map<String, Map<String, double[]>> throughput = new LinkedHashMap<>();
    try (RedisLoadClients all = new RedisLoadClients(redis.client(), redis.uri(), value)) {
      List<Client> clients = new ArrayList<>();
      for (Client client : all.all()) {
        if (clientNames == null || clientNames.contains(client.name())) {
          clients.add(client);
        }
      }
      if (clients.isEmpty() || !clients.get(0).name().equals("cascade")) {
        throw new IllegalArgumentException("the clients must include cascade, were " + clientNames);
      }
      System.out.printf(
          Locale.ROOT,
          "redis %s, %,d keys (e.g. %s), %d-byte values (%d bytes stored), %d in flight, bulk %d, warm-up %d s, measure %d s, %d rounds, JDK %s, %d CPUs%n%n",
          redis.uri(), RedisLoadClients.KEYS, all.redisKey(0), RedisLoadClients.VALUE_BYTES, all.storedBytes(), IN_FLIGHT, BULK,
          warmupSeconds, measureSeconds, rounds, System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "%-26s %-13s %12s %9s %9s %9s %7s%n", "client", "workload", "ops/s", "p50 us", "p99 us", "p99.9 us", "cmd/op");
      for (int round = 0; round <= rounds; round++) {
        for (String workload : workloads) {
          List<Client> order = new ArrayList<>();
          for (Client client : clients) {
            if (client.supports(workload)) {
              order.add(client);
            }
          }
          Collections.rotate(order, -round);
          for (Client client : order) {
            run(client, workload, warmupSeconds);
            if (round == 0) {
              continue;
            }
            long commandsBefore = all.commandsProcessed();
            Result result = run(client, workload, measureSeconds);
            double commandsPerOp = (all.commandsProcessed() - commandsBefore - 1) / (double) result.ops;
            System.out.printf(
                Locale.ROOT,
                "%-26s %-13s %,12.0f %9.1f %9.1f %9.1f %7.2f%n",
                client.name() + " (round " + round + ")",
                workload,
                result.opsPerSecond,
                result.latencies.getValueAtPercentile(50) / 1e3,
                result.latencies.getValueAtPercentile(99) / 1e3,
                result.latencies.getValueAtPercentile(99.9) / 1e3,
                commandsPerOp);
            throughput
                .computeIfAbsent(workload, w -> new LinkedHashMap<>())
                .computeIfAbsent(client.name(), n -> new double[rounds])[round - 1] = result.opsPerSecond;
          }
        }
      }
    } finally {
      redis.close();
    }
    printRatios(throughput, rounds);
    System.exit(0);
  }

  /** Per workload and peer: Cascade's throughput over the peer's in each round, and the median. */
  private static void printRatios(Map<String, Map<String, double[]>> throughput, int rounds) {
    System.out.println();
    throughput.forEach(
        (workload, byClient) -> {
          double[] cascade = byClient.get("cascade");
          byClient.forEach(
              (peer, scores) -> {
                if (peer.equals("cascade")) {
                  return;
                }
                double[] ratios = new double[rounds];
                StringBuilder line = new StringBuilder();
                for (int round = 0; round < rounds; round++) {
                  ratios[round] = cascade[round] / scores[round];
                  line.append(String.format(Locale.ROOT, " %.2f", ratios[round]));
                }
                double[] sorted = ratios.clone();
                java.util.Arrays.sort(sorted);
                System.out.printf(
                    Locale.ROOT,
                    "%-13s cascade / %-13s by round:%s; median %.2f (min %.2f, max %.2f)%n",
                    workload, peer, line, PairedRatio.median(ratios), sorted[0], sorted[rounds - 1]);
              });
        });
  }

  private static Result run(Client client, String workload, int seconds) throws Exception {
    Result result = workload.endsWith("async") ? runWindow(client, seconds) : runThreads(client, workload, seconds);
    if (result.misses != 0) {
      throw new IllegalStateException(client.name() + " " + workload + ": " + result.misses + " reads were not hits");
    }
    return result;
  }

  /** Threads each making blocking calls, as many as the workload's suffix says (1, 8 or {@value #IN_FLIGHT}). */
  private static Result runThreads(Client client, String workload, int seconds) throws Exception {
    int threads = Integer.parseInt(workload.substring(workload.lastIndexOf('-') + 1));
    boolean bulk = workload.startsWith("getAll");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Recorder latencies = new Recorder(3);
    LongAdder ops = new LongAdder();
    AtomicLong misses = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                try {
                  start.await();
                  while (System.nanoTime() < end) {
                    long begin = System.nanoTime();
                    if (bulk) {
                      int hits = client.getAll(random.nextInt(RedisLoadClients.KEYS - BULK + 1), BULK);
                      if (hits != BULK) {
                        misses.addAndGet(BULK - hits);
                      }
                    } else if (!client.get(random.nextInt(RedisLoadClients.KEYS))) {
                      misses.incrementAndGet();
                    }
                    latencies.recordValue(System.nanoTime() - begin);
                    ops.increment();
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      worker.start();
      workers.add(worker);
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread worker : workers) {
      worker.join();
    }
    double elapsed = (System.nanoTime() - begin) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException(client.name() + " " + workload + " failed", failure.get());
    }
    return new Result(ops.sum(), ops.sum() / elapsed, latencies.getIntervalHistogram(), misses.get());
  }

  /**
   * One thread issuing async gets while a {@value #IN_FLIGHT}-permit window has room; each permit is
   * given back by the read's completion. The phase ends when every read issued has completed.
   */
  private static Result runWindow(Client client, int seconds) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    Recorder latencies = new Recorder(3);
    LongAdder ops = new LongAdder();
    AtomicLong misses = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Semaphore window = new Semaphore(IN_FLIGHT);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long begin = System.nanoTime();
    while (System.nanoTime() < end && failure.get() == null) {
      window.acquire();
      long issued = System.nanoTime();
      client
          .getAsync(random.nextInt(RedisLoadClients.KEYS))
          .whenComplete(
              (hit, error) -> {
                if (error != null) {
                  failure.compareAndSet(null, error);
                } else {
                  latencies.recordValue(System.nanoTime() - issued);
                  if (!hit) {
                    misses.incrementAndGet();
                  }
                  ops.increment();
                }
                window.release();
              });
    }
    if (!window.tryAcquire(IN_FLIGHT, 10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(client.name() + ": reads still in flight 10 s after the phase");
    }
    double elapsed = (System.nanoTime() - begin) / 1e9;
    if (failure.get() != null) {
      throw new IllegalStateException(client.name() + " get-64async failed", failure.get());
    }
    return new Result(ops.sum(), ops.sum() / elapsed, latencies.getIntervalHistogram(), misses.get());
  }
}
