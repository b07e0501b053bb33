package dev.cascade.cache.redis;

import dev.cascade.cache.testkit.FaultProxy;
import dev.cascade.cache.testkit.Resp;
import dev.cascade.cache.testkit.ServerProcess;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The randomized fault run: a real redis-server, three {@link FaultRunWorker} JVMs each reaching it
 * through a {@link FaultProxy} of its own, and a nemesis in this process that injects a random fault
 * every few seconds (a proxy black-holed, slowed past the timeout or reset; {@code CLIENT KILL} of
 * the data or the pub/sub connections; the server SIGSTOPped, or SIGKILLed and restarted empty;
 * {@code FLUSHALL}). The workers' histories and the nemesis's faults are then checked by {@link
 * HistoryChecker}. {@link FaultRunIT} runs it briefly in the build; {@link #main} runs it for as long
 * as asked:
 *
 * <pre>{@code
 * java -cp <test class path> dev.cascade.cache.redis.FaultRun 600 [seed]
 * }</pre>
 */
public final class FaultRun {
  static final int INSTANCES = 3;
  /** How much longer than its documented parts a call may take on a busy two-core machine. */
  static final long SLACK_MICROS = 1_000_000;

  /** What one run did and found. */
  record Report(long operations, Map<String, Integer> faultsByKind, long failedRemoteCalls, List<String> violations, long seed) {
    String summary() {
      return "seed " + seed + ": " + operations + " operations, faults " + faultsByKind + ", " + failedRemoteCalls
          + " failed remote calls, " + violations.size() + " violations";
    }
  }

  private FaultRun() {}

  public static void main(String[] args) throws Exception {
    long seconds = Long.parseLong(args[0]);
    long seed = args.length > 1 ? Long.parseLong(args[1]) : System.nanoTime();
    Report report = run(Path.of("target", "faultrun", Long.toString(seed)), seconds, seed);
    System.out.println(report.summary());
    report.violations().stream().limit(20).forEach(System.out::println);
    System.exit(report.violations().isEmpty() ? 0 : 1);
  }

  /** The checker with the bounds the workers' settings document. */
  static HistoryChecker checker() {
    long timeout = FaultRunWorker.COMMAND_TIMEOUT.toNanos() / 1_000;
    long ack = FaultRunWorker.ACK_TIMEOUT.toNanos() / 1_000;
    long loader = FaultRunWorker.LOADER_TIME.toNanos() / 1_000;
    long leaseWait = FaultRunWorker.LEASE_MAX_WAIT.toNanos() / 1_000;
    long write = 2 * timeout + ack + SLACK_MICROS;
    long load = 4 * timeout + leaseWait + loader + ack + SLACK_MICROS;
    return new HistoryChecker(
        3 * FaultRunWorker.HEARTBEAT.toNanos() / 1_000 + ack,
        Map.of(
            "read", timeout + SLACK_MICROS,
            "load", load,
            "getAll", load,
            "put", write,
            "invalidate", write,
            "invalidateTag", write,
            "invalidateAll", write + timeout),
        2_000_000);
  }

  static Report run(Path dir, long seconds, long seed) throws Exception {
    Files.createDirectories(dir);
    String binary = ServerProcess.findBinary("redis-server").orElseThrow(() -> new IllegalStateException("no redis-server"));
    SplittableRandom random = new SplittableRandom(seed);
    List<HistoryEvent> faults = new ArrayList<>();
    List<Path> histories = new ArrayList<>();
    List<Process> workers = new ArrayList<>();
    List<FaultProxy> proxies = new ArrayList<>();
    try (ServerProcess redis =
        ServerProcess.start(
            "redis-faultrun",
            port -> List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"))) {
      String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
      for (int i = 0; i < INSTANCES; i++) {
        FaultProxy proxy = FaultProxy.start("127.0.0.1", redis.port());
        proxies.add(proxy);
        Path history = dir.resolve("history-" + i + ".tsv");
        histories.add(history);
        workers.add(
            new ProcessBuilder(
                    java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), FaultRunWorker.class.getName(),
                    proxy.address(), Integer.toString(i), Long.toString(seconds), Long.toString(seed), history.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(dir.resolve("worker-" + i + ".log").toFile()))
                .start());
      }
      long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
      sleep(2_000 + random.nextInt(1_000)); // let the instances start and find each other
      while (System.nanoTime() < end - 3_000_000_000L) {
        faults.add(injectOne(random, redis, proxies));
        sleep(1_000 + random.nextInt(2_000));
      }
      for (Process worker : workers) {
        if (!worker.waitFor(seconds + 60, TimeUnit.SECONDS)) {
          worker.destroyForcibly();
          throw new IllegalStateException("a worker did not finish; see " + dir);
        }
        if (worker.exitValue() != 0) {
          throw new IllegalStateException("a worker failed (exit " + worker.exitValue() + "); see " + dir);
        }
      }
    } finally {
      proxies.forEach(FaultProxy::close);
      workers.forEach(Process::destroyForcibly);
    }
    List<HistoryEvent> history = new ArrayList<>(faults);
    long operations = 0;
    long failedRemoteCalls = 0;
    for (Path file : histories) {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        HistoryEvent event = HistoryEvent.parse(line);
        history.add(event);
        if (event.kind().equals("tierError")) {
          failedRemoteCalls++;
        } else if (!HistoryChecker.isLoad(event)) {
          operations++;
        }
      }
    }
    Map<String, Integer> byKind = new TreeMap<>();
    faults.forEach(fault -> byKind.merge(fault.kind(), 1, Integer::sum));
    writeFaults(dir, faults);
    return new Report(operations, byKind, failedRemoteCalls, checker().violations(history), seed);
  }

  /** Injects one random fault, holds it for a random while, heals it, and returns it as an event. */
  private static HistoryEvent injectOne(SplittableRandom random, ServerProcess redis, List<FaultProxy> proxies) {
    int target = random.nextInt(proxies.size());
    FaultProxy proxy = proxies.get(target);
    long start = FaultRunWorker.micros();
    String kind;
    switch (random.nextInt(8)) {
      case 0 -> {
        kind = "blackhole";
        proxy.blackHole();
        sleep(500 + random.nextInt(1_500));
        proxy.heal();
      }
      case 1 -> {
        kind = "latency";
        proxy.latency(Duration.ofMillis(300), Duration.ofMillis(100)); // above the command timeout
        sleep(500 + random.nextInt(1_500));
        proxy.heal();
      }
      case 2 -> {
        kind = "reset";
        proxy.resetConnections();
      }
      case 3 -> {
        kind = "clientKillPubsub";
        Resp.command(redis.port(), "CLIENT", "KILL", "TYPE", "pubsub");
      }
      case 4 -> {
        kind = "clientKillNormal";
        Resp.command(redis.port(), "CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes");
      }
      case 5 -> {
        kind = "sigstop";
        redis.pause();
        sleep(300 + random.nextInt(1_200));
        redis.resume();
      }
      case 6 -> {
        kind = "sigkillRestart";
        redis.kill();
        sleep(200 + random.nextInt(800));
        redis.restart();
      }
      default -> {
        kind = "flushall";
        Resp.command(redis.port(), "FLUSHALL");
      }
    }
    return new HistoryEvent(-1, kind, kind.startsWith("sig") || kind.startsWith("client") || kind.equals("flushall") ? "redis" : "proxy" + target,
        "-", start, FaultRunWorker.micros(), "ok");
  }

  private static void writeFaults(Path dir, List<HistoryEvent> faults) throws IOException {
    List<String> lines = new ArrayList<>();
    faults.forEach(fault -> lines.add(fault.line()));
    Files.write(dir.resolve("faults.tsv"), lines, StandardCharsets.UTF_8);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis); // the nemesis's own pacing: how long a fault lasts, and the calm between
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
