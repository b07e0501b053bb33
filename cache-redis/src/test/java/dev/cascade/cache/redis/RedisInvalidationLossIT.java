package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.StringCodec;
import io.lettuce.core.RedisClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The channel notices its own losses: a killed subscription, FLUSHALL, a vanished sender, a gap. */
class RedisInvalidationLossIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone().flushesOnPurpose();





  private RedisInvalidation channel() {
    return redis.newChannel(Duration.ofMillis(500));
  }

  private static Cache<String, String> instance(String name, RedisInvalidation channel) {
    return Cache.<String, String>builder(name)
        .inMemory(m -> m.maximumSize(10_000))
        .tier(redis.store())
        .valueCodec(StringCodec.create())
        .invalidation(channel)
        .build();
  }

  private static List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      keys.add("k" + i);
    }
    return keys;
  }

  @Test
  void subscriptionKilledWhileAnotherInstanceInvalidates_appliedAllOrFlushed_noStaleReads() {
    Cache<String, String> a = instance("killed", channel());
    RedisInvalidation bChannel = channel();
    Cache<String, String> b = instance("killed", bChannel);
    keys().forEach(key -> a.put(key, "old"));
    keys().forEach(b::getIfPresent); // every key is in B's L1
    long flushesBefore = b.stats().localFlushCount();

    String clients = (String) redis.server().command(0, "CLIENT", "LIST");
    String id = clients.lines().filter(line -> line.contains("name=" + bChannel.subscriberName())).findFirst().orElseThrow()
        .replaceAll("^id=(\\d+) .*$", "$1");
    redis.server().command(0, "CLIENT", "KILL", "ID", id);
    keys().forEach(a::invalidate);

    await().atMost(Duration.ofSeconds(30)).until(() -> b.stats().invalidationsReceivedCount() == 1000 || b.stats().localFlushCount() > flushesBefore);
    long stale = keys().stream().filter(key -> b.getIfPresent(key) != null).count();
    assertThat(stale).isZero();
  }

  @Test
  void flushall_emptiesEveryInstancesL1() {
    Cache<String, String> a = instance("flushall", channel());
    Cache<String, String> b = instance("flushall", channel());
    keys().forEach(key -> a.put(key, "v"));
    keys().forEach(b::getIfPresent);

    redis.server().command(0, "FLUSHALL");

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> keys().stream().allMatch(key -> a.getIfPresent(key) == null && b.getIfPresent(key) == null));
    assertThat(a.stats().localFlushCount()).isPositive();
    assertThat(b.stats().localFlushCount()).isPositive();
  }

  @Test
  void senderVanishesWithoutGoodbye_receiversFlush_andItsRestartIsCoherentAgain() {
    RedisClient senderClient = RedisTests.client(redis.server());
    RedisInvalidation senderChannel =
        RedisInvalidation.builder(senderClient).heartbeat(Duration.ofMillis(200)).ackTimeout(Duration.ofMillis(500)).build();
    Cache<String, String> sender = instance("restart", senderChannel);
    Cache<String, String> receiver = instance("restart", channel());
    sender.put("k", "v1");
    assertThat(receiver.getIfPresent("k")).isEqualTo("v1");
    long flushesBefore = receiver.stats().localFlushCount();

    senderClient.shutdown(); // the process dies: no goodbye, no more heartbeats

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.stats().localFlushCount() > flushesBefore);

    Cache<String, String> restarted = instance("restart", channel());
    restarted.put("k", "v2");
    assertThat(receiver.getIfPresent("k")).isEqualTo("v2");
  }

  @Test
  void sequenceGap_makesReceiversFlush() {
    Cache<String, String> receiver = instance("gap", channel());
    receiver.put("k", "v");
    long flushesBefore = receiver.stats().localFlushCount();

    redis.server().command(0, "PUBLISH", "cascade:invalidation", json(1));
    redis.server().command(0, "PUBLISH", "cascade:invalidation", json(3)); // message 2 never arrived

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.stats().localFlushCount() > flushesBefore);
  }

  private static byte[] json(long seq) {
    return ("{\"v\":1,\"type\":\"inv\",\"from\":\"ghost\",\"seq\":" + seq + ",\"cache\":\"gap\",\"kind\":\"KEYS\",\"keys\":[\"other\"]}")
        .getBytes(StandardCharsets.UTF_8);
  }
}
