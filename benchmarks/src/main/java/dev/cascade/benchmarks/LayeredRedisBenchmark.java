package dev.cascade.benchmarks;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheInspector;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.redis.RedisInvalidation;
import dev.cascade.cache.redis.RedisTier;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;

/**
 * Load harness: a layered cache (Caffeine L1 of 10 000 entries over Redis, kept coherent by
 * RedisInvalidation) against the same cache on Redis alone, under a Zipf(0.99) stream over 100 000
 * keys, in the same run and against the same redis-server (started here on a free port, or given as
 * the first argument, e.g. {@code redis://127.0.0.1:6379}).
 *
 * <pre>{@code java -cp benchmarks/target/cascade-benchmarks.jar dev.cascade.benchmarks.LayeredRedisBenchmark [uri|-] [seconds] [threads] [rounds]}</pre>
 *
 * <p>After one warm-up phase of each cache, every round measures both caches (the order alternating
 * from round to round) and prints their ratio; the result is the median of the per-round ratios,
 * against the bound 0.9 / (1 - raw Caffeine's hit ratio on the same stream).
 *
 * <p>The same rounds also measure the raw libraries on the same stream and server: raw Lettuce
 * ({@code GET} on a shared connection, the value decoded to a string) and a near cache a user
 * would write with them (raw Caffeine, {@code maximumSize(10 000)}, loading a miss with {@code
 * Cache.get(key, mappingFunction)} from that Lettuce connection; no coherence). Their ratio is what
 * an L1 gains over Redis alone on this machine when the L1 is Caffeine's own code; the bound
 * assumes that a hit and an L1 fill cost nothing.
 */
public final class LayeredRedisBenchmark {
  private static final int KEYS = 100_000;
  private static final int L1_SIZE = 10_000;

  private LayeredRedisBenchmark() {}

