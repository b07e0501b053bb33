package dev.cascade.benchmarks;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.BytesCodec;
import dev.cascade.cache.memcached.MemcachedConfig;
import dev.cascade.cache.memcached.MemcachedTier;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.utils.AddrUtil;
import net.spy.memcached.ConnectionFactoryBuilder;
import org.HdrHistogram.Histogram;

/**
 * Load harness for the Memcached tier against the established clients, in one run on one server:
 * {@link MemcachedTier} (with its default completion pool, and with completions on the I/O threads),
 * a {@link Cache} with only that tier ({@code cascade-cache}: values put through Cascade, read back
 * through {@code getIfPresent} and {@code getAll}; {@code cascade-cache-epoll} is the same on Netty's
 * native epoll instead of the default Java NIO),
 * xmemcached 2.4.9 and spymemcached 2.12.3, all over the text protocol, 64 calls in flight (64
 * threads each making blocking calls), single gets and 100-key multi-gets of the same number of
 * keys with the same key lengths and the same 512-byte values. A workload whose name ends in {@code
 * -1} ({@code getMulti100-1}, {@code get-1}) runs one caller instead of 64. Latencies go into
 * HdrHistogram.
 *
 * <p>Run: {@code java -cp benchmarks/target/cascade-benchmarks.jar
 * dev.cascade.benchmarks.MemcachedLoadBenchmark [host:port|-] [measureSeconds] [clients] [workloads]
 * [rounds]}, clients and workloads comma-separated. Without an address ({@code -}) it starts {@code
 * memcached} from the PATH on a free loopback port.
 */
public final class MemcachedLoadBenchmark {
  private static final int THREADS = 64;
  private static final int KEYS = 10_000;
  private static final int VALUE_BYTES = 512;
  private static final int MULTI = 100;

  private MemcachedLoadBenchmark() {}

  /** A client under test: one blocking single get, one blocking multi-get. */
  interface Client extends AutoCloseable {
    String prefix();

    void put(String key, byte[] value) throws Exception;

    Object get(String key) throws Exception;

    Map<String, ?> getAll(List<String> keys) throws Exception;

    @Override
    void close() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    System.setProperty("net.spy.log.LoggerImpl", "net.spy.memcached.compat.log.SunLogger");
    Logger.getLogger("net.spy.memcached").setLevel(Level.WARNING);
    Process server = null;
    String address;
    if (args.length > 0 && args[0].contains(":")) {
      address = args[0];
    } else {
      int port = freePort();
      server = startMemcached(port);
      address = "127.0.0.1:" + port;
    }
    int measureSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    List<String> clients =
        args.length > 2 ? List.of(args[2].split(",")) : List.of("cascade", "cascade-direct", "xmemcached", "spymemcached");
    List<String> workloads = args.length > 3 ? List.of(args[3].split(",")) : List.of("get", "getMulti100");
    int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
    int warmupSeconds = Math.max(2, measureSeconds / 3);
    byte[] value = new byte[VALUE_BYTES];
    ThreadLocalRandom.current().nextBytes(value);
    System.out.printf(
        "memcached %s, %d threads (1 for a -1 workload), %d keys, %d-byte values, warm-up %d s, measure %d s, JDK %s, %d CPUs%n%n",
        address, THREADS, KEYS, VALUE_BYTES, warmupSeconds, measureSeconds, System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors());
    System.out.printf("%-26s %-13s %12s %9s %9s %9s %9s%n", "client", "workload", "ops/s", "p50 us", "p99 us", "p99.9 us", "max us");
    // ops/s by workload, client and round, for the summary
    Map<String, Map<String, double[]>> throughput = new java.util.LinkedHashMap<>();
    try {
      // Round 0 warms the JVM and the server up for every client and workload and is not reported:
      // whichever client ran first would otherwise pay for the JVM's first compilations of the
      // harness itself.
      for (int round = 0; round <= rounds; round++) {
        // Alternate the order of the clients, so that no client always runs first (colder JIT,
        // different machine state) or last.
        List<String> order = new ArrayList<>(clients);
        if (round % 2 == 0) {
          java.util.Collections.reverse(order);
        }
        for (String workload : workloads) {
          for (String name : order) {
            try (Client client = open(name, address)) {
              for (int i = 0; i < KEYS; i++) {
                client.put(client.prefix() + i, value);
              }
              run(client, workload, warmupSeconds, false);
              if (round == 0) {
                continue;
              }
              Result result = run(client, workload, measureSeconds, true);
              System.out.printf(
                  "%-26s %-13s %,12.0f %9.0f %9.0f %9.0f %9.0f%n",
                  name + " (round " + round + ")",
                  workload,
                  result.opsPerSecond,
                  result.histogram.getValueAtPercentile(50) / 1000.0,
                  result.histogram.getValueAtPercentile(99) / 1000.0,
                  result.histogram.getValueAtPercentile(99.9) / 1000.0,
                  result.histogram.getMaxValue() / 1000.0);
              throughput
                  .computeIfAbsent(workload, w -> new java.util.LinkedHashMap<>())
                  .computeIfAbsent(name, n -> new double[rounds])[round - 1] = result.opsPerSecond;
            }
          }
        }
      }
    } finally {
      if (server != null) {
        server.destroyForcibly();
      }
    }
    printRatios(throughput, rounds);
    System.exit(0);
  }

