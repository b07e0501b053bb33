package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The invalidation channel starts without scanning the keyspace: it finds the other instances by
 * their subscribed acknowledgement channels ({@code PUBSUB CHANNELS}), as the server's {@code INFO
 * commandstats} shows before and after.
 */
class RedisInvalidationStartupIT {
  @RegisterExtension static final RedisServerExtension server = RedisServerExtension.standalone();

  private final List<AutoCloseable> opened = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void start_ofChannelAndOfBackendChannel_sendsNoScan_andKnowsTheOtherInstances() {
    for (int i = 0; i < 2_000; i++) {
      server.command(0, "SET", "unrelated:" + i, "x"); // a keyspace a SCAN would have to walk
    }
    long scansBefore = calls("scan");
    long pubsubBefore = calls("pubsub|channels");

    // Heartbeats every 10 s: within this test an instance learns of another only through the join.
    // The newcomer's start waits for the running instance's acknowledgement, which must come: 10 s,
    // not 250 ms; and its start commands get the relaxed timeout, since a failed start waits a beat.
    RedisInvalidation a =
        RedisInvalidation.builder(client())
            .heartbeat(Duration.ofSeconds(10))
            .ackTimeout(Duration.ofSeconds(10))
            .commandTimeout(RedisTests.RELAXED_TIMEOUT)
            .build();
    opened.add(a);
    RedisBackend backend =
        RedisBackend.builder(client())
            .heartbeat(Duration.ofSeconds(10))
            .ackTimeout(Duration.ofSeconds(10))
            .commandTimeout(RedisTests.RELAXED_TIMEOUT)
            .build();
    opened.add(backend);
    RedisInvalidation b = backend.invalidation();

    assertThat(calls("scan")).as("SCAN calls during both starts").isEqualTo(scansBefore);
    assertThat(calls("pubsub|channels")).as("PUBSUB CHANNELS calls, one per start").isEqualTo(pubsubBefore + 2);
    assertThat(b.waitsFor(a.instanceId())).as("the newcomer found the running instance").isTrue();
    assertThat(a.waitsFor(b.instanceId())).as("the running instance heard the newcomer before it returned").isTrue();
  }

  private RedisClient client() {
    RedisClient client = RedisTests.client(server);
    opened.add(client::shutdown);
    return client;
  }

  /** Returns {@code calls} of {@code command} in {@code INFO commandstats}, 0 when it never ran. */
  private static long calls(String command) {
    return calls(server, command);
  }

  /** Returns {@code calls} of {@code command} summed over every server of {@code redis}. */
  static long calls(RedisServerExtension redis, String command) {
    long calls = 0;
    for (int i = 0; i < redis.size(); i++) {
      String stats = (String) redis.command(i, "INFO", "commandstats");
      Matcher matcher = Pattern.compile("cmdstat_" + Pattern.quote(command) + ":calls=(\\d+)").matcher(stats);
      calls += matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }
    return calls;
  }
}