  public static void main(String[] args) throws Exception {
    BenchRedis redis = BenchRedis.fromArgs(args);
    RedisClient client = redis.client();
    int seconds = redis.seconds();
    int threads = redis.threads();
    int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    try (RedisTier store = RedisTier.builder(client).commandTimeout(Duration.ofSeconds(2)).build();
        RedisInvalidation channel = RedisInvalidation.create(client)) {
      admin = client.connect().sync();
      Cache<Integer, String> remoteOnly =
          Cache.<Integer, String>builder("bench").tier(store).valueCodec(StringCodec.create()).build();
      System.out.printf("loading %,d keys into Redis%n", KEYS);
      for (int from = 0; from < KEYS; from += 1_000) {
        java.util.Map<Integer, String> batch = new java.util.HashMap<>();
        for (int key = from; key < from + 1_000; key++) {
          batch.put(key, valueOf(key));
        }
        remoteOnly.putAll(batch);
      }
      Cache<Integer, String> layered =
          Cache.<Integer, String>builder("bench")
              .inMemory(m -> m.maximumSize(L1_SIZE).ttl(Duration.ofMinutes(10)))
              .tier(store)
              .valueCodec(StringCodec.create())
              .invalidation(channel)
              .build();
      RawPeers raw = RawPeers.load(client);
      int[] stream = zipfStream(1 << 20, 0.99);
      int warmUp = Math.max(2, seconds / 3);
      run("warm-up redis-only", cascade(remoteOnly), stream, threads, warmUp);
      run("warm-up layered", cascade(layered), stream, threads, warmUp);
      run("warm-up lettuce", raw::getFromRedis, stream, threads, warmUp);
      run("warm-up caffeine+lettuce", raw::getFromNearCache, stream, threads, warmUp);
      double caffeineHitRatio = caffeineHitRatio(stream);
      double bound = 0.9 / (1 - caffeineHitRatio);
      double[] ratios = new double[rounds];
      double[] rawRatios = new double[rounds];
      double[] layeredToRaw = new double[rounds];
      long hits = 0;
      long misses = 0;
      for (int round = 0; round < rounds; round++) {
        // Alternate the order, so that no contestant always runs right after the same other one.
        boolean reversed = round % 2 == 1;
        double[] ops = new double[4];
        for (int slot = 0; slot < 4; slot++) {
          int contestant = reversed ? 3 - slot : slot;
          ops[contestant] =
              switch (contestant) {
                case 0 -> run("redis-only", cascade(remoteOnly), stream, threads, seconds);
                case 1 -> measureLayered(layered, stream, threads, seconds);
                case 2 -> run("lettuce", raw::getFromRedis, stream, threads, seconds);
                default -> run("caffeine+lettuce", raw::getFromNearCache, stream, threads, seconds);
              };
        }
        hits += lastHits;
        misses += lastMisses;
        ratios[round] = ops[1] / ops[0];
        rawRatios[round] = ops[3] / ops[2];
        layeredToRaw[round] = ops[1] / ops[3];
        System.out.printf(
            Locale.ROOT,
            "round %d: layered / redis-only = %.2fx; caffeine+lettuce / lettuce = %.2fx; layered / caffeine+lettuce = %.2fx%n",
            round + 1,
            ratios[round],
            rawRatios[round],
            layeredToRaw[round]);
      }
      double median = PairedRatio.median(ratios);
      System.out.printf(
          Locale.ROOT,
          "layered / redis-only over %d paired rounds: median %.2fx (rounds: %s)%n",
          rounds,
          median,
          java.util.Arrays.toString(ratios));
      System.out.printf(
          Locale.ROOT,
          "raw libraries, caffeine+lettuce / lettuce: median %.2fx (rounds: %s)%n",
          PairedRatio.median(rawRatios),
          java.util.Arrays.toString(rawRatios));
      System.out.printf(
          Locale.ROOT,
          "Cascade layered / caffeine+lettuce near cache: median %.2fx (rounds: %s)%n",
          PairedRatio.median(layeredToRaw),
          java.util.Arrays.toString(layeredToRaw));
      System.out.printf(
          Locale.ROOT,
          "L1 hit ratio while measured %.4f; raw Caffeine (maximumSize %d) on the same stream %.4f (second pass, one caller)%n",
          hits / (double) (hits + misses),
          L1_SIZE,
          caffeineHitRatio);
      System.out.printf(
          Locale.ROOT,
          "0.9 x 1 / (1 - Caffeine's hit ratio) = %.2fx: the median is %s it%n",
          bound,
          median >= bound ? "at or above" : "below");
      System.out.printf(
          Locale.ROOT,
          "perfect-LFU bound for this stream: %.2fx (L1 hit ratio at best %.3f)%n",
          1 / (1 - optimalHitRatio(0.99)),
          optimalHitRatio(0.99));
    } finally {
      redis.close();
    }
  }

  /** The connection that reads the server's CPU time ({@code INFO cpu}); set once in main. */
  private static io.lettuce.core.api.sync.RedisCommands<String, String> admin;

  /** This JVM's CPU time so far: every thread, the benchmark's callers and Lettuce's I/O thread. */
  private static long jvmCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /**
   * CPU time so far of this JVM's long-lived threads, summed by name up to the first digit or dash
   * ({@code lettuce-nioEventLoop}, {@code ForkJoinPool.commonPool}, ...); callers are counted apart.
   */
  private static java.util.Map<String, Long> cpuByThreadGroup() {
    java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
    java.util.Map<String, Long> byGroup = new java.util.TreeMap<>();
    for (java.lang.management.ThreadInfo info : mx.getThreadInfo(mx.getAllThreadIds())) {
      if (info == null || info.getThreadName().startsWith("Thread-")) {
        continue;
      }
      long nanos = mx.getThreadCpuTime(info.getThreadId());
      if (nanos > 0) {
        byGroup.merge(info.getThreadName().split("[-0-9]")[0], nanos, Long::sum);
      }
    }
    return byGroup;
  }

  /** The redis-server's CPU time so far, user and system, from {@code INFO cpu}. */
  private static double serverCpuSeconds() {
    double total = 0;
    for (String line : admin.info("cpu").split("\r?\n")) {
      if (line.startsWith("used_cpu_sys:") || line.startsWith("used_cpu_user:")) {
        total += Double.parseDouble(line.substring(line.indexOf(':') + 1).trim());
      }
    }
    return total;
  }