  /**
   * Prints, per workload and round, each Cascade client's throughput over the better of the peers
   * (xmemcached, spymemcached) in the same round, and over each peer alone, with the median of those
   * ratios.
   */
  private static void printRatios(Map<String, Map<String, double[]>> throughput, int rounds) {
    System.out.println();
    throughput.forEach(
        (workload, byClient) ->
            byClient.forEach(
                (client, scores) -> {
                  if (!client.startsWith("cascade")) {
                    return;
                  }
                  double[] ratios = new double[rounds];
                  for (int round = 0; round < rounds; round++) {
                    double best = 0;
                    for (Map.Entry<String, double[]> peer : byClient.entrySet()) {
                      if (!peer.getKey().startsWith("cascade")) {
                        best = Math.max(best, peer.getValue()[round]);
                      }
                    }
                    ratios[round] = best == 0 ? Double.NaN : scores[round] / best;
                  }
                  double median = PairedRatio.median(ratios);
                  StringBuilder line = new StringBuilder();
                  for (double ratio : ratios) {
                    line.append(String.format(java.util.Locale.ROOT, " %.2f", ratio));
                  }
                  System.out.printf(
                      java.util.Locale.ROOT, "%-14s %-13s / better peer, by round:%s; median %.2f%n",
                      client, workload, line, median);
                  // and over each peer alone (the targets name xmemcached and spymemcached)
                  for (Map.Entry<String, double[]> peer : byClient.entrySet()) {
                    if (peer.getKey().startsWith("cascade")) {
                      continue;
                    }
                    double[] each = new double[rounds];
                    StringBuilder eachLine = new StringBuilder();
                    for (int round = 0; round < rounds; round++) {
                      each[round] = scores[round] / peer.getValue()[round];
                      eachLine.append(String.format(java.util.Locale.ROOT, " %.2f", each[round]));
                    }
                    System.out.printf(
                        java.util.Locale.ROOT, "%-14s %-13s / %-12s by round:%s; median %.2f%n",
                        client, workload, peer.getKey(), eachLine, PairedRatio.median(each));
                  }
                }));
  }

  private record Result(double opsPerSecond, Histogram histogram) {}

