package dev.cascade.benchmarks;

import dev.cascade.cache.memcached.MemcachedBackend;
import dev.cascade.cache.memcached.MemcachedTier;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What an idle Memcached backend costs: connects a backend to one server (started here from the
 * PATH unless an address is given), makes one put and one get, then idles and prints the CPU time
 * each of the backend's threads (its I/O threads and the clock of its command timeouts) spent while
 * it idled. An idle backend should cost next to nothing; docs/benchmarks.md has the figures before and
 * after the timeout clock moved off the I/O threads.
 *
 * <p>Run: {@code java -cp benchmarks/target/cascade-benchmarks.jar
 * dev.cascade.benchmarks.MemcachedIdleCost [host:port|-] [idleSeconds]} (defaults: start one, 8 s).
 */
public final class MemcachedIdleCost {
  private MemcachedIdleCost() {}

  public static void main(String[] args) throws Exception {
    Process server = null;
    String address;
    if (args.length > 0 && args[0].contains(":")) {
      address = args[0];
    } else {
      int port = MemcachedLoadBenchmark.freePort();
      server = MemcachedLoadBenchmark.startMemcached(port);
      address = "127.0.0.1:" + port;
    }
    int idleSeconds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (MemcachedBackend backend = MemcachedBackend.create(address)) {
      MemcachedTier tier = backend.tier();
      byte[] value = "idle".getBytes(StandardCharsets.UTF_8);
      tier.put("idle-cost", value, null).join();
      if (tier.get("idle-cost").join() == null) {
        throw new IllegalStateException("the put was not read back from " + address);
      }
      Map<String, Long> before = backendThreadsCpu(threads);
      long start = System.nanoTime();
      Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Long> after = backendThreadsCpu(threads);
      System.out.printf("memcached %s, backend idle for %.1f s; CPU time of its threads in that time:%n", address, seconds);
      after.forEach(
          (name, nanos) -> {
            long spent = nanos - before.getOrDefault(name, 0L);
            System.out.printf("  %-40s %8.1f ms (%.3f %% of a core)%n", name, spent / 1e6, 100.0 * spent / 1e9 / seconds);
          });
    } finally {
      if (server != null) {
        server.destroyForcibly();
      }
    }
    System.exit(0);
  }

  /** CPU time so far of each live thread of Cascade's Memcached client, by thread name (names are unique here). */
  private static Map<String, Long> backendThreadsCpu(ThreadMXBean threads) {
    Map<String, Long> cpu = new LinkedHashMap<>();
    for (long id : threads.getAllThreadIds()) {
      java.lang.management.ThreadInfo info = threads.getThreadInfo(id);
      if (info != null && info.getThreadName().startsWith("cascade-memcached")) {
        cpu.put(info.getThreadName(), threads.getThreadCpuTime(id));
      }
    }
    return cpu;
  }
}
