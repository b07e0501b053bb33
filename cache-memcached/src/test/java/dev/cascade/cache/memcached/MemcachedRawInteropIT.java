package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CircuitState;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.TimedValue;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.rubyeye.xmemcached.MemcachedClient;
import net.rubyeye.xmemcached.XMemcachedClientBuilder;
import net.rubyeye.xmemcached.utils.AddrUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A raw cache on real memcached against the clients it shares keys with: xmemcached 2.4.9 and
 * spymemcached 2.12.3 (their default {@code SerializingTranscoder}s), and pymemcache's flags written
 * by hand over the text protocol. What one writes the other reads; values of another type (by their
 * client flags) or not decodable are counted misses that reload; what raw memcached refuses is
 * refused, saying so.
 */
class MemcachedRawInteropIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();
  @RegisterExtension static final MemcachedServerExtension POOL = MemcachedServerExtension.servers(3);

  private static MemcachedBackend backend;
  private static MemcachedClient xmemcached;
  private static net.spy.memcached.MemcachedClient spymemcached;

  private final List<Cache<?, ?>> caches = new ArrayList<>();

  record User(long id, String name) {}

  /** Would record its own loading if anything ever deserialized it. */
  static final class Gadget implements Serializable {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean LOADED = new AtomicBoolean();

    private void readObject(java.io.ObjectInputStream in) {
      LOADED.set(true);
    }
  }

  @BeforeAll
  static void clients() throws IOException {
    String address = MEMCACHED.addresses().get(0);
    backend =
        MemcachedBackend.create(
            MemcachedConfig.builder().servers(address).commandTimeout(Duration.ofSeconds(5)).build());
    xmemcached = new XMemcachedClientBuilder(AddrUtil.getAddresses(address)).build();
    spymemcached = new net.spy.memcached.MemcachedClient(socketAddress());
  }

  @AfterAll
  static void closeClients() throws IOException {
    xmemcached.shutdown();
    spymemcached.shutdown();
    backend.close();
  }

  @AfterEach
  void closeCaches() {
    caches.forEach(Cache::close);
    caches.clear();
  }

  private Cache<Long, User> users(String literal) {
    Cache<Long, User> cache =
        Cache.<Long, User>builder("users-" + literal.replace(":", ""))
            .tier(backend.tier())
            .valueCodec(JsonCodec.of(User.class))
            .keyCodec((Long id) -> Long.toString(id))
            .ttl(Duration.ofMinutes(5))
            .remoteLayout(r -> r.rawValues().keyTemplate(literal + "{key}"))
            .build();
    caches.add(cache);
    return cache;
  }

  private static String json(long id, String name) {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\"}";
  }

  // ---- foreign writes, Cascade reads -------------------------------------------------------

  @Test
  void get_jsonStringWrittenByXmemcached_readsAsEqualRecord() throws Exception {
    Cache<Long, User> users = users("xu:");
    assertThat(xmemcached.set("xu:42", 300, "{\"id\":42,\"name\":\"Ann\",\"extra\":true}")).isTrue();

    assertThat(users.get(42L, id -> new User(id, "loaded"))).isEqualTo(new User(42, "Ann"));

    assertThat(users.stats().hitCount()).isEqualTo(1);
    assertThat(users.stats().decodeFailureCount()).isZero();
  }

  @Test
  void get_jsonStringWrittenBySpymemcached_readsAsEqualRecord() throws Exception {
    Cache<Long, User> users = users("su:");
    assertThat(spymemcached.set("su:7", 300, json(7, "Bo")).get()).isTrue();

    assertThat(users.getIfPresent(7L)).isEqualTo(new User(7, "Bo"));
    assertThat(users.getAll(List.of(7L, 8L), missing -> Map.of(8L, new User(8, "loaded"))))
        .isEqualTo(Map.of(7L, new User(7, "Bo"), 8L, new User(8, "loaded")));
  }

  @Test
  void get_textWithPythonFlags16_readsAsText() throws Exception {
    Cache<Long, User> users = users("pu:");
    // what pymemcache's python_memcache_serializer writes for a str: its UTF-8 with FLAG_TEXT (16)
    assertThat(text("set pu:3 16 300 " + utf8(json(3, "Zoë")).length, utf8(json(3, "Zoë")))).isEqualTo("STORED");

    assertThat(users.getIfPresent(3L)).isEqualTo(new User(3, "Zoë"));
    assertThat(users.stats().decodeFailureCount()).isZero();
  }

  @Test
  void getWithTtl_foreignValue_reportsMemcachedsRemainingTtlWithinASecond() throws Exception {
    users("tu:");
    RemoteStore raw = backend.tier().forLayout("tu:", true);
    xmemcached.set("tu:a", 120, json(1, "a"));
    xmemcached.set("tu:forever", 0, json(2, "b"));

    TimedValue a = raw.getWithTtl("tu:a").join();
    Map<String, TimedValue> all = raw.getAllWithTtl(List.of("tu:a", "tu:forever", "tu:none")).join();

    // t120 or t119 on memcached's once-a-second clock: 119 to 120 s left, or 118 to 119 s; the lower bound
    assertThat(a.remaining()).isBetween(Duration.ofSeconds(118), Duration.ofSeconds(119));
    assertThat(a.foreign()).isFalse();
    assertThat(new String(a.value(), StandardCharsets.UTF_8)).isEqualTo(json(1, "a"));
    assertThat(all).containsOnlyKeys("tu:a", "tu:forever");
    assertThat(all.get("tu:forever").remaining()).isNull();
    assertThat(raw.getWithTtl("tu:none").join()).isNull();
  }

  @Test
  void getWithTtl_neverReportsMoreThanTheItemCanHaveLeft() {
    RemoteStore raw = backend.tier().forLayout("tl:", true);
    List<String> keys = List.of("tl:a", "tl:b", "tl:c");
    for (String key : keys) {
      raw.put(key, utf8(json(1, "a")), Duration.ofSeconds(120)).join();
      // Read at once: memcached says t120 until its clock's next tick, less than a second away,
      // after which the item has 119 ticks to live: it lives more than 119 s and at most 120 s.
      assertThat(raw.getWithTtl(key).join().remaining())
          .isLessThan(Duration.ofSeconds(120))
          .isGreaterThanOrEqualTo(Duration.ofSeconds(118));
    }
    assertThat(raw.getAllWithTtl(keys).join().values())
        .hasSize(3)
        .allSatisfy(timed -> assertThat(timed.remaining()).isLessThan(Duration.ofSeconds(120)));
  }

  @Test
  void get_keyOf240AsciiBytesWrittenByXmemcached_isFoundUnderTheSameName() throws Exception {
    Cache<String, User> cache =
        Cache.<String, User>builder("long")
            .tier(backend.tier())
            .valueCodec(JsonCodec.of(User.class))
            .keyCodec((String key) -> key)
            .remoteLayout(r -> r.rawValues().keyTemplate("lk:{key}"))
            .build();
    caches.add(cache);
    String key = "k".repeat(237); // "lk:" + 237 = 240 bytes: over 186, within memcached's 250
    xmemcached.set("lk:" + key, 300, json(5, "long"));

    assertThat(cache.getIfPresent(key)).isEqualTo(new User(5, "long"));
    cache.put(key, new User(6, "back"));
    assertThat((String) xmemcached.get("lk:" + key)).isEqualTo(json(6, "back"));
  }

  // ---- Cascade writes, foreign clients read ------------------------------------------------

  @Test
  void put_readsInXmemcachedAndSpymemcached_asEqualJsonString_flags0_ttlWithinASecond() throws Exception {
    Cache<Long, User> users = users("cu:");

    users.put(7L, new User(7, "Bo"), Duration.ofSeconds(300));
    users.putAll(Map.of(8L, new User(8, "Cy")));

    Object viaX = xmemcached.get("cu:7");
    Object viaSpy = spymemcached.get("cu:7");
    assertThat(viaX).isInstanceOf(String.class).isEqualTo(json(7, "Bo"));
    assertThat(viaSpy).isInstanceOf(String.class).isEqualTo(json(7, "Bo"));
    assertThat((String) spymemcached.get("cu:8")).isEqualTo(json(8, "Cy"));
    Map<Character, Long> meta = metaFlags("cu:7");
    assertThat(meta.get('f')).isZero();
    assertThat(meta.get('t')).isBetween(299L, 300L);
    assertThat(metaFlags("cu:8").get('t')).isBetween(299L, 300L); // the cache's ttl, 5 minutes
  }

  @Test
  void putIfAbsentAndDeletes_onRawKeys_touchTheItemsOtherClientsSee() throws Exception {
    users("du:");
    RemoteStore raw = backend.tier().forLayout("du:", true);
    xmemcached.set("du:1", 300, json(1, "x"));

    assertThat(raw.putIfAbsent("du:1", utf8(json(1, "y")), Duration.ofMinutes(1)).join()).isFalse();
    assertThat(raw.putIfAbsent("du:2", utf8(json(2, "y")), Duration.ofMinutes(1)).join()).isTrue();
    assertThat((String) xmemcached.get("du:2")).isEqualTo(json(2, "y"));
    assertThat(raw.deleteIfUnchanged("du:1", utf8("other")).join()).isFalse();
    assertThat(raw.deleteIfUnchanged("du:1", utf8(json(1, "x"))).join()).isTrue();
    raw.delete("du:2").join();

    assertThat((Object) xmemcached.get("du:1")).isNull();
    assertThat((Object) xmemcached.get("du:2")).isNull();
  }

  @Test
  void expireAfterAccess_readOfForeignValue_movesItsTtlOnTheServer() throws Exception {
    Cache<Long, User> users =
        Cache.<Long, User>builder("sliding")
            .tier(backend.tier())
            .valueCodec(JsonCodec.of(User.class))
            .keyCodec((Long id) -> Long.toString(id))
            .expireAfterAccess(Duration.ofSeconds(100))
            .remoteLayout(r -> r.rawValues().keyTemplate("slu:{key}"))
            .build();
    caches.add(users);
    xmemcached.set("slu:1", 10, json(1, "s"));

    assertThat(users.getIfPresent(1L)).isEqualTo(new User(1, "s"));
    assertThat(metaFlags("slu:1").get('t')).isBetween(99L, 100L);
  }

  // ---- values of another type or format ---------------------------------------------------

  @Test
  void hostileValuesUnderRawKeys_areCountedMissesThatReload_andNeverDeserialized() throws Exception {
    Cache<Long, User> users = users("hu:");
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(new Gadget());
    }
    xmemcached.set("hu:1", 300, new Gadget()); // Java serialization: flags 1
    xmemcached.set("hu:2", 300, utf8(json(2, "bytes"))); // a byte[] (flags 2048), even if it holds JSON
    xmemcached.set("hu:3", 300, 3); // an Integer: 4 binary bytes, flags 512
    spymemcached.set("hu:4", 300, Boolean.TRUE).get(); // "1", flags 256: JSON for a number, not a User
    xmemcached.set("hu:5", 300, "{\"id\":5,\"name\":\"" + "z".repeat(20_000) + "\"}"); // over 16 KB: compressed, flags 2
    text("set hu:6 1 300 " + serialized.size(), serialized.toByteArray()); // pickled-or-serialized by flag 1
    text("set hu:7 0 300 8", utf8("not json")); // text that is not JSON
    text("set hu:8 16 300 " + 20_000, utf8("[".repeat(10_000) + "]".repeat(10_000)));
    text("set hu:9 0 300 " + utf8("{\"@class\":\"" + Gadget.class.getName() + "\",\"id\":9,\"name\":\"x\"}").length,
        utf8("{\"@class\":\"" + Gadget.class.getName() + "\",\"id\":9,\"name\":\"x\"}"));
    text("set hu:10 0 300 0", new byte[0]);
    List<Long> keys = List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);

    for (long key : keys) {
      assertThat(users.getIfPresent(key)).as("key %d", key).isNull();
    }

    assertThat(Gadget.LOADED).isFalse();
    assertThat(users.stats().decodeFailureCount()).isEqualTo(keys.size());
    assertThat(users.stats().missCount()).isEqualTo(keys.size());
    for (long key : keys) {
      assertThat(metaFlags("hu:" + key)).as("deleted: key %d", key).isEmpty();
    }
    assertThat(users.get(2L, id -> new User(id, "fresh"))).isEqualTo(new User(2, "fresh"));
    assertThat((String) xmemcached.get("hu:2")).isEqualTo(json(2, "fresh"));
  }

  @Test
  void getAll_foreignAmongGoodValues_countsTheForeignOnesAndLoadsThemWithTheMissing() throws Exception {
    Cache<Long, User> users = users("gu:");
    xmemcached.set("gu:1", 300, json(1, "good"));
    xmemcached.set("gu:2", 300, utf8(json(2, "bytes"))); // flags 2048
    AtomicInteger loads = new AtomicInteger();
    List<Set<Long>> asked = new ArrayList<>();

    Map<Long, User> found =
        users.getAll(
            List.of(1L, 2L, 3L),
            missing -> {
              loads.incrementAndGet();
              asked.add(Set.copyOf(missing));
              Map<Long, User> loaded = new HashMap<>();
              missing.forEach(id -> loaded.put(id, new User(id, "loaded")));
              return loaded;
            });

    assertThat(found).isEqualTo(Map.of(1L, new User(1, "good"), 2L, new User(2, "loaded"), 3L, new User(3, "loaded")));
    assertThat(loads).hasValue(1);
    assertThat(asked).containsExactly(Set.of(2L, 3L));
    assertThat(users.stats().decodeFailureCount()).isEqualTo(1);
    assertThat((String) spymemcached.get("gu:2")).isEqualTo(json(2, "loaded"));
  }

  @Test
  void get_largeJsonObjectFromSpymemcached_isNotCompressed_andReads() throws Exception {
    Cache<Long, User> users = users("lu:");
    String name = "z".repeat(20_000);
    spymemcached.set("lu:1", 300, json(1, name)).get(); // spymemcached never compresses a JSON object string

    assertThat(metaFlags("lu:1").get('f')).isZero();
    assertThat(users.getIfPresent(1L)).isEqualTo(new User(1, name));
  }

  // ---- what raw memcached refuses ------------------------------------------------------------

  @Test
  void invalidateAll_rawCache_throwsUnsupported_keepsServerValues_breakerStaysClosed() throws Exception {
    Cache<Long, User> users =
        Cache.<Long, User>builder("layered")
            .inMemory(m -> m.maximumSize(100))
            .tier(backend.tier())
            .valueCodec(JsonCodec.of(User.class))
            .keyCodec((Long id) -> Long.toString(id))
            .ttl(Duration.ofMinutes(5))
            .remoteLayout(r -> r.rawValues().keyTemplate("iu:{key}"))
            .build();
    caches.add(users);
    users.put(1L, new User(1, "one"));

    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(users::invalidateAll)
          .isInstanceOf(UnsupportedOperationException.class)
          .hasMessageContaining("memcached cannot list")
          .hasMessageContaining("iu:");
    }
    assertThatThrownBy(() -> users.async().invalidateAll().join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(UnsupportedOperationException.class);

    assertThat((String) xmemcached.get("iu:1")).isEqualTo(json(1, "one"));
    assertThat(users.inspect().circuitState(1)).isEqualTo(CircuitState.CLOSED);
    xmemcached.set("iu:2", 300, json(2, "two"));
    assertThat(users.getIfPresent(2L)).isEqualTo(new User(2, "two")); // the remote tier is still read
    users.invalidateAll(List.of(1L, 2L)); // key by key works
    assertThat((Object) xmemcached.get("iu:1")).isNull();
    assertThat((Object) xmemcached.get("iu:2")).isNull();
  }

  @Test
  void tags_onRawMemcached_putWithTagsThrows_tagSetsRefusedAtBuild() {
    Cache<Long, User> users = users("tg:");

    assertThatThrownBy(() -> users.put(1L, new User(1, "t"), Duration.ofMinutes(1), "team:3"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> Cache.<Long, User>builder("tagsets")
                .tier(backend.tier())
                .valueCodec(JsonCodec.of(User.class))
                .remoteLayout(r -> r.rawValues().keyTemplate("ts:{key}").tagSets("tag:{tag}"))
                .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tagSets");
  }

  @Test
  void keyTemplateWithEnvelope_literalNotANamespace_isRefused_namespaceLiteralWorksWithInvalidateAll() {
    assertThatThrownBy(
            () -> Cache.<String, String>builder("env")
                .tier(backend.tier())
                .valueCodec(dev.cascade.cache.codec.StringCodec.create())
                .remoteLayout(r -> r.keyTemplate("env:{key}"))
                .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cache 'env'")
        .hasMessageContaining("<a>:<b>:");

    Cache<String, String> cache =
        Cache.<String, String>builder("env2")
            .tier(backend.tier())
            .valueCodec(dev.cascade.cache.codec.StringCodec.create())
            .remoteLayout(r -> r.keyTemplate("app:env:{key}"))
            .build();
    caches.add(cache);
    cache.put("k", "v");
    assertThat(cache.getIfPresent("k")).isEqualTo("v");
    cache.invalidateAll();
    assertThat(cache.getIfPresent("k")).isNull();
  }

  // ---- a pool ----------------------------------------------------------------------------------

  @Test
  void pool_rawKeysLiveOnTheirKetamaServerUnderTheirOwnName_foreignWritesThereAreRead() throws Exception {
    try (MemcachedBackend pool = MemcachedBackend.create(POOL.addresses().toArray(String[]::new))) {
      MemcachedTier tier = pool.tier();
      Cache<Long, User> users =
          Cache.<Long, User>builder("pooled")
              .tier(tier)
              .valueCodec(JsonCodec.of(User.class))
              .keyCodec((Long id) -> Long.toString(id))
              .ttl(Duration.ofMinutes(5))
              .remoteLayout(r -> r.rawValues().keyTemplate("pool:{key}"))
              .build();
      caches.add(users);
      Set<String> used = new java.util.HashSet<>();
      for (long id = 0; id < 30; id++) {
        users.put(id, new User(id, "n" + id));
        String owner = tier.serverFor("pool:" + id);
        used.add(owner);
        for (String server : POOL.addresses()) {
          Map<Character, Long> meta = metaFlags(server, "pool:" + id);
          assertThat(meta.isEmpty()).as("pool:%d on %s (owner %s)", id, server, owner).isEqualTo(!server.equals(owner));
        }
      }
      assertThat(used).hasSize(3);

      String owner = tier.serverFor("pool:100");
      assertThat(text(owner, "set pool:100 0 300 " + json(100, "py").length(), utf8(json(100, "py")))).isEqualTo("STORED");
      assertThat(users.getIfPresent(100L)).isEqualTo(new User(100, "py"));
    }
  }

  // ---- the text protocol, by hand ----------------------------------------------------------

  private static InetSocketAddress socketAddress() {
    String[] hostPort = MEMCACHED.addresses().get(0).split(":");
    return new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Sends {@code line} (and {@code data}, if any, as its data block); returns the first reply line. */
  private static String text(String line, byte[] data) throws IOException {
    return text(MEMCACHED.addresses().get(0), line, data);
  }

  /** {@link #text(String, byte[])} to the server at {@code address} ({@code host:port}). */
  private static String text(String address, String line, byte[] data) throws IOException {
    String[] hostPort = address.split(":");
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1])), 5_000);
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(utf8(line + "\r\n"));
      if (data != null) {
        out.write(data);
        out.write(utf8("\r\n"));
      }
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder reply = new StringBuilder();
      for (int b = in.read(); b != -1 && b != '\n'; b = in.read()) {
        if (b != '\r') {
          reply.append((char) b);
        }
      }
      return reply.toString();
    }
  }

  /** Returns the client flags ({@code f}) and seconds left ({@code t}) of {@code key}; empty if absent. */
  private static Map<Character, Long> metaFlags(String key) throws IOException {
    return metaFlags(MEMCACHED.addresses().get(0), key);
  }

  /** {@link #metaFlags(String)} on the server at {@code address}. */
  private static Map<Character, Long> metaFlags(String address, String key) throws IOException {
    String reply = text(address, "mg " + key + " f t", null);
    Map<Character, Long> flags = new HashMap<>();
    if (reply.startsWith("HD")) {
      for (String token : reply.substring(2).trim().split(" ")) {
        flags.put(token.charAt(0), Long.parseLong(token.substring(1)));
      }
    } else {
      assertThat(reply).isEqualTo("EN");
    }
    return flags;
  }
}