  private static Result run(Client client, String workload, int seconds, boolean record) throws Exception {
    int callers = workload.endsWith("-1") ? 1 : THREADS;
    boolean multi = workload.startsWith("getMulti");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Histogram> histograms = new ArrayList<>();
    long[] counts = new long[callers];
    Throwable[] failure = new Throwable[1];
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < callers; t++) {
      Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      histograms.add(histogram);
      int index = t;
      Thread thread =
          new Thread(
              () -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                List<String> batch = new ArrayList<>(MULTI);
                try {
                  start.await();
                  while (System.nanoTime() < end) {
                    long begin;
                    if (!multi) {
                      String key = client.prefix() + random.nextInt(KEYS);
                      begin = System.nanoTime();
                      if (client.get(key) == null) {
                        throw new IllegalStateException("miss on " + key);
                      }
                    } else {
                      batch.clear();
                      int first = random.nextInt(KEYS - MULTI);
                      for (int i = 0; i < MULTI; i++) {
                        batch.add(client.prefix() + (first + i));
                      }
                      begin = System.nanoTime();
                      if (client.getAll(batch).size() != MULTI) {
                        throw new IllegalStateException("multi-get missed keys");
                      }
                    }
                    histogram.recordValue(Math.min(System.nanoTime() - begin, TimeUnit.SECONDS.toNanos(10)));
                    counts[index]++;
                  }
                } catch (Throwable e) {
                  failure[0] = e;
                }
              });
      thread.start();
      threads.add(thread);
    }
    long begin = System.nanoTime();
    start.countDown();
    for (Thread thread : threads) {
      thread.join();
    }
    double elapsed = (System.nanoTime() - begin) / 1e9;
    if (failure[0] != null) {
      throw new IllegalStateException(client.prefix() + " failed", failure[0]);
    }
    Histogram all = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
    histograms.forEach(all::add);
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    return new Result(record ? total / elapsed : 0, all);
  }

  private static Client open(String name, String address) throws IOException {
    switch (name) {
      case "cascade-cache":
      case "cascade-cache-epoll":
        {
          MemcachedConfig.Builder config = MemcachedConfig.builder().servers(address).commandTimeout(Duration.ofSeconds(2));
          if (name.equals("cascade-cache-epoll")) {
            config.transport(MemcachedConfig.Transport.EPOLL); // the default is NIO
          }
          MemcachedTier tier = MemcachedTier.create(config.build());
          // A cache with only this tier, as a user builds it; values go through Cascade's envelope.
          // Its keys reach memcached as "cascade:cache:<n>", as long as the peers' "<7 letters>:bench:<n>".
          Cache<String, byte[]> cache =
              Cache.<String, byte[]>builder("cache").tier(tier).valueCodec(BytesCodec.create()).build();
          return new Client() {
            @Override
            public String prefix() {
              return "";
            }

            @Override
            public void put(String key, byte[] value) {
              cache.put(key, value);
            }

            @Override
            public Object get(String key) {
              return cache.getIfPresent(key);
            }

            @Override
            public Map<String, ?> getAll(List<String> keys) {
              return cache.getAll(keys);
            }

            @Override
            public void close() {
              cache.close();
              tier.close();
            }
          };
        }
      case "cascade":
      case "cascade-direct":
        {
          MemcachedConfig.Builder config = MemcachedConfig.builder().servers(address).commandTimeout(Duration.ofSeconds(2));
          if (name.equals("cascade-direct")) {
            config.completionExecutor(Runnable::run);
          }
          MemcachedTier tier = MemcachedTier.create(config.build());
          // Same key length for every client: "<7 letters>:bench:<n>".
          String prefix = name.equals("cascade") ? "cascade:bench:" : "cascadd:bench:";
          return new Client() {
            @Override
            public String prefix() {
              return prefix;
            }

            @Override
            public void put(String key, byte[] value) {
              tier.put(key, value, null).join();
            }

            @Override
            public Object get(String key) {
              return tier.get(key).join();
            }

            @Override
            public Map<String, ?> getAll(List<String> keys) {
              return tier.getAll(keys).join();
            }

            @Override
            public void close() {
              tier.close();
            }
          };
        }
      case "xmemcached":
        {
          XMemcachedClientBuilder builder = new XMemcachedClientBuilder(AddrUtil.getAddresses(address));
          builder.setOpTimeout(2000);
          net.rubyeye.xmemcached.MemcachedClient client = builder.build();
          return new Client() {
            @Override
            public String prefix() {
              return "xmemcac:bench:";
            }

            @Override
            public void put(String key, byte[] value) throws Exception {
              client.set(key, 0, value);
            }

            @Override
            public Object get(String key) throws Exception {
              return client.get(key);
            }

            @Override
            public Map<String, ?> getAll(List<String> keys) throws Exception {
              Map<String, byte[]> found = client.get(keys);
              return found;
            }

            @Override
            public void close() throws IOException {
              client.shutdown();
            }
          };
        }
      case "spymemcached":
        {
          net.spy.memcached.MemcachedClient client =
              new net.spy.memcached.MemcachedClient(
                  new ConnectionFactoryBuilder()
                      .setProtocol(ConnectionFactoryBuilder.Protocol.TEXT)
                      .setOpTimeout(2000)
                      .build(),
                  net.spy.memcached.AddrUtil.getAddresses(address));
          return new Client() {
            @Override
            public String prefix() {
              return "spymemc:bench:";
            }

            @Override
            public void put(String key, byte[] value) throws Exception {
              client.set(key, 0, value).get();
            }

            @Override
            public Object get(String key) {
              return client.get(key);
            }

            @Override
            public Map<String, ?> getAll(List<String> keys) {
              return client.getBulk(keys);
            }

            @Override
            public void close() {
              client.shutdown(2, TimeUnit.SECONDS);
            }
          };
        }
      default:
        throw new IllegalArgumentException(name);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static Process startMemcached(int port) throws Exception {
    String binary = null;
    for (String dir : (System.getenv().getOrDefault("PATH", "") + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
      File candidate = new File(dir, "memcached");
      if (candidate.canExecute()) {
        binary = candidate.getPath();
        break;
      }
    }
    if (binary == null) {
      throw new IllegalStateException("memcached is not on the PATH (apt-get install memcached), or pass host:port");
    }
    List<String> command =
        new ArrayList<>(List.of(binary, "-l", "127.0.0.1", "-p", Integer.toString(port), "-U", "0", "-m", "256", "-t", "2"));
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("-u", "root"));
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return process;
      } catch (IOException notYet) {
        process.waitFor(20, TimeUnit.MILLISECONDS);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("memcached did not start on port " + port);
  }
}
