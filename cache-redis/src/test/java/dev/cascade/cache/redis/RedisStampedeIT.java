package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.testkit.Concurrently;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Redis stampede lease across independent cache instances and across JVM processes. */
class RedisStampedeIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();

  private static RedisClient client;
  private static RedisTier store;
  private static RedisStampedeLock lock;

  @BeforeAll
  static void connect() {
    client = RedisTests.client(redis);
    store = RedisTier.builder(client).commandTimeout(RedisTests.RELAXED_TIMEOUT).build();
    lock = RedisStampedeLock.create(client);
  }

  @AfterAll
  static void disconnect() {
    lock.close();
    store.close();
    client.shutdown();
    RedisTests.assertNoKeysCommand(redis);
  }

  private static Cache<String, String> instance(String name, Duration leaseTime) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(1_000))
        .tier(store)
        .valueCodec(StringCodec.create())
        .stampede(
            Stampede.distributed(lock)
                .leaseTime(leaseTime)
                .maxWait(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10)))
        .build();
  }

  @Test
  void thousandCallersOnFourInstances_runOneLoader() {
    List<Cache<String, String>> instances = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      instances.add(instance("hot", Duration.ofSeconds(30)));
    }
    AtomicInteger loads = new AtomicInteger();

    List<Object> results =
        Concurrently.run(
            1000,
            i ->
                instances
                    .get(i % 4)
                    .get(
                        "key",
                        key -> {
                          loads.incrementAndGet();
                          await()
                              .atMost(Duration.ofSeconds(60))
                              .until(
                                  () ->
                                      instances.stream().mapToLong(c -> c.stats().leaseWaitCount()).sum() == 3
                                          && instances.stream().mapToLong(c -> c.stats().coalescedWaitCount()).sum() == 996);
                          return "loaded";
                        }));

    assertThat(loads).hasValue(1);
    assertThat(results).hasSize(1000).allMatch("loaded"::equals);
  }

  @Test
  void holderPausedPastItsLease_lateWriteDoesNotReplaceNewerValue() throws Exception {
    Cache<String, String> slow = instance("late", Duration.ofMillis(300));
    Cache<String, String> fast = instance("late", Duration.ofMillis(300));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> slowCall =
        CompletableFuture.supplyAsync(
            () ->
                slow.get(
                    "k",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return "old";
                    }));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    // The lease lapses on the server while its holder is stuck; another instance takes over.
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.command(0, "EXISTS", "cascade:late:k").equals(0L));
    assertThat(fast.get("k", key -> "new")).isEqualTo("new");
    release.countDown();

    assertThat(slowCall.get(30, TimeUnit.SECONDS)).isEqualTo("old");
    assertThat(instance("late", Duration.ofSeconds(1)).getIfPresent("k")).isEqualTo("new");
    assertThat(slow.getIfPresent("k")).isEqualTo("new");
  }

  @Test
  void release_neverDeletesAnotherHoldersLease() {
    Lease first = lock.tryAcquire("cascade:lease:k", Duration.ofMillis(200)).join();
    assertThat(first).isNotNull();
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.command(0, "EXISTS", "cascade:lease:k").equals(0L));
    Lease second = lock.tryAcquire("cascade:lease:k", Duration.ofSeconds(30)).join();
    assertThat(second).isNotNull();

    lock.release(first).join();

    assertThat(redis.command(0, "EXISTS", "cascade:lease:k")).isEqualTo(1L);
    assertThat(lock.tryAcquire("cascade:lease:k", Duration.ofSeconds(30)).join()).isNull();
    assertThat(lock.publish(first, "stale".getBytes(StandardCharsets.UTF_8), null).join()).isFalse();
    assertThat(lock.publish(second, "fresh".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(30)).join()).isTrue();
    assertThat(redis.command(0, "GET", "cascade:lease:k")).isEqualTo("fresh");
  }

  @Test
  void invalidationWhileLoading_revokesTheLease() throws Exception {
    Cache<String, String> loader = instance("revoke", Duration.ofSeconds(30));
    Cache<String, String> other = instance("revoke", Duration.ofSeconds(30));
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> call =
        CompletableFuture.supplyAsync(
            () ->
                loader.get(
                    "k",
                    key -> {
                      loading.countDown();
                      awaitLatch(release);
                      return "read-before-update";
                    }));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    other.invalidate("k");
    release.countDown();

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(redis.command(0, "EXISTS", "cascade:revoke:k")).isEqualTo(0L);
  }

  @Test
  void threeJvmProcesses_runOneLoader() throws Exception {
    int processes = 3;
    int threadsEach = 50;
    List<Process> workers = new ArrayList<>();
    String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    for (int i = 0; i < processes; i++) {
      workers.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  StampedeWorker.class.getName(),
                  redis.uri(),
                  Integer.toString(threadsEach))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/stampede-workers.log")))
              .start());
    }

    // Every worker reports when all its threads wait on the one load; then the loader may finish.
    await().atMost(Duration.ofSeconds(90)).until(() -> "3".equals(String.valueOf(redis.command(0, "GET", "stampede:ready"))));
    redis.command(0, "SET", "stampede:go", "1");

    for (Process worker : workers) {
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).isZero();
    }
    assertThat(redis.command(0, "GET", "stampede:loads")).isEqualTo("1");
    assertThat(redis.command(0, "GET", "stampede:answers")).isEqualTo(Integer.toString(processes * threadsEach));
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