  private static long lastHits;
  private static long lastMisses;

  /** Runs the layered cache's measured phase, noting its L1 hits and misses in {@link #lastHits} and {@link #lastMisses}. */
  private static double measureLayered(Cache<Integer, String> layered, int[] stream, int threads, int seconds)
      throws InterruptedException {
    CacheInspector.LocalLookups before = layered.inspect().localLookups();
    long flushesBefore = layered.stats().localFlushCount();
    double ops = run("layered", cascade(layered), stream, threads, seconds);
    CacheInspector.LocalLookups after = layered.inspect().localLookups();
    lastHits = after.hits() - before.hits();
    lastMisses = after.misses() - before.misses();
    System.out.printf(
        Locale.ROOT,
        "    L1 hit ratio %.4f, L1 flushes %d%n",
        lastHits / (double) (lastHits + lastMisses),
        layered.stats().localFlushCount() - flushesBefore);
    return ops;
  }

  /** Raw Caffeine's hit ratio on {@code stream} (cache-aside), over a second pass after a first. */
  static double caffeineHitRatio(int[] stream) {
    com.github.benmanes.caffeine.cache.Cache<Integer, String> caffeine =
        com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(L1_SIZE).build();
    return LayeredHitRatio.secondPassHits(stream, LayeredHitRatio.cacheAside(caffeine)) / (double) stream.length;
  }

  /** The hit ratio of an L1 that always holds exactly the L1_SIZE most frequent keys. */
  static double optimalHitRatio(double s) {
    double top = 0;
    double all = 0;
    for (int r = 1; r <= KEYS; r++) {
      double p = 1 / Math.pow(r, s);
      all += p;
      if (r <= L1_SIZE) {
        top += p;
      }
    }
    return top / all;
  }

  /** The value every contestant stores and loads under {@code key}. */
  static String valueOf(int key) {
    return "value-" + key + "-".repeat(64);
  }

  /** One read of one key of the stream by a contestant. */
  interface Reader {
    void read(int key);
  }

  /** A Cascade cache read as the benchmark reads it: {@code get(key, loader)}. */
  private static Reader cascade(Cache<Integer, String> cache) {
    return key -> cache.get(key, LayeredRedisBenchmark::valueOf);
  }

  /**
   * The raw libraries' contestants, on keys of their own ({@code raw:<key>}) holding the value's
   * UTF-8 bytes: raw Lettuce, and raw Caffeine in front of it. Thread-safe.
   */
  static final class RawPeers {
    private final io.lettuce.core.api.sync.RedisCommands<String, byte[]> redis;
    private final com.github.benmanes.caffeine.cache.Cache<Integer, String> near =
        com.github.benmanes.caffeine.cache.Caffeine.newBuilder().maximumSize(L1_SIZE).build();

    private RawPeers(io.lettuce.core.api.sync.RedisCommands<String, byte[]> redis) {
      this.redis = redis;
    }

