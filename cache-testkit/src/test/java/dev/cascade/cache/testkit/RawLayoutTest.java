package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.Cache;
import dev.cascade.cache.Cached;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.memory.InMemoryRemoteStore;
import dev.cascade.cache.memory.InMemoryStampedeLock;
import dev.cascade.cache.spi.RemoteStore;
import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Raw values and key templates ({@code RemoteLayout}) on the in-memory store: the bytes and keys
 * other programs see, hostile values, and the configurations {@code build()} refuses.
 */
class RawLayoutTest {
  private final FakeTicker ticker = new FakeTicker();
  private final InMemoryRemoteStore store = InMemoryRemoteStore.create(ticker);

  record User(long id, String name) {}

  private Cache<String, User> users() {
    return Cache.<String, User>builder("users")
        .tier(store)
        .valueCodec(JsonCodec.of(User.class))
        .ttl(Duration.ofMinutes(5))
        .ticker(ticker)
        .remoteLayout(r -> r.rawValues().keyTemplate("user:{key}"))
        .build();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void put_rawTemplate_storesPlainJsonUnderTemplateKeyWithTtl() {
    users().put("42", new User(42, "Ann"));

    assertThat(store.keys()).containsExactly("user:42");
    assertThat(new String(store.getNow("user:42"), StandardCharsets.UTF_8)).isEqualTo("{\"id\":42,\"name\":\"Ann\"}");
    assertThat(store.remainingTtl("user:42")).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void get_plainJsonWrittenByAnotherProgram_isAHit() {
    store.putNow("user:7", utf8("{\"name\": \"Bob\", \"id\": 7, \"extra\": [1, 2]}"), Duration.ofSeconds(30));

    assertThat(users().getIfPresent("7")).isEqualTo(new User(7, "Bob"));
  }

  @Test
  void envelopeWithTemplate_keepsEnvelopeUnderTemplateKey() {
    Cache<String, String> cache =
        Cache.<String, String>builder("spring")
            .tier(store)
            .valueCodec(StringCodec.create())
            .remoteLayout(r -> r.keyTemplate("users::{key}"))
            .build();
    cache.put("k", "v", Duration.ofMinutes(1), "t");

    assertThat(store.getNow("users::k")[0]).isEqualTo((byte) 0xCA);
    assertThat(cache.getIfPresent("k")).isEqualTo("v");
    cache.invalidateTag("t");
    assertThat(cache.getIfPresent("k")).isNull();
  }

  @Test
  void hostileRawValues_areCountedMissesThatReload() throws Exception {
    Cache<String, User> cache = users();
    ByteArrayOutputStream serialized = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(serialized)) {
      out.writeObject(new ArrayList<>(List.of("gadget")));
    }
    Map<String, byte[]> hostile = new LinkedHashMap<>();
    hostile.put("java", serialized.toByteArray());
    hostile.put("typed", utf8("{\"@class\":\"java.lang.Runtime\",\"id\":1,\"name\":\"x\"}"));
    hostile.put("shape", utf8("[1, 2, 3]"));
    hostile.put("wrongtype", utf8("{\"id\":\"not a number\",\"name\":\"x\"}"));
    hostile.put("jsonnull", utf8("null"));
    hostile.put("empty", new byte[0]);
    hostile.put("utf8", new byte[] {(byte) 0xC3, (byte) 0x28});
    hostile.put("truncated", utf8("{\"id\":1,\"na"));
    hostile.put("deep", utf8("[".repeat(10_000) + "]".repeat(10_000)));
    hostile.put("envelope", new byte[] {(byte) 0xCA, 1, 0, 0, 0});
    hostile.forEach((key, bytes) -> store.putNow("user:" + key, bytes, null));

    for (String key : hostile.keySet()) {
      assertThat(cache.getIfPresent(key)).as(key).isNull();
    }

    assertThat(cache.stats().decodeFailureCount()).isEqualTo(hostile.size());
    assertThat(cache.stats().missCount()).isEqualTo(hostile.size());
    assertThat(store.keys()).isEmpty();
    store.putNow("user:shape", utf8("[1]"), null);
    assertThat(cache.get("shape", key -> new User(1, "fresh"))).isEqualTo(new User(1, "fresh"));
    assertThat(new String(store.getNow("user:shape"), StandardCharsets.UTF_8)).isEqualTo("{\"id\":1,\"name\":\"fresh\"}");
  }

  @Test
  void nullMarker_cachesAbsenceAsTheMarkerBytes() {
    Cache<String, User> cache =
        Cache.<String, User>builder("users")
            .tier(store)
            .valueCodec(JsonCodec.of(User.class))
            .ttl(Duration.ofMinutes(5))
            .nullTtl(Duration.ofSeconds(30))
            .ticker(ticker)
            .remoteLayout(r -> r.rawValues().keyTemplate("user:{key}").nullMarker(utf8("null")))
            .build();

    assertThat(cache.get("9", key -> null)).isNull();

    assertThat(store.getNow("user:9")).isEqualTo(utf8("null"));
    assertThat(store.remainingTtl("user:9")).isEqualTo(Duration.ofSeconds(30));
    Cached<User> found = cache.lookup("9");
    assertThat(found).isNotNull();
    assertThat(found.isNull()).isTrue();
    assertThat(cache.stats().decodeFailureCount()).isZero();
  }

  @Test
  void put_rawWithTagsButNoTagSets_throwsNamingTheTags() {
    Cache<String, User> cache = users();

    assertThatThrownBy(() -> cache.put("1", new User(1, "a"), Duration.ofMinutes(1), "team:3"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("team:3")
        .hasMessageContaining("tagSets");
    assertThat(store.keys()).isEmpty();
  }

  /**
   * A tag set whose first member had a TTL outlives a member without one that joined it later, so
   * that invalidating the tag still reaches that member.
   */
  @Test
  void tagSets_memberWithoutTtl_keepsItsSetAlive_soTheTagStillReachesIt() {
    Cache<String, String> cache =
        Cache.<String, String>builder("plain")
            .tier(store)
            .valueCodec(StringCodec.create())
            .ticker(ticker)
            .remoteLayout(r -> r.rawValues().keyTemplate("plain:{key}").tagSets("pset:{tag}"))
            .build();
    cache.put("timed", "1", Duration.ofMinutes(1), "t");
    cache.put("forever", "2", java.util.Set.of("t"));
    ticker.advance(Duration.ofMinutes(10)); // past the first member's TTL and its set's

    cache.invalidateTag("t");

    assertThat(store.keys()).doesNotContain("plain:forever");
    cache.close();
  }

  @Test
  void invalidateAll_template_deletesOnlyKeysUnderItsLiteral() {
    Cache<String, User> cache = users();
    cache.put("1", new User(1, "a"));
    store.putNow("user:2", utf8("{\"id\":2,\"name\":\"b\"}"), null);
    store.putNow("users:1", utf8("x"), null);
    store.putNow("user", utf8("x"), null);
    store.putNow("cascade:user:1", utf8("x"), null);

    cache.invalidateAll();

    assertThat(store.keys()).containsExactlyInAnyOrder("users:1", "user", "cascade:user:1");
  }

  @Test
  void keyTemplate_badTemplates_areRefusedNamingThem() {
    for (String bad : List.of("{key}", "user:", "{key}:user", "a{key}b{key}", "user :{key}")) {
      assertThatThrownBy(() -> Cache.builder("c").remoteLayout(r -> r.keyTemplate(bad)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
    }
  }

  @Test
  void build_templateOverlappingAnotherLiveCache_isRefused_untilThatCacheCloses() {
    Cache<String, User> first = users();

    for (String overlapping : List.of("user:admin:{key}", "use{key}")) {
      assertThatThrownBy(
              () ->
                  Cache.<String, User>builder("admins")
                      .tier(store)
                      .valueCodec(JsonCodec.of(User.class))
                      .remoteLayout(r -> r.rawValues().keyTemplate(overlapping))
                      .build())
          .as(overlapping)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("invalidateAll()");
    }
    users().close(); // a second instance of the same cache is allowed, and its close releases only its own claim
    assertThatThrownBy(() -> Cache.<String, String>builder("x").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.keyTemplate("user:a:{key}")).build())
        .isInstanceOf(IllegalStateException.class);

    first.close();
    Cache<String, String> admins =
        Cache.<String, String>builder("admins").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.keyTemplate("user:admin:{key}")).build();
    assertThat(admins.getIfPresent("k")).isNull();
  }

  /**
   * Another cache whose keys would fall under a live cache's tag-set literal is refused: its
   * invalidateAll() would delete that cache's tag sets, and an invalidation of their tags would then
   * miss their members. Caches that share a tag-set literal are allowed (no invalidateAll() deletes
   * tag sets).
   */
  @Test
  void build_templateOverlappingAnotherLiveCachesTagSets_isRefused_untilThatCacheCloses() {
    Cache<String, String> tagged =
        Cache.<String, String>builder("tagged").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues().keyTemplate("c:{key}").tagSets("tag:{tag}")).build();

    for (String overlapping : List.of("tag:{key}", "tag:x:{key}", "ta{key}")) {
      assertThatThrownBy(
              () -> Cache.<String, String>builder("other").tier(store).valueCodec(StringCodec.create())
                  .remoteLayout(r -> r.rawValues().keyTemplate(overlapping)).build())
          .as(overlapping)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("tag sets")
          .hasMessageContaining("invalidateAll()");
    }
    Cache<String, String> sharingTheSets =
        Cache.<String, String>builder("sharing").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues().keyTemplate("d:{key}").tagSets("tag:{tag}")).build();
    sharingTheSets.close();

    tagged.close();
    Cache<String, String> other =
        Cache.<String, String>builder("other").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues().keyTemplate("tag:{key}")).build();
    assertThat(other.getIfPresent("k")).isNull();
  }

