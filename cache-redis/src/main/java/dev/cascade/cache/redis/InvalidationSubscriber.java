package dev.cascade.cache.redis;

import dev.cascade.cache.CacheException;
import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.redis.internal.RedisLink;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The pub/sub connection of one {@link RedisInvalidation}: opens it, names it (so that operators and
 * tests find it in {@code CLIENT LIST}), subscribes to the channels and reports to its {@link
 * Events} what arrives and when the subscription is broken or restored. Lettuce resubscribes by
 * itself after a reconnect; this class only tells the channel, which must assume that messages in
 * between are lost.
 *
 * <p>Thread-safe. Events are called on Lettuce's event-loop threads.
 */
final class InvalidationSubscriber implements AutoCloseable {

  /** What the subscriber reports. Called on Lettuce's threads; must not block. */
  interface Events {
    /** A message arrived on {@code channel}. */
    void message(String channel, byte[] bytes);

    /** The subscribed connection dropped: from now until {@link #resubscribed}, messages are lost. */
    void disconnected();

    /** After a reconnect, one channel is subscribed again (called once per channel). */
    void resubscribed();
  }

  private final AbstractRedisClient client;
  private final StatefulRedisPubSubConnection<String, byte[]> connection;
  private final RedisConnectionStateListener watcher;

  /**
   * Connects through {@code client} (a {@link RedisClient} or {@link RedisClusterClient}), names the
   * connection {@code name}, subscribes to {@code channels} and returns once subscribed; each of the
   * two commands waits at most {@code timeout}.
   *
   * @throws CacheException if the connection or a command fails or times out (nothing stays open)
   */
  InvalidationSubscriber(AbstractRedisClient client, String name, Events events, Duration timeout, String... channels) {
    this.client = client;
    this.connection =
        client instanceof RedisClusterClient cluster
            ? cluster.connectPubSub(RedisLink.codec())
            : ((RedisClient) client).connectPubSub(RedisLink.codec());
    this.watcher =
        new RedisConnectionStateListener() {
          @Override
          public void onRedisDisconnected(RedisChannelHandler<?, ?> disconnected) {
            if (disconnected == connection) {
              events.disconnected();
            }
          }
        };
    client.addListener(watcher);
    AtomicInteger subscribedEvents = new AtomicInteger();
    connection.addListener(
        new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, byte[] message) {
            events.message(channel, message);
          }

          @Override
          public void subscribed(String channel, long count) {
            // The first subscriptions are this constructor's; later ones follow a reconnect.
            if (subscribedEvents.incrementAndGet() > channels.length) {
              events.resubscribed();
            }
          }
        });
    try {
      connection.async().clientSetname(name).toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      connection.async().subscribe(channels).toCompletableFuture().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new CacheException("interrupted while subscribing", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      close();
      throw new CacheUnavailableException("cannot subscribe to " + String.join(", ", channels) + ": " + e, e);
    }
  }

  /** Stops watching the connection and closes it. */
  @Override
  public void close() {
    client.removeListener(watcher);
    connection.close();
  }
}
