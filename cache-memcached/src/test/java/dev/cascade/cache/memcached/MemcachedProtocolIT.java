package dev.cascade.cache.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memcached.internal.Commands;
import dev.cascade.cache.memcached.internal.MetaResponse;
import dev.cascade.cache.spi.Lease;
import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.testkit.MemcachedServerExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The meta-protocol features against a real server: leases, CAS, TTL rules, limits, stats. */
class MemcachedProtocolIT {
  @RegisterExtension static final MemcachedServerExtension MEMCACHED = MemcachedServerExtension.single();

  private final List<AutoCloseable> opened = new ArrayList<>();
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  private MemcachedTier tier() {
    MemcachedTier tier = MemcachedTier.create(
        MemcachedConfig.builder()
            .servers(MEMCACHED.addresses().toArray(String[]::new))
            // Generous: these tests are about behaviour, and the machine may be busy.
            .commandTimeout(Duration.ofSeconds(5))
            .build());
    opened.add(tier);
    return tier;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Asks the server itself about {@code key}: {@code mg <key> <flags>}. */
  private static MetaResponse inspect(MemcachedTier tier, String key, String flags) {
    byte[] wire = Commands.wireKey(key);
    return tier.store().client().nodeFor(wire).submit(Commands.mg(Commands.keyOf(wire), flags)).join();
  }

  // ---- key forms -----------------------------------------------------------------------------

  @Test
  void plainKey_goesRaw_andNamesTheSameItemAsItsBase64Form() {
    MemcachedTier tier = tier();
    String key = "forms-" + run + ":k:42";
    byte[] wire = Commands.wireKey(key);
    assertThat(Commands.keyOf(wire).base64()).isFalse();
    tier.put(key, bytes("raw-written"), null).join();

    Commands.Key asBase64 = new Commands.Key(Commands.encode(wire), true);
    MetaResponse found = tier.store().client().nodeFor(wire).submit(Commands.mg(asBase64, "v")).join();

    assertThat(found.is("VA")).isTrue();
    assertThat(found.value()).isEqualTo(bytes("raw-written"));
  }

  @Test
  void keyWithUnpairedSurrogate_isNotTheKeyWithAQuestionMark() {
    MemcachedTier tier = tier();
    String question = "forms-" + run + ":k:a?";
    String surrogate = "forms-" + run + ":k:a\uD800"; // what String.getBytes(UTF_8) would write as "a?"
    String lowFirst = "forms-" + run + ":k:a\uDC00";
    tier.put(question, bytes("question"), null).join();

    assertThat(tier.get(surrogate).join()).isNull();
    assertThat(tier.getAll(List.of(surrogate, question)).join()).containsOnlyKeys(question);
    tier.put(surrogate, bytes("surrogate"), null).join();
    tier.put(lowFirst, bytes("low"), null).join();
    assertThat(tier.get(question).join()).isEqualTo(bytes("question"));
    assertThat(tier.get(surrogate).join()).isEqualTo(bytes("surrogate"));
    assertThat(tier.get(lowFirst).join()).isEqualTo(bytes("low"));
    // the same key in raw values (other clients' layout), where a printable key goes as it is
    RemoteStore raw = tier.forLayout("forms-" + run + ":", true);
    raw.put("forms-" + run + ":r:a?", bytes("question"), null).join();
    assertThat(raw.get("forms-" + run + ":r:a\uD800").join()).isNull();
  }

  // ---- leases (the stampede contract itself runs in MemcachedStampedeIT) ----------------------

  @Test
  void tryAcquire_secondCaller_getsNoLeaseUntilReleased() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String key = "cascade:lease-" + run + ":k";

    Lease first = lock.tryAcquire(key, Duration.ofSeconds(10)).join();
    assertThat(first).isNotNull();
    assertThat(lock.tryAcquire(key, Duration.ofSeconds(10)).join()).isNull();
    assertThat(tier.get(key).join()).isNull(); // the placeholder is a miss, never a value

    lock.release(first).join();
    assertThat(lock.tryAcquire(key, Duration.ofSeconds(10)).join()).isNotNull();
  }

  @Test
  void lateWriter_whoseKeyWasInvalidatedMeanwhile_isRejectedByCas() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String key = "cascade:cas-" + run + ":k";
    Lease slow = lock.tryAcquire(key, Duration.ofSeconds(10)).join();
    assertThat(slow).isNotNull();

    lock.revoke(key).join(); // the row changed: the key is invalidated
    tier.put(key, bytes("new"), Duration.ofMinutes(1)).join(); // and a newer value lands