    /** Connects to {@code client} and stores every key's value under its raw key. */
    static RawPeers load(RedisClient client) {
      RawPeers peers =
          new RawPeers(
              client
                  .connect(
                      io.lettuce.core.codec.RedisCodec.of(
                          io.lettuce.core.codec.StringCodec.UTF8, io.lettuce.core.codec.ByteArrayCodec.INSTANCE))
                  .sync());
      for (int from = 0; from < KEYS; from += 1_000) {
        java.util.Map<String, byte[]> batch = new java.util.HashMap<>();
        for (int key = from; key < from + 1_000; key++) {
          batch.put("raw:" + key, valueOf(key).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        peers.redis.mset(batch);
      }
      return peers;
    }

    void getFromRedis(int key) {
      String value = load(key);
      if (value == null) {
        throw new IllegalStateException("raw:" + key + " is missing");
      }
    }

    void getFromNearCache(int key) {
      near.get(key, this::load);
    }

    private String load(int key) {
      byte[] bytes = redis.get("raw:" + key);
      return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }

  private static double run(String label, Reader cache, int[] stream, int threads, int seconds) throws InterruptedException {
    // Each caller records into its own histogram and counter, merged when it stops: shared ones
    // (a Recorder, a LongAdder) cost atomic operations on lines that eight callers on two cores pass
    // back and forth, about as much as an L1 hit itself, charged to the cache under test.
    org.HdrHistogram.Histogram latencies = new org.HdrHistogram.Histogram(3);
    LongAdder ops = new LongAdder();
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    CountDownLatch done = new CountDownLatch(threads);
    long started = System.nanoTime();
    long jvmCpuBefore = jvmCpuNanos();
    java.util.Map<String, Long> threadsBefore = cpuByThreadGroup();
    LongAdder callerCpu = new LongAdder();
    double serverCpuBefore = serverCpuSeconds();
    for (int t = 0; t < threads; t++) {
      int offset = t * (stream.length / threads);
      Thread worker =
          new Thread(
              () -> {
                int i = offset;
                org.HdrHistogram.Histogram own = new org.HdrHistogram.Histogram(3);
                long count = 0;
                long now = System.nanoTime();
                while (now < deadline) {
                  int key = stream[i++ & (stream.length - 1)];
                  cache.read(key);
                  long end = System.nanoTime();
                  own.recordValue(end - now);
                  count++;
                  now = end;
                }
                callerCpu.add(java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
                ops.add(count);
                synchronized (latencies) {
                  latencies.add(own);
                }
                done.countDown();
              });
      worker.start();
    }
    done.await();
    double elapsed = (System.nanoTime() - started) / 1e9;
    double throughput = ops.sum() / elapsed;
    double jvmCpuPerOp = (jvmCpuNanos() - jvmCpuBefore) / 1e3 / ops.sum();
    double serverCpuPerOp = (serverCpuSeconds() - serverCpuBefore) * 1e6 / ops.sum();
    org.HdrHistogram.Histogram histogram = latencies;
    System.out.printf(
        Locale.ROOT,
        "%-20s %,12.0f ops/s   p50 %,8.1f us   p99 %,8.1f us   CPU per op: JVM %.2f us + redis-server %.2f us   (%d threads, %d s)%n",
        label,
        throughput,
        histogram.getValueAtPercentile(50) / 1e3,
        histogram.getValueAtPercentile(99) / 1e3,
        jvmCpuPerOp,
        serverCpuPerOp,
        threads,
        seconds);
    StringBuilder split = new StringBuilder(String.format(Locale.ROOT, "    of which callers %.2f us", callerCpu.sum() / 1e3 / ops.sum()));
    cpuByThreadGroup()
        .forEach(
            (group, nanos) -> {
              double perOp = (nanos - threadsBefore.getOrDefault(group, 0L)) / 1e3 / ops.sum();
              if (perOp >= 0.05) {
                split.append(String.format(Locale.ROOT, ", %s %.2f us", group, perOp));
              }
            });
    System.out.println(split);
    return throughput;
  }

  /** Ranks 0..KEYS-1 drawn with P(rank r) proportional to 1/(r+1)^s, shuffled onto keys by a fixed permutation. */
  static int[] zipfStream(int length, double s) {
    double[] cumulative = new double[KEYS];
    double sum = 0;
    for (int r = 0; r < KEYS; r++) {
      sum += 1 / Math.pow(r + 1, s);
      cumulative[r] = sum;
    }
    int[] permutation = new int[KEYS];
    for (int i = 0; i < KEYS; i++) {
      permutation[i] = i;
    }
    SplittableRandom random = new SplittableRandom(42);
    for (int i = KEYS - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = permutation[i];
      permutation[i] = permutation[j];
      permutation[j] = swap;
    }
    int[] stream = new int[length];
    for (int i = 0; i < length; i++) {
      double u = random.nextDouble() * sum;
      int low = 0;
      int high = KEYS - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (cumulative[mid] < u) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      stream[i] = permutation[low];
    }
    return stream;
  }
}
