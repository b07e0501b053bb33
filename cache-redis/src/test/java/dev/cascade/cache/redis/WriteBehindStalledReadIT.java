package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.redis.internal.WriteBehindStreams;
import dev.cascade.cache.testkit.FaultProxy;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A read that the network held back, of a write-behind consumer that has lost the partition's lease
 * since: when the network heals, the read reaches Redis, after the lease holder recovered the
 * partition, and takes changes into the stalled consumer's pending list, which that consumer will
 * never apply (it no longer holds the lease). The lease holder must apply them, and before any newer change of their
 * keys, so that a key's changes reach the writer in queue order.
 *
 * <p>The stalled read is the stalled consumer's {@code XREADGROUP ... >} sent on a connection
 * through a {@link FaultProxy} whose upstream is cut, so that it waits in the proxy: Redis sees what
 * it would see from a real consumer cut off by the network, whose code, having timed the read out,
 * never looks at the answer. The holder's writer waits while the read is let through, so that the
 * read finds a change nobody has read yet. (With two real consumers, the first one's read held back
 * by the proxy, the check that fixed this makes the stalled consumer send an {@code XPENDING} rather
 * than a read after its last read; the code before the fix gave the writer 1, 2, 4, 3 left pending.)
 */
class WriteBehindStalledReadIT {
  @RegisterExtension static final RedisServerExtension server = RedisServerExtension.standalone();

  private static final String NAME = "stall";
  private static final String STREAM = "cascade:wb:{" + NAME + ":0}:stream";

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void readHeldBackWhileAnotherConsumerHoldsTheLease_theChangesItTookAreAppliedBeforeNewerOnes() throws Exception {
    Cache<String, String> cache = Cache.<String, String>builder("wb-stall").inMemory(m -> m.maximumSize(100)).build();
    opened.add(cache);
    List<String> applied = new CopyOnWriteArrayList<>();
    CountDownLatch holderWriting = new CountDownLatch(1);
    CountDownLatch holderMayFinish = new CountDownLatch(1);
    WriteBehind<String, String> holder =
        queue(
            backend(server.uri()),
            cache,
            batch -> {
              for (Change<String, String> change : batch) {
                if ("2".equals(change.value())) {
                  holderWriting.countDown();
                  holderMayFinish.await();
                }
                applied.add(change.value());
              }
            });
    opened.add(holderMayFinish::countDown); // before the queue closes, should the test fail early
    holder.start();
    holder.put("k", "1");
    await("the holder applies 1").atMost(Duration.ofSeconds(30)).until(() -> applied.contains("1"));

    FaultProxy proxy = FaultProxy.start("127.0.0.1", server.port(0));
    opened.add(proxy);
    Socket stalled = new Socket("127.0.0.1", proxy.port());
    opened.add(stalled);
    proxy.cut(FaultProxy.Direction.UPSTREAM);
    stalled.getOutputStream().write(command("XREADGROUP", "GROUP", WriteBehindStreams.GROUP, "stalled", "COUNT", "100", "STREAMS", STREAM, ">"));
    stalled.getOutputStream().flush(); // held in the proxy

    holder.put("k", "2");
    await("the holder writes 2").atMost(Duration.ofSeconds(30)).until(() -> holderWriting.getCount() == 0);
    holder.put("k", "3"); // no consumer reads now
    proxy.heal(); // the held read reaches Redis and takes 3
    await("the stalled read took 3").atMost(Duration.ofSeconds(30)).until(() -> pendingOf("stalled") == 1);

    holderMayFinish.countDown();
    holder.put("k", "4");

    await("the holder applies 4").atMost(Duration.ofSeconds(30)).until(() -> applied.contains("4"));
    assertThat(applied).as("the changes of k, as the writer got them").containsExactly("1", "2", "3", "4");
    assertThat(pendingOf("stalled")).as("claimed from the stalled consumer").isZero();
  }

  private WriteBehind<String, String> queue(RedisBackend backend, Cache<String, String> cache, BatchWriter<String, String> writer) {
    WriteBehind<String, String> queue =
        WriteBehind.builder(backend, NAME, cache)
            .keyCodec(StringCodec.create())
            .valueCodec(StringCodec.create())
            .partitions(1)
            .blockTime(Duration.ofMillis(200))
            .minIdle(Duration.ofMillis(1_500))
            .pollInterval(Duration.ofMillis(500))
            .consumerName("holder")
            .writer(writer)
            .build();
    opened.add(() -> queue.close(Duration.ofSeconds(5)));
    return queue;
  }

  private RedisBackend backend(String uri) {
    ClientResources resources = RedisTests.resources();
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    opened.add(resources::shutdown);
    opened.add(client::shutdown);
    RedisBackend backend = RedisBackend.builder(client).commandTimeout(Duration.ofMillis(500)).build();
    opened.add(backend);
    return backend;
  }

  /** Returns {@code args} as one RESP command. */
  private static byte[] command(String... args) {
    StringBuilder resp = new StringBuilder("*").append(args.length).append("\r\n");
    for (String arg : args) {
      resp.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(arg).append("\r\n");
    }
    return resp.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Returns how many changes of the partition are pending for {@code consumer}. */
  private static long pendingOf(String consumer) {
    List<?> summary = (List<?>) server.command(0, "XPENDING", STREAM, WriteBehindStreams.GROUP);
    if (summary.size() > 3 && summary.get(3) instanceof List<?> consumers) {
      for (Object entry : consumers) {
        List<?> pair = (List<?>) entry;
        if (consumer.equals(pair.get(0))) {
          return Long.parseLong(String.valueOf(pair.get(1)));
        }
      }
    }
    return 0;
  }
}
