package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.spi.StampedeLock;
import dev.cascade.cache.testkit.StampedeContract;
import io.lettuce.core.RedisClient;
import java.io.File;
import java.time.Duration;
import java.util.function.UnaryOperator;
import dev.cascade.cache.spi.RemoteStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The stampede contract on the Redis lease, plus the same stampede from three JVM processes. */
class RedisStampedeIT extends StampedeContract {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private static RedisStampedeLock lock;

  @BeforeAll
  static void createLock() {
    lock = RedisTests.relaxedLock((RedisClient) redis.client());
  }

  @AfterAll
  static void closeLock() {
    lock.close();
  }

  @Override
  protected Cache<String, String> newInstance(String name, Duration leaseTime, UnaryOperator<RemoteStore> wrap) {
    return instanceBuilder(name, wrap.apply(redis.store()), lock, leaseTime).build();
  }

  @Override
  protected StampedeLock lock() {
    return lock;
  }

  @Override
  protected void awaitLeaseLapsed(String remoteKey, Duration leaseTime) {
    await().atMost(Duration.ofSeconds(10)).until(() -> redis.server().command(0, "EXISTS", remoteKey).equals(0L));
  }

  /** See {@link #assertBulkLoadReplacesAnEntryKeptForStaleServing}. */
  @Test
  void bulkLoadOfAnEntryKeptForStaleServing_takesTheLeaseOverIt_andReplacesIt() {
    assertBulkLoadReplacesAnEntryKeptForStaleServing(
        name -> staleServing(instanceBuilder(name, redis.store(), lock, Duration.ofSeconds(60))).build(),
        remoteKey -> redis.server().command(0, "EXISTS", remoteKey).equals(1L));
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
                  redis.server().uri(),
                  Integer.toString(threadsEach))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/stampede-workers.log")))
              .start());
    }

    // Every worker reports when all its threads wait on the one load; then the loader may finish.
    await().atMost(Duration.ofSeconds(90)).until(() -> "3".equals(String.valueOf(redis.server().command(0, "GET", "stampede:ready"))));
    redis.server().command(0, "SET", "stampede:go", "1");

    for (Process worker : workers) {
      assertThat(worker.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(worker.exitValue()).isZero();
    }
    assertThat(redis.server().command(0, "GET", "stampede:loads")).isEqualTo("1");
    assertThat(redis.server().command(0, "GET", "stampede:answers")).isEqualTo(Integer.toString(processes * threadsEach));
  }
}