  @Test
  void build_templateInsideTheDefaultLayoutsKeys_isRefused() {
    for (String template : List.of("cascade:{key}", "cascade:users:{key}", "cas{key}")) {
      assertThatThrownBy(
              () -> Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create())
                  .remoteLayout(r -> r.keyTemplate(template)).build())
          .as(template)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("default layout");
    }
    assertThatThrownBy(
            () -> Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create()).keyPrefix("svc")
                .remoteLayout(r -> r.keyTemplate("svc:x:{key}")).build())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void build_rawWithWhatItCannotHonour_isRefusedNamingIt() {
    assertRefused(b -> b.nullTtl(Duration.ofSeconds(1)), "nullMarker");
    assertRefused(b -> b.ttl(Duration.ofMinutes(1)).earlyRefresh(1), "early refresh");
    assertRefused(b -> b.ttl(Duration.ofMinutes(1)).staleWhileRevalidate(Duration.ofSeconds(5)), "staleWhileRevalidate");
    assertRefused(b -> b.ttl(Duration.ofMinutes(1)).staleIfError(Duration.ofSeconds(5)), "staleIfError");
    assertRefused(b -> b.stampede(Stampede.distributed(InMemoryStampedeLock.create(store, ticker))), "stampede");
  }

  @Test
  void build_layoutOptionsThatNeedOthers_areRefused() {
    RemoteStore withoutSets = new FlakyRemoteStore(store); // a RemoteStore that is no TagSetStore
    assertThatThrownBy(() -> Cache.<String, String>builder("c").tier(withoutSets).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues().keyTemplate("c:{key}").tagSets("tag:{tag}")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("sets");
    assertThatThrownBy(() -> Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.keyTemplate("c:{key}").tagSets("tag:{tag}")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs rawValues()");
    assertThatThrownBy(() -> Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues().keyTemplate("tag:{key}").tagSets("tag:{tag}")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("overlap");
    assertThatThrownBy(() -> Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create())
            .expireAfterAccess(Duration.ofMinutes(5))
            .remoteLayout(r -> r.rawValues().keyTemplate("c:{key}").tagSets("tag:{tag}")).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("tagSets")
        .hasMessageContaining("expireAfterAccess");
    assertThatThrownBy(() -> Cache.<String, String>builder("c").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.keyTemplate("c:{key}").nullMarker(utf8("null"))).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rawValues");
    assertThatThrownBy(() -> Cache.<String, String>builder("c").inMemory(m -> m.maximumSize(10))
            .remoteLayout(r -> r.rawValues()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no remote tier");
    assertThatThrownBy(() -> Cache.builder("c").remoteLayout(r -> r.rawValues().rawValues()))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> Cache.builder("c").remoteLayout(r -> r.nullMarker(new byte[0])))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rawWithoutTemplate_usesTheDefaultKeys() {
    Cache<String, String> cache =
        Cache.<String, String>builder("plain").tier(store).valueCodec(StringCodec.create())
            .remoteLayout(r -> r.rawValues()).build();
    cache.put("k", "v");

    assertThat(store.getNow("cascade:plain:k")).isEqualTo(utf8("v"));
    assertThat(cache.getIfPresent("k")).isEqualTo("v");
  }

  @Test
  void layeredRaw_l1CopyLivesAtMostTheInMemoryTtl() {
    Cache<String, User> cache =
        Cache.<String, User>builder("users")
            .inMemory(m -> m.maximumSize(100).ttl(Duration.ofSeconds(10)))
            .tier(store)
            .valueCodec(JsonCodec.of(User.class))
            .ttl(Duration.ofMinutes(5))
            .ticker(ticker)
            .remoteLayout(r -> r.rawValues().keyTemplate("user:{key}"))
            .build();
    store.putNow("user:1", utf8("{\"id\":1,\"name\":\"a\"}"), null);
    assertThat(cache.getIfPresent("1")).isEqualTo(new User(1, "a"));

    store.delete("user:1"); // another program deletes it behind the cache's back
    assertThat(cache.getIfPresent("1")).isEqualTo(new User(1, "a")); // the in-process copy, within its bound
    ticker.advance(Duration.ofSeconds(11));

    assertThat(cache.getIfPresent("1")).isNull();
  }

  @Test
  void tagSets_invalidateTagByAnotherProgram_reachesL2AtOnce_andL1WithinItsBound_ownInvalidationDropsL1() {
    Cache<String, User> cache =
        Cache.<String, User>builder("users")
            .inMemory(m -> m.maximumSize(100).ttl(Duration.ofSeconds(10)))
            .tier(store)
            .valueCodec(JsonCodec.of(User.class))
            .ttl(Duration.ofMinutes(5))
            .ticker(ticker)
            .remoteLayout(r -> r.rawValues().keyTemplate("user:{key}").tagSets("tag:{tag}"))
            .build();
    cache.put("1", new User(1, "a"), Duration.ofMinutes(1), "team");
    store.putNow("user:2", utf8("{\"id\":2,\"name\":\"b\"}"), null); // written by another program...
    store.putTagged("user:2", utf8("{\"id\":2,\"name\":\"b\"}"), null, List.of("tag:team"), null); // ...with its tag
    assertThat(store.tagSetMembers("tag:team")).containsExactly("user:1", "user:2");
    assertThat(store.remainingTtl("user:1")).isEqualTo(Duration.ofMinutes(1));
    assertThat(cache.getIfPresent("2")).isEqualTo(new User(2, "b")); // an L1 copy that does not know its tag

    cache.invalidateTag("team");

    assertThat(store.keys()).isEmpty();
    assertThat(store.tagSetMembers("tag:team")).isEmpty();
    assertThat(cache.getIfPresent("1")).isNull();
    assertThat(cache.getIfPresent("2")).isNull();
  }

  @Test
  void layeredRaw_l1CopyNeverOutlivesTheStoresTtl() {
    Cache<String, User> cache =
        Cache.<String, User>builder("users")
            .inMemory(m -> m.maximumSize(100))
            .tier(store)
            .valueCodec(JsonCodec.of(User.class))
            .ttl(Duration.ofMinutes(5))
            .ticker(ticker)
            .remoteLayout(r -> r.rawValues().keyTemplate("user:{key}"))
            .build();
    store.putNow("user:1", utf8("{\"id\":1,\"name\":\"a\"}"), Duration.ofSeconds(5)); // another program's TTL
    assertThat(cache.getIfPresent("1")).isEqualTo(new User(1, "a"));
    store.putNow("user:1", utf8("{\"id\":1,\"name\":\"b\"}"), Duration.ofMinutes(5)); // rewritten behind the L1's back

    ticker.advance(Duration.ofSeconds(5));

    assertThat(cache.getIfPresent("1")).isEqualTo(new User(1, "b")); // the L1 copy expired with the server's
  }

  private void assertRefused(java.util.function.Consumer<dev.cascade.cache.CacheBuilder<String, User>> option, String named) {
    dev.cascade.cache.CacheBuilder<String, User> builder =
        Cache.<String, User>builder("c").tier(store).valueCodec(JsonCodec.of(User.class)).ticker(ticker)
            .remoteLayout(r -> r.rawValues().keyTemplate("c:{key}"));
    option.accept(builder);
    assertThatThrownBy(builder::build).as(named).isInstanceOf(IllegalStateException.class).hasMessageContaining(named);
  }
}
