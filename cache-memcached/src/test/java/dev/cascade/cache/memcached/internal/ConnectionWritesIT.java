package dev.cascade.cache.memcached.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.CacheUnavailableException;
import dev.cascade.cache.memcached.MemcachedConfig;
import dev.cascade.cache.memcached.MemcachedConfig.Transport;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Who writes a connection's commands, against a real server, on both transports: on NIO the calling
 * thread writes when the connection is idle and the event loop writes otherwise; on epoll the event
 * loop writes everything. Whatever the writer, the bytes reach the server whole and in the order
 * each thread sent them, so each reply goes to its own request.
 */
class ConnectionWritesIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  private static MemcachedClient client(Transport transport) {
    return client(transport, 1);
  }

  private static MemcachedClient client(Transport transport, int connectionsPerServer) {
    return MemcachedClient.start(
        MemcachedConfig.builder()
            .servers(MEMCACHED.address(0))
            .transport(transport)
            .connectionsPerServer(connectionsPerServer)
            .commandTimeout(Duration.ofSeconds(30))
            .build());
  }

  private static byte[] set(String key, byte[] value) {
    byte[] line = ("ms " + key + " " + value.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] command = Arrays.copyOf(line, line.length + value.length + 2);
    System.arraycopy(value, 0, command, line.length, value.length);
    command[command.length - 2] = '\r';
    command[command.length - 1] = '\n';
    return command;
  }

  private static byte[] get(String key) {
    return ("mg " + key + " v\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] filled(int size, int seed) {
    byte[] value = new byte[size];
    for (int i = 0; i < size; i++) {
      value[i] = (byte) ('a' + (i * 31 + seed) % 26);
    }
    return value;
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
  void aBatchLargerThanTheSocketBuffers_sentToAPausedServer_arrivesWhole_beforeWhatFollows(Transport transport) {
    // 24 values of 900 KB in one batch: about 21 MB in one send, made while the server is paused,
    // more than a loopback socket's send and receive buffers hold while the server reads nothing,
    // so the first write cannot take it all; the rest must follow, before the next command. On NIO
    // the caller writes the batch (the connection is idle) and the I/O thread the rest.
    int count = 24;
    List<byte[]> commands = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] value = filled(900_000, i);
      values.add(value);
      commands.add(set("writes-" + transport + "-big-" + i, value));
    }
    try (MemcachedClient client = client(transport)) {
      ServerNode node = client.nodes().get(0);
      CompletableFuture<MetaResponse> warm = node.submit(get("writes-warm"));
      warm.join();
      CompletableFuture<MetaResponse[]> stored;
      CompletableFuture<MetaResponse> readBack;
      MEMCACHED.process(0).pause();
      try {
        stored = node.submitBatch(commands);
        readBack = node.submit(get("writes-" + transport + "-big-" + (count - 1)));
      } finally {
        MEMCACHED.process(0).resume();
      }
      assertThat(stored.join()).hasSize(count).allSatisfy(reply -> assertThat(reply.is("HD")).as(reply.toString()).isTrue());
      assertThat(readBack.join().value()).isEqualTo(values.get(count - 1));
      for (int i = 0; i < count; i++) {
        assertThat(node.submit(get("writes-" + transport + "-big-" + i)).join().value()).as("value %d", i).isEqualTo(values.get(i));
      }
      long[] callerWrites = node.callerWriteCounts();
      if (transport == Transport.NIO) {
        assertThat(callerWrites[1]).as("caller writes the socket did not take whole").isGreaterThanOrEqualTo(1);
      } else {
        assertThat(callerWrites).containsExactly(0, 0);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
  void eachThreadsCommands_areWrittenInTheOrderItSentThem_whoeverWritesThem(Transport transport) throws Exception {
    // Each thread sets its key and, without waiting, reads it back: the read must see the set. With
    // four threads on one connection, sends find it idle (the caller writes) or busy (the event
    // loop writes) in every mix, so a read that overtook its set would read the previous value.
    setsThenReadsWithoutWaiting(transport, 1);
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
  void eachThreadsCommands_keepTheirOrder_withSeveralConnectionsPerServer(Transport transport) throws Exception {
    // With four connections, a thread whose set went out on one connection and its read on another
    // would have them read by two of the server's worker threads at once, and the read could be
    // answered first: each thread must keep to one connection.
    setsThenReadsWithoutWaiting(transport, 4);
  }

  private static void setsThenReadsWithoutWaiting(Transport transport, int connectionsPerServer) throws Exception {
    int threads = 4;
    int rounds = 2_000;
    try (MemcachedClient client = client(transport, connectionsPerServer)) {
      ServerNode node = client.nodes().get(0);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<?>> done = new ArrayList<>();
        Set<MetaConnection> used = ConcurrentHashMap.newKeySet();
        for (int t = 0; t < threads; t++) {
          String key = "writes-" + transport + "-order-" + connectionsPerServer + "-" + t;
          done.add(
              pool.submit(
                  () -> {
                    used.add(node.connectionOfThisThread());
                    for (int round = 0; round < rounds; round++) {
                      byte[] value = (key + "=" + round).getBytes(StandardCharsets.US_ASCII);
                      CompletableFuture<MetaResponse> set = node.submit(set(key, value));
                      CompletableFuture<MetaResponse> read = node.submit(get(key));
                      assertThat(read.join().value()).as("round %d of %s", round, key).isEqualTo(value);
                      assertThat(set.join().is("HD")).isTrue();
                    }
                    return null;
                  }));
        }
        for (Future<?> thread : done) {
          thread.get(5, TimeUnit.MINUTES);
        }
        // Keeping to one connection is not all of them on one: four threads (consecutive ids, as a
        // new pool's threads have) spread over several.
        if (connectionsPerServer > 1) {
          assertThat(used.size()).as("connections the threads sent on").isGreaterThan(1);
        }
        long written = node.callerWriteCounts()[0];
        if (transport == Transport.NIO) {
          assertThat(written).as("writes made by callers").isPositive();
        } else {
          assertThat(written).isZero();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = Transport.class, names = {"NIO", "EPOLL"})
  void aServerKilledWhileThreadsWrite_answersOrFailsEveryCall_noneWaitsForItsTimeout(Transport transport) throws Exception {
    // The timeout is far beyond the test's wait: a call left in flight by the close (written by a
    // caller as the I/O thread closed the socket) would hang the test rather than time out.
    int threads = 4;
    CountDownLatch warmedUp = new CountDownLatch(threads * 200);
    try (MemcachedClient client =
        MemcachedClient.start(
            MemcachedConfig.builder().servers(MEMCACHED.address(0)).transport(transport).commandTimeout(Duration.ofMinutes(10)).build())) {
      ServerNode node = client.nodes().get(0);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<List<Throwable>>> failures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String key = "writes-" + transport + "-kill-" + t;
          failures.add(
              pool.submit(
                  () -> {
                    // Calls until ten in a row have failed: the server is gone and the node knows it.
                    List<Throwable> errors = new ArrayList<>();
                    int failedInARow = 0;
                    while (failedInARow < 10) {
                      Throwable error = node.submit(get(key)).handle((reply, failure) -> failure).join();
                      failedInARow = error == null ? 0 : failedInARow + 1;
                      if (error != null) {
                        errors.add(error instanceof CompletionException ? error.getCause() : error);
                      }
                      warmedUp.countDown();
                    }
                    return errors;
                  }));
        }
        assertThat(warmedUp.await(5, TimeUnit.MINUTES)).as("calls answered before the kill").isTrue();
        MEMCACHED.process(0).kill();
        for (Future<List<Throwable>> thread : failures) {
          // Each call ended (none is still waiting), and each failure says the server is down.
          assertThat(thread.get(5, TimeUnit.MINUTES)).allSatisfy(error -> assertThat(error).isInstanceOf(CacheUnavailableException.class));
        }
      } finally {
        pool.shutdownNow();
        MEMCACHED.process(0).restart();
      }
    }
  }
}