    assertThat(lock.publish(slow, bytes("old"), Duration.ofMinutes(1)).join()).isFalse();
    assertThat(tier.get(key).join()).isEqualTo(bytes("new"));
    lock.release(slow).join(); // a late release does not delete the newer value
    assertThat(tier.get(key).join()).isEqualTo(bytes("new"));
  }

  @Test
  void lateWriter_whoseKeyWasOnlyDeleted_isRejectedByCas() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String key = "cascade:cas-" + run + ":deleted";
    Lease slow = lock.tryAcquire(key, Duration.ofSeconds(10)).join();
    assertThat(slow).isNotNull();

    tier.delete(key).join();

    assertThat(lock.publish(slow, bytes("old"), null).join()).isFalse();
    assertThat(tier.get(key).join()).isNull();
  }

  @Test
  void publish_withLiveLease_writesAndReleaseKeepsTheValue() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String key = "cascade:cas-" + run + ":ok";
    Lease lease = lock.tryAcquire(key, Duration.ofSeconds(10)).join();

    assertThat(lock.publish(lease, bytes("fresh"), Duration.ofMinutes(1)).join()).isTrue();
    lock.release(lease).join();

    assertThat(tier.get(key).join()).isEqualTo(bytes("fresh"));
    assertThat(lock.tryAcquire(key, Duration.ofSeconds(10)).join()).isNull(); // a value is there
  }

  // ---- leases over a value kept for stale serving (the contract: MemcachedLeaseOverValueIT) ----

  @Test
  void tryAcquireOver_takesTheServersWin_andReleaseHandsItBack() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String key = "cascade:win-" + run + ":k";
    tier.put(key, bytes("stale"), Duration.ofMinutes(5)).join();

    Lease lease = lock.tryAcquireOver(key, bytes("stale"), Duration.ofSeconds(10)).join();

    assertThat(lease).isNotNull();
    assertThat(lease.isOverValue()).isTrue();
    assertThat(inspect(tier, key, "v").hasFlag('Z')).as("the server marks the win as sent").isTrue();
    lock.release(lease).join();
    MetaResponse after = inspect(tier, key, "c f t v");
    assertThat(after.hasFlag('Z')).as("the win was handed back").isFalse();
    assertThat(after.value()).isEqualTo(bytes("stale"));
    assertThat(after.longFlag('t', 0)).as("the value keeps its TTL").isBetween(290L, 300L);
  }

  @Test
  void tryAcquireOver_valueOfAnInvalidatedNamespace_isNotALiveValue_andGetsAPlainLease() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String namespace = "cascade:gen-" + run + ":";
    tier.put(namespace + "k", bytes("old-generation"), Duration.ofMinutes(5)).join();
    tier.deleteByPrefix(namespace).join(); // invalidateAll: the value is dead, though still stored

    Lease lease = lock.tryAcquireOver(namespace + "k", bytes("old-generation"), Duration.ofSeconds(10)).join();

    assertThat(lease).isNotNull();
    assertThat(lease.isOverValue()).as("a lease on an empty key: nothing to keep serving").isFalse();
    assertThat(lock.tryAcquireOver(namespace + "k", bytes("old-generation"), Duration.ofSeconds(10)).join()).isNull();
    assertThat(lock.tryAcquire(namespace + "k", Duration.ofSeconds(10)).join()).isNull();
    assertThat(tier.get(namespace + "k").join()).isNull();
    assertThat(lock.publish(lease, bytes("fresh"), Duration.ofMinutes(1)).join()).isTrue();
    assertThat(tier.get(namespace + "k").join()).isEqualTo(bytes("fresh"));
  }

  @Test
  void publish_underLeaseOverValue_afterInvalidateAll_staysInvisible() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String namespace = "cascade:genpub-" + run + ":";
    tier.put(namespace + "k", bytes("stale"), Duration.ofMinutes(5)).join();
    Lease lease = lock.tryAcquireOver(namespace + "k", bytes("stale"), Duration.ofSeconds(10)).join();
    assertThat(lease).isNotNull();

    tier.deleteByPrefix(namespace).join(); // invalidateAll while the holder loads

    assertThat(lock.publish(lease, bytes("loaded-before"), Duration.ofMinutes(1)).join()).isFalse();
    assertThat(tier.get(namespace + "k").join()).isNull();
  }

  @Test
  void tryAcquireOver_valueRewrittenSinceItWasRead_givesNoLease_andLeavesTheWinForTheNewValue() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String key = "cascade:moved-" + run + ":k";
    tier.put(key, bytes("stale"), Duration.ofMinutes(5)).join();
    byte[] read = tier.get(key).join();
    tier.put(key, bytes("newer"), Duration.ofMinutes(5)).join(); // another instance's refresh landed

    assertThat(lock.tryAcquireOver(key, read, Duration.ofSeconds(10)).join()).isNull();

    assertThat(tier.get(key).join()).isEqualTo(bytes("newer"));
    assertThat(lock.tryAcquireOver(key, bytes("newer"), Duration.ofSeconds(10)).join())
        .as("the next refresh of the newer value")
        .isNotNull();
  }

  @Test
  void invalidationDuringLoad_throughTheCache_isNotPublished() throws Exception {
    MemcachedTier tier = tier();
    Cache<String, String> loader =
        Cache.<String, String>builder("inv-" + run)
            .tier(tier)
            .valueCodec(StringCodec.create())
            .stampede(Stampede.distributed(MemcachedStampedeLock.create(tier)))
            .build();
    MemcachedTier otherTier = tier();
    Cache<String, String> other =
        Cache.<String, String>builder("inv-" + run)
            .tier(otherTier)
            .valueCodec(StringCodec.create())
            .stampede(Stampede.distributed(MemcachedStampedeLock.create(otherTier)))
            .build();
    opened.add(loader);
    opened.add(other);
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);

    CompletableFuture<String> call =
        CompletableFuture.supplyAsync(
            () ->
                loader.get(
                    "k",
                    key -> {
                      loading.countDown();
                      try {
                        release.await(30, TimeUnit.SECONDS);
                      } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                      }
                      return "read-before-update";
                    }));
    assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
    other.invalidate("k");
    release.countDown();

    assertThat(call.get(30, TimeUnit.SECONDS)).isEqualTo("read-before-update");
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void publish_underPlainLease_afterInvalidateAll_staysInvisible() {
    MemcachedTier tier = tier();
    MemcachedStampedeLock lock = MemcachedStampedeLock.create(tier);
    String namespace = "cascade:plainpub-" + run + ":";
    Lease lease = lock.tryAcquire(namespace + "k", Duration.ofSeconds(10)).join();
    assertThat(lease).isNotNull();

    tier.deleteByPrefix(namespace).join(); // invalidateAll while the holder loads

    assertThat(lock.publish(lease, bytes("loaded-before"), Duration.ofMinutes(1)).join()).isFalse();
    assertThat(tier.get(namespace + "k").join()).isNull();
    assertThat(lock.tryAcquire(namespace + "k", Duration.ofSeconds(10)).join())
        .as("the invisible value is no live value: the next load gets a lease")
        .isNotNull();
  }

  // ---- TTL ----------------------------------------------------------------------------------

  @Test
  void ttl_oneAndAHalfSeconds_isSentAsTwoAndExpires() {
    MemcachedTier tier = tier();
    String key = "cascade:ttl-" + run + ":short";
    tier.put(key, bytes("v"), Duration.ofMillis(1500)).join();

    long remaining = inspect(tier, key, "t").longFlag('t', -2);
    assertThat(remaining).isBetween(1L, 2L);
    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> tier.get(key).join() == null);
  }

  @Test
  void ttl_twentyNineDays_isRelative() {
    assertRemainingTtl(Duration.ofDays(29));
  }

  @Test
  void ttl_thirtyOneDays_isSentAsAbsoluteTimeAndHonoured() {
    assertRemainingTtl(Duration.ofDays(31));
  }

  @Test
  void ttl_oneYear_isSentAsAbsoluteTimeAndHonoured() {
    assertRemainingTtl(Duration.ofDays(365));
  }

  private void assertRemainingTtl(Duration ttl) {
    MemcachedTier tier = tier();
    String key = "cascade:ttl-" + run + ":" + ttl.toDays();
    tier.put(key, bytes("v"), ttl).join();

    long remaining = inspect(tier, key, "t").longFlag('t', -2);
    // Whole seconds rounded up, and the server's clock ticks once a second (its "now" lags up to a
    // second): the remaining time is the TTL within two seconds, never days off.
    assertThat(remaining).isBetween(ttl.toSeconds() - 2, ttl.toSeconds() + 2);
    assertThat(tier.get(key).join()).isEqualTo(bytes("v"));
  }

  @Test
  void ttl_twentyYears_endsPast2038_isClampedAndStoresAndReadsBack() {
    MemcachedTier tier = tier();
    String key = "cascade:ttl-" + run + ":twenty-years";
    tier.put(key, bytes("v"), Duration.ofDays(365 * 20)).join();

    assertThat(tier.get(key).join()).isEqualTo(bytes("v"));
    // memcached keeps it until early 2038 at most (a signed 32-bit Unix time): some years, not none
    assertThat(inspect(tier, key, "t").longFlag('t', -2)).isGreaterThan(Duration.ofDays(365).toSeconds());
  }

  @Test
  void getAndTouch_twentyYears_keepsTheValue() {
    MemcachedTier tier = tier();
    String key = "cascade:ttl-" + run + ":touch-twenty-years";
    tier.put(key, bytes("v"), Duration.ofMinutes(5)).join();

    assertThat(tier.getAndTouch(key, Duration.ofDays(365 * 20)).join()).isEqualTo(bytes("v"));
    assertThat(tier.get(key).join()).isEqualTo(bytes("v"));
    assertThat(inspect(tier, key, "t").longFlag('t', -2)).isGreaterThan(Duration.ofDays(365).toSeconds());
  }

  @Test
  void ttlFarPastAnyClock_isClampedToo() {
    MemcachedTier tier = tier();
    String key = "cascade:ttl-" + run + ":ten-thousand-years";
    tier.put(key, bytes("v"), Duration.ofDays(365L * 10_000)).join();

    assertThat(tier.get(key).join()).isEqualTo(bytes("v"));
  }

  @Test
  void noTtl_neverExpires() {
    MemcachedTier tier = tier();
    String key = "cascade:ttl-" + run + ":none";
    tier.put(key, bytes("v"), null).join();

    assertThat(inspect(tier, key, "t").longFlag('t', -2)).isEqualTo(-1);
  }

  // ---- limits, namespaces, stats ------------------------------------------------------------

  @Test
  void valueOverItemSizeLimit_isRejectedBeforeSending() {
    MemcachedTier tier = tier();
    String key = "cascade:big-" + run + ":k";
    tier.put("cascade:big-" + run + ":canary", bytes("alive"), null).join();
    byte[] tooBig = new byte[1024 * 1024];

    assertThatThrownBy(() -> tier.put(key, tooBig, null).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("item size limit");
    byte[] largest = new byte[tier.capabilities().maxValueBytes()];
    tier.put(key, largest, null).join();
    assertThat(tier.get(key).join()).hasSize(largest.length);
    assertThat(tier.get("cascade:big-" + run + ":canary").join()).isEqualTo(bytes("alive"));
  }

  @Test
  void deleteByPrefix_dropsOneNamespaceOnly() {
    MemcachedTier tier = tier();
    String users = "cascade:users-" + run + ":";
    String orders = "cascade:orders-" + run + ":";
    tier.put(users + "1", bytes("u"), null).join();
    tier.put(orders + "1", bytes("o"), null).join();

    tier.deleteByPrefix(users).join();

    assertThat(tier.get(users + "1").join()).isNull();
    assertThat(tier.get(orders + "1").join()).isEqualTo(bytes("o"));
    assertThat(tier.getAll(List.of(users + "1", orders + "1")).join()).containsOnlyKeys(orders + "1");
    // Another client sees the new version at once, and a new write is visible again.
    MemcachedTier other = tier();
    assertThat(other.get(users + "1").join()).isNull();
    other.put(users + "1", bytes("u2"), null).join();
    assertThat(tier.get(users + "1").join()).isEqualTo(bytes("u2"));
    // putIfAbsent treats the value of an old generation as absent.
    tier.deleteByPrefix(users).join();
    assertThat(other.putIfAbsent(users + "1", bytes("u3"), null).join()).isTrue();
    assertThat(other.putIfAbsent(users + "1", bytes("u4"), null).join()).isFalse();
    assertThat(tier.get(users + "1").join()).isEqualTo(bytes("u3"));
  }

  @Test
  void deleteByPrefix_otherThanANamespace_isRefused() {
    MemcachedTier tier = tier();

    assertThatThrownBy(() -> tier.deleteByPrefix("cascade:").join()).hasCauseInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tier.deleteByPrefix("cascade:users:1").join())
        .hasCauseInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void stats_reportHitsMissesAndItems() {
    MemcachedTier tier = tier();
    String key = "plain-" + run;
    tier.put(key, bytes("v"), null).join();
    tier.get(key).join();
    tier.get("absent-" + run).join();

    List<MemcachedServerStats> stats = tier.stats().join();

    assertThat(stats).hasSize(1);
    MemcachedServerStats server = stats.get(0);
    assertThat(server.up()).isTrue();
    assertThat(server.server()).isEqualTo(MEMCACHED.address(0));
    assertThat(server.getHits()).isPositive();
    assertThat(server.getMisses()).isPositive();
    assertThat(server.currItems()).isPositive();
    assertThat(server.bytes()).isPositive();
    assertThat(server.limitMaxBytes()).isEqualTo(64L * 1024 * 1024);
  }

  @Test
  void getAll_manyKeys_returnsExactlyThePresentOnes() {
    MemcachedTier tier = tier();
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      keys.add("cascade:multi-" + run + ":" + i);
      if (i % 2 == 0) {
        tier.put(keys.get(i), bytes("v" + i), null).join();
      }
    }

    Map<String, byte[]> found = tier.getAll(keys).join();

    assertThat(found).hasSize(50);
    found.forEach((key, value) -> assertThat(new String(value, StandardCharsets.UTF_8)).isEqualTo("v" + key.substring(key.lastIndexOf(':') + 1)));
  }
}
