package dev.cascade.cache;

import dev.cascade.cache.spi.RemoteStore;
import dev.cascade.cache.spi.TagSetStore;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How a cache lays its entries out in remote stores, set in {@link CacheBuilder#remoteLayout}: for
 * sharing a cache with services in other languages or frameworks. The default (nothing set) is
 * Cascade's own layout: every value in the envelope of docs/wire-format.md under {@code
 * <prefix>:<cache>:<key>}, tags as tag versions.
 *
 * <pre>{@code
 * // what a Python service writes with r.setex(f"user:{id}", ttl, json.dumps(user))
 * builder.remoteLayout(r -> r.rawValues().keyTemplate("user:{key}").tagSets("tag:{tag}"))
 * }</pre>
 *
 * <ul>
 *   <li>{@link #rawValues()}: values are the codec's bytes with no envelope, and their TTL is the
 *       server's. What this costs is listed there; {@link CacheBuilder#build()} refuses the options
 *       a raw cache cannot honour.
 *   <li>{@link #keyTemplate(String)}: remote keys are {@code <literal>{key}}, where {@code {key}} is
 *       the key codec's string; {@code invalidateAll()} deletes every key starting with the literal.
 *   <li>{@link #tagSets(String)}: tags are sets of member keys, the layout of common hand-written
 *       caches (needs a {@link TagSetStore}, which Redis standalone and Sentinel stores are).
 * </ul>
 *
 * <p>Mutable and not thread-safe; each option may be set once (a second call throws {@link
 * IllegalStateException}), a bad value throws {@link IllegalArgumentException} naming it.
 */
public final class RemoteLayout {
  /** The placeholder of the key in {@link #keyTemplate(String)}. */
  public static final String KEY = "{key}";
  /** The placeholder of the tag in {@link #tagSets(String)}. */
  public static final String TAG = "{tag}";

  private boolean raw;
  private byte @Nullable [] nullMarker;
  private @Nullable String keyLiteral;
  private @Nullable String tagLiteral;

  RemoteLayout() {}

  /**
   * Stores values as the value codec's bytes, with no envelope ({@code JsonCodec}: plain JSON, as
   * {@code json.dumps} or {@code JSON.stringify} write it; {@code StringCodec}: UTF-8;
   * {@code BytesCodec}: the bytes), and each entry's TTL as the server's TTL only. Other programs can
   * then read and write the same keys. What a raw cache gives up, since nothing is stored beside the
   * value:
   *
   * <ul>
   *   <li>Cached absences ({@link CacheBuilder#nullTtl}) need a {@link #nullMarker}; without one,
   *       {@code build()} refuses {@code nullTtl}.
   *   <li>Early refresh, stale-while-revalidate and stale-if-error need the logical expiry and load
   *       time of the envelope: {@code build()} refuses them.
   *   <li>The distributed stampede lease writes a marker under the entry's key, which other programs
   *       would read as a value: {@code build()} refuses {@link Stampede#distributed}.
   *   <li>Tags: tag versions are recorded in the envelope, so a raw cache tracks tags only with
   *       {@link #tagSets}; without it a put with tags throws {@link IllegalArgumentException}.
   *   <li>Reads fetch the value's remaining TTL with it ({@link RemoteStore#getWithTtl}; Redis: one
   *       script of {@code GET} and {@code PTTL}; Memcached: {@code mg <key> v f t}, whole seconds), so
   *       an in-process copy never outlives the server's copy; it lives at most the shorter of that, the cache's {@code ttl} (or {@code nullTtl})
   *       and the in-process tier's own bound. A store that cannot tell the remaining TTL bounds
   *       copies by the cache's TTL alone.
   *   <li>A value that does not decode (another program's format, a truncated write), or that the
   *       store knows to be of another type (Memcached: client flags other than text's 0 or 16), is a
   *       counted miss: it is deleted and the loader runs, as in the default layout.
   *   <li>On Memcached, which cannot list keys and keeps the default layout's namespace version in
   *       client flags that other clients own here, {@code invalidateAll()} throws {@link
   *       UnsupportedOperationException}; Memcached values are written with client flags 0, as
   *       spymemcached, xmemcached and pymemcache write a string (docs/interop.md).
   * </ul>
   *
   * @throws IllegalStateException if already set
   */
  public RemoteLayout rawValues() {
    if (raw) {
      throw new IllegalStateException("rawValues was already set");
    }
    raw = true;
    return this;
  }

  /**
   * In a raw cache, the bytes that stand for a cached absence: a value equal to them reads as one,
   * and a loader's {@code null} (with {@link CacheBuilder#nullTtl}) is written as them. For JSON,
   * {@code "null".getBytes(UTF_8)} is what {@code json.dumps(None)} writes; the codec itself never
   * produces a value equal to the marker, or that value would read as an absence.
   *
   * @throws IllegalArgumentException if {@code marker} is empty
   * @throws IllegalStateException if already set
   */
  public RemoteLayout nullMarker(byte[] marker) {
    Objects.requireNonNull(marker, "marker");
    if (nullMarker != null) {
      throw new IllegalStateException("nullMarker was already set to " + Arrays.toString(nullMarker));
    }
    if (marker.length == 0) {
      throw new IllegalArgumentException("nullMarker must not be empty");
    }
    nullMarker = marker.clone();
    return this;
  }

  /**
   * Names remote keys by {@code template} instead of {@code <prefix>:<cache>:<key>}: {@code {key}}
   * is replaced by the key codec's string (so {@code user:{key}} with String keys, or with {@code
   * keyCodec(id -> Long.toString(id))}, gives {@code user:42}). The placeholder must come once and
   * last: everything before it is the cache's literal, and every key starting with the literal
   * belongs to the cache, which {@code invalidateAll()} deletes (Redis: {@code SCAN MATCH
   * <literal>*} with glob characters escaped; Memcached refuses it for raw values, and takes enveloped
   * values only under a literal of the form {@code <a>:<b>:}, whose namespace version it renews). {@code build()} therefore refuses a literal that
   * starts, or is the start of, another live cache's namespace on the same store (or of {@code
   * <keyPrefix>:}, where caches of the default layout live). As in the default layout, an encoded
   * key that starts with {@code #} gets a second {@code #}, and a key the store cannot take is
   * replaced by {@code <literal>#<sha-256 hex>}.
   *
   * @throws IllegalArgumentException if {@code {key}} is missing, repeated or not at the end, or the
   *     literal is empty or contains whitespace or control characters
   * @throws IllegalStateException if already set
   */
  public RemoteLayout keyTemplate(String template) {
    Objects.requireNonNull(template, "template");
    if (keyLiteral != null) {
      throw new IllegalStateException("keyTemplate was already set to " + keyLiteral + KEY);
    }
    keyLiteral = literalOf(template, KEY, "keyTemplate");
    return this;
  }

  /**
   * Tracks tags as sets of member keys instead of tag versions, as the cache-aside code of many
   * services does ({@code SADD tag:<name> <key>}, {@code EXPIRE tag:<name> <ttl + 60>}; on
   * invalidation the members and the set are deleted), so that such services and this cache
   * invalidate each other's entries. {@code {tag}} must come once and last. A put with tags adds the
   * entry's key to each tag's set and gives the set a TTL of the entry's TTL plus 60 s (never
   * shortening a longer one; an entry without a TTL takes its sets' TTL away); {@code
   * invalidateTag(t)} deletes every member of the set and the set. A put does not take the key out
   * of the sets of tags it had before (a later invalidation of such a tag deletes it: a miss, never
   * a stale read). A cache with a sliding TTL ({@code expireAfterAccess}) refuses tag sets: reads
   * extend an entry's TTL but not its sets'.
   * Weaker than tag versions (docs/interop.md): a set grows with every key put under the tag until
   * it expires or is invalidated, and a set the server evicts or lets expire early loses its members,
   * which then survive an invalidation (a lost set keeps entries alive instead of invalidating
   * them). In a layered cache every tag invalidation drops the whole in-process tier, since an
   * in-process copy read from the store does not know its tags. Needs {@link #rawValues()} and
   * stores that are {@link TagSetStore}s with {@link TagSetStore#tagSetsSupported()} (Redis
   * standalone or Sentinel, not Cluster).
   *
   * @throws IllegalArgumentException if {@code {tag}} is missing, repeated or not at the end, or the
   *     literal is empty or contains whitespace or control characters
   * @throws IllegalStateException if already set
   */
  public RemoteLayout tagSets(String template) {
    Objects.requireNonNull(template, "template");
    if (tagLiteral != null) {
      throw new IllegalStateException("tagSets was already set to " + tagLiteral + TAG);
    }
    tagLiteral = literalOf(template, TAG, "tagSets");
    return this;
  }

  boolean raw() {
    return raw;
  }

  byte @Nullable [] nullMarker() {
    return nullMarker == null ? null : nullMarker.clone();
  }

  @Nullable String keyLiteral() {
    return keyLiteral;
  }

  @Nullable String tagLiteral() {
    return tagLiteral;
  }

  /**
   * Checks the layout against the cache's other options; called by {@link CacheBuilder#build()}.
   *
   * @throws IllegalStateException naming the conflict
   */
  void check(
      String cache, String keyPrefix, List<RemoteStore> stores, boolean nullTtl, boolean freshness, boolean lock, boolean sliding) {
    String where = "cache '" + cache + "': ";
    if (stores.isEmpty()) {
      throw new IllegalStateException(where + "remoteLayout is set but there is no remote tier to lay out");
    }
    for (RemoteStore store : stores) {
      if ((raw || keyLiteral != null) && !store.supportsRawLayout()) {
        throw new IllegalStateException(where + "store " + store + " cannot hold raw values or templated keys");
      }
      if (tagLiteral != null && !(store instanceof TagSetStore sets && sets.tagSetsSupported())) {
        throw new IllegalStateException(where + "tagSets needs stores with Redis-like sets; " + store + " has none");
      }
    }
    if (!raw && nullMarker != null) {
      throw new IllegalStateException(where + "nullMarker is only for rawValues(); the envelope marks absences itself");
    }
    if (!raw && tagLiteral != null) {
      throw new IllegalStateException(where + "tagSets needs rawValues(): enveloped values record tag versions");
    }
    if (raw && nullTtl && nullMarker == null) {
      throw new IllegalStateException(where + "rawValues() cannot cache absences (nullTtl) without a nullMarker(...)");
    }
    if (raw && freshness) {
      throw new IllegalStateException(
          where + "rawValues() stores no logical expiry or load time: early refresh, staleWhileRevalidate and staleIfError are not available");
    }
    if (raw && lock) {
      throw new IllegalStateException(
          where + "rawValues() cannot take a distributed stampede lease: its marker would be read by other programs as a value");
    }
    if (tagLiteral != null && sliding) {
      throw new IllegalStateException(
          where + "tagSets cannot follow a sliding TTL (expireAfterAccess): reads extend an entry's TTL but not its tag sets', so a "
              + "set could expire before its members and invalidateTag would miss them");
    }
    String own = keyPrefix + ":";
    if (keyLiteral != null && (keyLiteral.startsWith(own) || own.startsWith(keyLiteral))) {
      throw new IllegalStateException(
          where + "keyTemplate " + keyLiteral + KEY + " overlaps the default layout's keys (" + own + "...): its invalidateAll() would delete other caches' keys");
    }
    if (keyLiteral != null && tagLiteral != null && (keyLiteral.startsWith(tagLiteral) || tagLiteral.startsWith(keyLiteral))) {
      throw new IllegalStateException(
          where + "keyTemplate " + keyLiteral + KEY + " and tagSets " + tagLiteral + TAG + " overlap: invalidateAll() would delete tag sets");
    }
  }

  /**
   * Returns the stores the cache reads and writes through: each store's {@link
   * RemoteStore#forLayout} for the cache's namespace (the key literal, or {@code <keyPrefix>:<cache>:}).
   *
   * @throws IllegalStateException if a store refuses the layout, with its reason
   */
  List<RemoteStore> storesFor(String cache, String keyPrefix, List<RemoteStore> stores) {
    String namespace = keyLiteral != null ? keyLiteral : keyPrefix + ":" + cache + ":";
    List<RemoteStore> laidOut = new java.util.ArrayList<>(stores.size());
    for (RemoteStore store : stores) {
      try {
        laidOut.add(Objects.requireNonNull(store.forLayout(namespace, raw), "forLayout returned null"));
      } catch (IllegalStateException refused) {
        throw new IllegalStateException("cache '" + cache + "': " + refused.getMessage(), refused);
      }
    }
    return List.copyOf(laidOut);
  }

  private static String literalOf(String template, String placeholder, String what) {
    int at = template.indexOf(placeholder);
    if (at < 0 || at != template.length() - placeholder.length()) {
      throw new IllegalArgumentException(what + " must contain " + placeholder + " once, at the end, was \"" + template + "\"");
    }
    String literal = template.substring(0, at);
    if (literal.isEmpty()) {
      throw new IllegalArgumentException(
          what + " needs a literal before " + placeholder + " (it names every key of the cache), was \"" + template + "\"");
    }
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        throw new IllegalArgumentException(what + " must not contain whitespace or control characters, was \"" + template + "\"");
      }
    }
    return literal;
  }
}
