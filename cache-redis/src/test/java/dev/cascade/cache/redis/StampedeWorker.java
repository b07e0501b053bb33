package dev.cascade.cache.redis;

import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.Concurrently;
import dev.cascade.cache.testkit.Resp;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One service instance in its own JVM for {@link RedisStampedeIT}: N threads ask for one cold key
 * through a cache with the Redis lease. The loader counts itself in Redis and holds until the test
 * says go; the worker reports ready once all its threads wait on the one load.
 */
public final class StampedeWorker {
  private StampedeWorker() {}

  public static void main(String[] args) {
    String uri = args[0];
    int threads = Integer.parseInt(args[1]);
    int port = Integer.parseInt(uri.substring(uri.lastIndexOf(':') + 1));
    RedisClient client = RedisClient.create(uri);
    RedisTier store = RedisTier.builder(client).commandTimeout(Duration.ofSeconds(2)).build();
    RedisStampedeLock lock = RedisTests.relaxedLock(client);
    Cache<String, String> cache =
        Cache.<String, String>builder("jvm-stampede")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(StringCodec.create())
            .stampede(Stampede.distributed(lock).leaseTime(Duration.ofSeconds(60)).maxWait(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10)))
            .build();
    AtomicBoolean loadedHere = new AtomicBoolean();
    Thread reporter =
        new Thread(
            () -> {
              // All of this JVM's threads wait: n-1 on the local flight, and the leader either loads
              // (here) or waits for the lease holder (elsewhere).
              await()
                  .atMost(Duration.ofSeconds(60))
                  .until(
                      () ->
                          cache.stats().coalescedWaitCount() == threads - 1
                              && (loadedHere.get() || cache.stats().leaseWaitCount() == 1));
              Resp.command(port, "INCR", "stampede:ready");
            });
    reporter.start();
    List<Object> answers =
        Concurrently.run(
            threads,
            i ->
                cache.get(
                    "cold",
                    key -> {
                      loadedHere.set(true);
                      Resp.command(port, "INCR", "stampede:loads");
                      await().atMost(Duration.ofSeconds(60)).until(() -> Resp.command(port, "GET", "stampede:go") != null);
                      return "value";
                    }));
    int exit = 0;
    for (Object answer : answers) {
      if ("value".equals(answer)) {
        Resp.command(port, "INCR", "stampede:answers");
      } else {
        System.err.println("unexpected answer: " + answer);
        exit = 1;
      }
    }
    lock.close();
    store.close();
    client.shutdown();
    System.exit(exit);
  }
}
