package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One backend per service instance: 20 layered caches on one {@link MemcachedBackend} open the
 * documented number of connections, counted by the servers themselves ({@code stats}
 * {@code curr_connections}, read over a raw socket of the test's own), and closing the backend gives
 * them all back.
 */
class MemcachedBackendIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.servers(2);

  private static final int CACHES = 20;
  private static final int CONNECTIONS_PER_SERVER = 2;

  /**
   * One probe per server for the whole class: a probe closed by one test and opened again by the
   * next would still be counted by a server that has not yet seen the close, and the next test's
   * baseline would be one too high.
   */
  private static final List<ConnectionProbe> probes = new ArrayList<>();

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private List<Long> before;

  @BeforeAll
  static void openProbes() throws IOException {
    for (String address : MEMCACHED.addresses()) {
      probes.add(new ConnectionProbe(address));
    }
  }

  @AfterAll
  static void closeProbes() throws IOException {
    for (ConnectionProbe probe : probes) {
      probe.close();
    }
    probes.clear();
  }

  @BeforeEach
  void countConnectionsBefore() {
    // Every test waits for its own connections to be given back, so this is the servers at rest:
    // the listening socket(s) and the probes.
    before = counts();
  }

  private static MemcachedConfig config() {
    return MemcachedConfig.builder()
        .servers(MEMCACHED.addresses().toArray(String[]::new))
        .connectionsPerServer(CONNECTIONS_PER_SERVER)
        // Generous: these tests are about behaviour, and the machine may be busy.
        .commandTimeout(Duration.ofSeconds(5))
        .build();
  }

  private static List<Long> counts() {
    List<Long> counts = new ArrayList<>();
    for (ConnectionProbe probe : probes) {
      counts.add(probe.currConnections());
    }
    return counts;
  }

  /** Waits for the servers to have closed every connection opened since {@link #before} was read. */
  private void awaitConnectionsAsBefore() {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counts()).isEqualTo(before));
  }

  private List<Long> beforePlus(long each) {
    return before.stream().map(count -> count + each).toList();
  }

  @Test
  void twentyLayeredCaches_openConnectionCountConnections_andCloseGivesThemBack() {
    MemcachedBackend backend = MemcachedBackend.create(config());
    List<Cache<String, String>> caches = new ArrayList<>();
    for (int i = 0; i < CACHES; i++) {
      caches.add(
          Cache.<String, String>builder("conn-" + run + "-" + i)
              .inMemory(m -> m.maximumSize(1_000))
              .tier(backend.tier())
              .valueCodec(StringCodec.create())
              .stampede(Stampede.distributed(backend.stampedeLock()))
              .build());
    }

    // Every path: loads under leases, writes, bulk reads, tags, invalidateAll, enough calls that
    // both servers and both connections to each (used in turn) carry some.
    List<String> keys = new ArrayList<>();
    for (int k = 0; k < 20; k++) {
      keys.add("k" + k);
    }
    for (Cache<String, String> cache : caches) {
      for (String key : keys) {
        assertThat(cache.get(key, missing -> "v-" + missing)).isEqualTo("v-" + key);
      }
      cache.put("tagged", "t", Duration.ofMinutes(1), "tag");
      cache.invalidateTag("tag");
      cache.invalidateAll();
      assertThat(cache.getAll(keys, missing -> Map.of())).isEmpty();
    }
    assertThat(backend.stats().join()).hasSize(2).allMatch(MemcachedServerStats::up);

    assertThat(backend.connectionCount()).isEqualTo(CONNECTIONS_PER_SERVER * MEMCACHED.size());
    assertThat(counts()).isEqualTo(beforePlus(CONNECTIONS_PER_SERVER));

    caches.forEach(Cache::close);
    backend.close();

    awaitConnectionsAsBefore();
  }

  @Test
  void storeAndLock_afterBackendClose_failWithIllegalStateException() {
    MemcachedBackend backend = MemcachedBackend.create(config());
    MemcachedTier tier = backend.tier();
    MemcachedStampedeLock lock = backend.stampedeLock();
    String key = "cascade:closed-" + run + ":k";
    tier.put(key, "v".getBytes(StandardCharsets.UTF_8), null).join();

    backend.close();
    backend.close(); // idempotent

    assertFailsClosed(() -> tier.get(key));
    assertFailsClosed(() -> tier.getAll(List.of(key, "cascade:closed-" + run + ":other")));
    assertFailsClosed(() -> tier.put(key, new byte[] {1}, null));
    assertFailsClosed(() -> tier.deleteByPrefix("cascade:closed-" + run + ":"));
    assertFailsClosed(() -> lock.tryAcquire(key, Duration.ofSeconds(5)));
    assertFailsClosed(backend::stats);
    assertThatThrownBy(backend::tier).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    awaitConnectionsAsBefore();
  }

  @Test
  void tierOfBackend_close_leavesTheConnectionsToTheBackend() {
    try (MemcachedBackend backend = MemcachedBackend.create(config())) {
      String key = "cascade:shared-" + run + ":k";
      MemcachedTier first = backend.tier();
      first.close();

      MemcachedTier second = backend.tier();
      second.put(key, "v".getBytes(StandardCharsets.UTF_8), null).join();

      assertThat(first.get(key).join()).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
      assertThat(counts()).isEqualTo(beforePlus(CONNECTIONS_PER_SERVER));
    }
    awaitConnectionsAsBefore();
  }

  @Test
  void tierCreatedAlone_opensABackendOfItsOwn_andItsCloseClosesIt() {
    MemcachedTier tier = MemcachedTier.create(config());
    // the connections open in the background: wait until the servers count them, exactly
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(counts()).isEqualTo(beforePlus(CONNECTIONS_PER_SERVER)));

    tier.close();

    awaitConnectionsAsBefore();
    assertFailsClosed(() -> tier.get("cascade:alone-" + run + ":k"));
  }

  private static void assertFailsClosed(Supplier<CompletableFuture<?>> call) {
    ThrowingCallable join = () -> call.get().join();
    assertThatThrownBy(join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  /** A raw connection of the test's own that asks a server for {@code curr_connections}. */
  private static final class ConnectionProbe implements AutoCloseable {
    private final Socket socket = new Socket();
    private final BufferedReader in;
    private final OutputStream out;

    ConnectionProbe(String address) throws IOException {
      int colon = address.lastIndexOf(':');
      socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))), 2_000);
      socket.setSoTimeout(5_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      out = socket.getOutputStream();
    }

    long currConnections() {
      try {
        out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        long count = -1;
        for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
          if (line.startsWith("STAT curr_connections ")) {
            count = Long.parseLong(line.substring("STAT curr_connections ".length()).trim());
          }
        }
        return count;
      } catch (IOException e) {
        throw new AssertionError("stats from the server failed", e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
