package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.redis.internal.RedisLink;
import dev.cascade.cache.testkit.FaultProxy;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The invalidation channel's start attempts and its subscription's drops: a drop during an attempt
 * that fails does not outlive that attempt, and a drop during one that succeeds still counts.
 *
 * <p>The subscription goes through a {@link FaultProxy} (so that it can be dropped, and kept from
 * coming back by itself), the publishing connection goes straight to the server; {@code CLIENT PAUSE
 * WRITE} holds the attempt at its marker {@code SET} (after it has subscribed) for as long as the
 * test needs, which the server shows as a blocked client ({@code flags=b cmd=set}).
 */
class RedisInvalidationRetryIT {
  @RegisterExtension static final RedisServerExtension server = RedisServerExtension.standalone();

  /** How long the held marker SET waits: far longer than the test needs to drop the subscription. */
  private static final Duration PUBLISHER_TIMEOUT = Duration.ofSeconds(5);

  private final List<AutoCloseable> opened = new ArrayList<>();
  private final AtomicBoolean subscriptionDropped = new AtomicBoolean();
  private FaultProxy proxy;
  private RedisClient subscribing;
  private RedisLink publisher;

  @BeforeEach
  void open() {
    proxy = FaultProxy.start("127.0.0.1", server.port(0));
    opened.add(proxy);
    subscribing = client("redis://" + proxy.address());
    subscribing.addListener(
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
            subscriptionDropped.set(true); // this client carries nothing but the subscription
          }
        });
    publisher = RedisLink.connect(client(server.uri()), PUBLISHER_TIMEOUT);
  }

  @AfterEach
  void close() throws Exception {
    server.command(0, "CLIENT", "UNPAUSE");
    for (int i = opened.size() - 1; i >= 0; i--) {
      opened.get(i).close();
    }
  }

  @Test
  void start_subscriptionDropsDuringAFailedAttempt_aLaterAttemptDelivers() throws Exception {
    server.command(0, "CLIENT", "PAUSE", "60000", "WRITE");
    CompletableFuture<RedisInvalidation> building = CompletableFuture.supplyAsync(this::build);
    await("the first attempt subscribed and waits at its marker SET").atMost(Duration.ofSeconds(30)).until(RedisInvalidationRetryIT::markerSetHeld);

    proxy.refuseNewConnections(); // Lettuce cannot resubscribe by itself
    proxy.resetConnections();
    await("Lettuce saw the drop").atMost(Duration.ofSeconds(30)).untilTrue(subscriptionDropped);
    RedisInvalidation channel = building.get(30, TimeUnit.SECONDS); // the marker SET timed out: not started
    opened.add(channel::shutdown);
    assertThat(channel.started()).as("the first attempt failed").isFalse();
    assertThat(channel.lossFlushCount()).as("the drop reached the channel during its first attempt").isPositive();

    server.command(0, "CLIENT", "UNPAUSE");
    proxy.heal();

    await("a later attempt starts the channel").atMost(Duration.ofSeconds(30)).until(channel::started);
    await("and it delivers").atMost(Duration.ofSeconds(15)).until(channel::isDelivering);
  }

  @Test
  void start_subscriptionDropsDuringASuccessfulAttempt_deliversOnlyOnceResubscribed() throws Exception {
    server.command(0, "CLIENT", "PAUSE", "60000", "WRITE");
    // Beats every 10 s: within the test the channel hears itself, so only the subscription decides.
    CompletableFuture<RedisInvalidation> building = CompletableFuture.supplyAsync(() -> build(Duration.ofSeconds(10)));
    await("the first attempt subscribed and waits at its marker SET").atMost(Duration.ofSeconds(30)).until(RedisInvalidationRetryIT::markerSetHeld);

    proxy.refuseNewConnections();
    proxy.resetConnections();
    await("Lettuce saw the drop").atMost(Duration.ofSeconds(30)).untilTrue(subscriptionDropped);
    server.command(0, "CLIENT", "UNPAUSE"); // the marker SET, and so the attempt, succeeds
    RedisInvalidation channel = building.get(30, TimeUnit.SECONDS);
    opened.add(channel::shutdown);
    assertThat(channel.started()).as("the first attempt succeeded").isTrue();
    assertThat(channel.isDelivering()).as("its subscription is down").isFalse();

    proxy.heal();

    await("Lettuce resubscribed").atMost(Duration.ofSeconds(15)).until(channel::isDelivering);
  }

  private RedisInvalidation build() {
    return build(Duration.ofMillis(100));
  }

  private RedisInvalidation build(Duration heartbeat) {
    return RedisInvalidation.builder(subscribing).heartbeat(heartbeat).buildOn(publisher);
  }

  /** Whether the server holds a client's SET behind the pause (flags=b), as it does the marker's. */
  private static boolean markerSetHeld() {
    return ((String) server.command(0, "CLIENT", "LIST")).lines().anyMatch(line -> line.contains(" flags=b ") && line.contains(" cmd=set "));
  }

  /** A client as {@link RedisTests#client} makes one, to {@code uri}; shut down after the test. */
  private RedisClient client(String uri) {
    ClientResources resources = RedisTests.resources();
    RedisClient client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
    opened.add(resources::shutdown);
    opened.add(client::shutdown);
    return client;
  }
}
