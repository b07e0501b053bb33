package dev.cascade.cache.redis.internal;

import dev.cascade.cache.CacheException;
import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAutoClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.ClaimedMessages;
import io.lettuce.core.models.stream.PendingMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The Redis side of one write-behind queue. Per partition {@code p} it uses four keys that share
 * the hash tag {@code {name:p}}, so that every command and script touches one slot (Redis Cluster
 * places a partition whole on one master):
 *
 * <ul>
 *   <li>{@code cascade:wb:{name:p}:stream}: the changes, read by the consumer group {@value
 *       #GROUP}; an entry is deleted from it once applied or dead-lettered, so its length is the
 *       number of changes not yet applied;
 *   <li>{@code ...:pending}: a hash of the latest queued change per key ({@code <id>|<op><value>}),
 *       which loads read instead of the database while the change is queued;
 *   <li>{@code ...:lease}: the consumer that drains the partition, with a TTL it refreshes;
 *   <li>{@code ...:dead}: changes given up after too many deliveries, with the last error.
 * </ul>
 *
 * <p>Appending, acknowledging and dead-lettering are Lua scripts, so each is atomic: the stream and
 * the pending hash never disagree, and the length check cannot race another producer. Thread-safe;
 * every command is bounded by the link's timeout.
 */
public final class WriteBehindStreams {
  /** The consumer group of every partition stream. */
  public static final String GROUP = "cascade";

  // XADD's MAXLEN (exact) never trims here: the script checked the length first. It keeps the
  // bound even if the check is ever changed, by failing loudly rather than growing without limit.
  private static final String APPEND =
      "if redis.call('EXISTS', KEYS[1]) == 0 then "
          + "redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM') end "
          + "local length = redis.call('XLEN', KEYS[1]) "
          + "if length >= tonumber(ARGV[2]) then return 'full:' .. length end "
          + "local id "
          + "if ARGV[4] == 'd' then "
          + "id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'k', ARGV[3], 'o', 'd') "
          + "else id = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[2], '*', 'k', ARGV[3], 'o', 'p', 'v', ARGV[5]) end "
          + "redis.call('HSET', KEYS[2], ARGV[3], id .. '|' .. ARGV[4] .. ARGV[5]) "
          + "return id";
  private static final String DONE =
      "local function done(id, key) "
          + "redis.call('XACK', KEYS[1], ARGV[1], id) "
          + "redis.call('XDEL', KEYS[1], id) "
          + "local queued = redis.call('HGET', KEYS[2], key) "
          + "if queued and string.sub(queued, 1, #id + 1) == id .. '|' then redis.call('HDEL', KEYS[2], key) end "
          + "end ";
  private static final String ACK = DONE + "for i = 2, #ARGV, 2 do done(ARGV[i], ARGV[i + 1]) end return 0";
  private static final String DEAD_LETTER =
      DONE
          + "redis.call('XADD', KEYS[3], '*', 'id', ARGV[2], 'k', ARGV[3], 'o', ARGV[4], 'v', ARGV[5], "
          + "'deliveries', ARGV[6], 'error', ARGV[7]) "
          + "done(ARGV[2], ARGV[3]) return 0";
  private static final String ENSURE_GROUP = "redis.pcall('XGROUP', 'CREATE', KEYS[1], ARGV[1], '0', 'MKSTREAM') return 0";
  private static final String QUEUED = "return redis.call('HGET', KEYS[1], ARGV[1])";
  // 2: acquired now, 1: still ours (extended), 0: another consumer's
  private static final String KEEP_LEASE =
      "local holder = redis.call('GET', KEYS[1]) "
          + "if holder == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end "
          + "if not holder then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 2 end "
          + "return 0";
  private static final String RELEASE_LEASE =
      "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
  // ARGV[2] 'others': every consumer but ARGV[3]; 'self': ARGV[3] only. Only those with nothing pending.
  private static final String FORGET_CONSUMERS =
      "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
          + "local forgotten = 0 "
          + "for _, consumer in ipairs(redis.call('XINFO', 'CONSUMERS', KEYS[1], ARGV[1])) do "
          + "local name, pending "
          + "for i = 1, #consumer, 2 do "
          + "if consumer[i] == 'name' then name = consumer[i + 1] elseif consumer[i] == 'pending' then pending = consumer[i + 1] end end "
          + "if pending == 0 and ((ARGV[2] == 'others' and name ~= ARGV[3]) or (ARGV[2] == 'self' and name == ARGV[3])) then "
          + "redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], name) forgotten = forgotten + 1 end end "
          + "return forgotten";
  private static final String STATS =
      "local length = redis.call('XLEN', KEYS[1]) "
          + "local pending = 0 "
          + "if length > 0 then "
          + "local summary = redis.pcall('XPENDING', KEYS[1], ARGV[1]) "
          + "if type(summary) == 'table' and type(summary[1]) == 'number' then pending = summary[1] end end "
          + "local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1) "
          + "local oldest = '' "
          + "if #first > 0 then oldest = first[1][1] end "
          + "local now = redis.call('TIME') "
          + "return {length, pending, oldest, redis.call('XLEN', KEYS[2]), now[1], now[2]}";

  private static final Map<String, String> DIGESTS = new ConcurrentHashMap<>();

  private final RedisLink link;
  private final String prefix;

  private WriteBehindStreams(RedisLink link, String prefix) {
    this.link = link;
    this.prefix = prefix;
  }

  /** Returns the streams of the queue {@code name} on {@code link}; {@code name} holds no brace. */
  public static WriteBehindStreams of(RedisLink link, String name) {
    return new WriteBehindStreams(link, "cascade:wb:{" + name + ":");
  }

  /** Returns the same streams on another link (a consumer's own connection). */
  public WriteBehindStreams on(RedisLink other) {
    return new WriteBehindStreams(other, prefix);
  }

  public String stream(int partition) {
    return prefix + partition + "}:stream";
  }

  public String pending(int partition) {
    return prefix + partition + "}:pending";
  }

  public String lease(int partition) {
    return prefix + partition + "}:lease";
  }

  public String deadLetters(int partition) {
    return prefix + partition + "}:dead";
  }

  /** Returns the link the commands go through. */
  public RedisLink link() {
    return link;
  }

  /**
   * Appends a change unless the stream holds {@code maxLength} unapplied changes; completes with its
   * id, or with {@code null} when the stream is full.
   */
  public CompletableFuture<@Nullable String> append(int partition, long maxLength, byte[] key, boolean delete, byte[] value) {
    byte[][] args = {
      ascii(GROUP), ascii(Long.toString(maxLength)), key, new byte[] {delete ? QueuedChange.DELETE : QueuedChange.PUT}, value
    };
    return this.<byte[]>run("EVALSHA (write-behind append)", APPEND, ScriptOutputType.VALUE, new String[] {stream(partition), pending(partition)}, args)
        .thenApply(
            reply -> {
              String id = new String(reply, StandardCharsets.US_ASCII);
              return id.startsWith("full:") ? null : id;
            });
  }

  /** Returns the latest queued change of {@code key}, or {@code null} when none is queued. */
  public CompletableFuture<@Nullable QueuedChange> queued(int partition, byte[] key) {
    return this.<byte[]>run("EVALSHA (write-behind queued)", QUEUED, ScriptOutputType.VALUE, new String[] {pending(partition)}, key)
        .thenApply(record -> QueuedChange.fromPendingRecord(key, record));
  }

  /** Creates the partition's stream and consumer group if they do not exist. */
  public CompletableFuture<Void> ensureGroup(int partition) {
    return script("EVALSHA (write-behind group)", ENSURE_GROUP, new String[] {stream(partition)}, ascii(GROUP)).thenApply(ok -> null);
  }

  /**
   * Reads up to {@code count} changes never delivered before, waiting up to {@code block} for the
   * first; each is then pending for {@code consumer} until acknowledged.
   */
  public CompletableFuture<List<QueuedChange>> readNew(int partition, String consumer, int count, Duration block) {
    XReadArgs args = XReadArgs.Builder.count(count).block(block);
    return link.bounded(
            "XREADGROUP",
            () -> link.commands().xreadgroup(Consumer.from(GROUP, consumer), args, XReadArgs.StreamOffset.lastConsumed(stream(partition))))
        .thenCompose(messages -> changes(partition, messages, Map.of()));
  }

  /**
   * Claims for {@code consumer} up to {@code count} pending changes of the partition, whoever they
   * were delivered to, from {@code cursor} on, in stream order; completes with them and the next
   * cursor ({@code 0-0} once the whole pending list was scanned). Only the lease holder calls it, so
   * the previous holder is gone and no idle time is required.
   */
  public CompletableFuture<Claimed> claimPending(int partition, String consumer, String cursor, int count) {
    XAutoClaimArgs<String> args = XAutoClaimArgs.Builder.xautoclaim(Consumer.from(GROUP, consumer), Duration.ZERO, cursor).count(count);
    return link.bounded("XAUTOCLAIM", () -> link.commands().xautoclaim(stream(partition), args))
        .thenCompose(
            (ClaimedMessages<String, byte[]> claimed) ->
                deliveries(partition, claimed.getMessages())
                    .thenCompose(counts -> changes(partition, claimed.getMessages(), counts))
                    .thenApply(changes -> new Claimed(changes, claimed.getId())));
  }

  /**
   * Claims for {@code consumer} up to {@code count} changes of the partition that are pending (for
   * any consumer) with an id below {@code before}, or any pending change when {@code before} is
   * {@code null}; completes with them in stream order, each claim counting one more delivery. One
   * {@code XPENDING} (the oldest pending entries), then, if it found any, one {@code XCLAIM} of
   * exactly those ids; a change that is no longer pending by then is left out.
   */
  public CompletableFuture<List<QueuedChange>> claimPendingBefore(int partition, String consumer, @Nullable String before, int count) {
    Range<String> range = Range.create("-", before == null ? "+" : before);
    return link.bounded("XPENDING", () -> link.commands().xpending(stream(partition), GROUP, range, Limit.from(count + 1)))
        .thenCompose(
            (List<PendingMessage> pending) -> {
              List<String> ids = new ArrayList<>(pending.size());
              for (PendingMessage message : pending) {
                if (!message.getId().equals(before) && ids.size() < count) {
                  ids.add(message.getId());
                }
              }
              if (ids.isEmpty()) {
                return CompletableFuture.completedFuture(List.of());
              }
              return link.bounded(
                      "XCLAIM", () -> link.commands().xclaim(stream(partition), Consumer.from(GROUP, consumer), 0, ids.toArray(String[]::new)))
                  .thenApply(claimed -> inStreamOrder(ids, claimed))
                  .thenCompose(claimed -> deliveries(partition, claimed).thenCompose(counts -> changes(partition, claimed, counts)));
            });
  }

  /** {@code messages} in the order of {@code ids} (stream order), whatever order XCLAIM answered in. */
  private static List<StreamMessage<String, byte[]>> inStreamOrder(
      List<String> ids, List<StreamMessage<String, byte[]>> messages) {
    Map<String, StreamMessage<String, byte[]>> byId = new HashMap<>();
    messages.forEach(message -> byId.put(message.getId(), message));
    List<StreamMessage<String, byte[]>> ordered = new ArrayList<>(messages.size());
    for (String id : ids) {
      StreamMessage<String, byte[]> message = byId.get(id);
      if (message != null) {
        ordered.add(message);
      }
    }
    return ordered;
  }

  /** Claims {@code change} again for {@code consumer}, which counts one more delivery in Redis. */
  public CompletableFuture<Boolean> redeliver(int partition, String consumer, QueuedChange change) {
    return link.bounded("XCLAIM", () -> link.commands().xclaim(stream(partition), Consumer.from(GROUP, consumer), 0, change.id()))
        .thenApply(claimed -> !claimed.isEmpty());
  }

  /** Acknowledges applied changes, deletes them from the stream and clears their pending records. */
  public CompletableFuture<Void> acknowledge(int partition, List<QueuedChange> changes) {
    byte[][] args = new byte[1 + 2 * changes.size()][];
    args[0] = ascii(GROUP);
    for (int i = 0; i < changes.size(); i++) {
      args[1 + 2 * i] = ascii(changes.get(i).id());
      args[2 + 2 * i] = changes.get(i).key();
    }
    return script("EVALSHA (write-behind ack)", ACK, new String[] {stream(partition), pending(partition)}, args).thenApply(ok -> null);
  }

  /** Moves {@code change} to the dead-letter stream with {@code error}, and acknowledges it. */
  public CompletableFuture<Void> deadLetter(int partition, QueuedChange change, String error) {
    byte[][] args = {
      ascii(GROUP),
      ascii(change.id()),
      change.key(),
      new byte[] {change.delete() ? QueuedChange.DELETE : QueuedChange.PUT},
      change.value(),
      ascii(Long.toString(change.deliveries())),
      error.getBytes(StandardCharsets.UTF_8)
    };
    String[] keys = {stream(partition), pending(partition), deadLetters(partition)};
    return script("EVALSHA (write-behind dead letter)", DEAD_LETTER, keys, args).thenApply(ok -> null);
  }

  /**
   * Takes or extends the partition's lease for {@code holder}: 2 taken now, 1 extended, 0 held by
   * another. The lease's TTL is {@code leaseTime} rounded up to whole milliseconds ({@link
   * ExpiryMillis#of}): never 0, which {@code SET PX} refuses and {@code PEXPIRE} would take as
   * deleting the lease, and never shorter than the time the holder trusts it for.
   */
  public CompletableFuture<Long> keepLease(int partition, String holder, Duration leaseTime) {
    byte[] millis = ascii(Long.toString(ExpiryMillis.of(leaseTime)));
    return script("EVALSHA (write-behind lease)", KEEP_LEASE, new String[] {lease(partition)}, ascii(holder), millis);
  }

  /** Gives the partition's lease up if {@code holder} has it. */
  public CompletableFuture<Void> releaseLease(int partition, String holder) {
    return script("EVALSHA (write-behind release)", RELEASE_LEASE, new String[] {lease(partition)}, ascii(holder)).thenApply(ok -> null);
  }

  /**
   * Deletes from the partition's consumer group the consumers that have nothing pending: every one
   * but {@code consumer} when {@code others}, else {@code consumer} itself. Consumers named afresh at
   * each start would otherwise pile up in the group; one with pending changes is never deleted (its
   * changes would become unclaimable).
   */
  public CompletableFuture<Long> forgetIdleConsumers(int partition, String consumer, boolean others) {
    return script(
        "EVALSHA (write-behind forget consumers)",
        FORGET_CONSUMERS,
        new String[] {stream(partition)},
        ascii(GROUP),
        ascii(others ? "others" : "self"),
        consumer.getBytes(StandardCharsets.UTF_8));
  }

  /** Returns the partition's figures: see {@link PartitionFigures}. */
  public CompletableFuture<PartitionFigures> figures(int partition) {
    return this.<List<Object>>run(
            "EVALSHA (write-behind stats)", STATS, ScriptOutputType.MULTI, new String[] {stream(partition), deadLetters(partition)}, ascii(GROUP))
        .thenApply(PartitionFigures::of);
  }

  private CompletableFuture<Long> script(String command, String script, String[] keys, byte[]... args) {
    return run(command, script, ScriptOutputType.INTEGER, keys, args);
  }

  /**
   * Runs {@code script} by its SHA-1 ({@code EVALSHA}: the script's text is not sent on every
   * call), and by its text ({@code EVAL}, which caches it again) when the server does not know it:
   * the first time, or after a restart or {@code SCRIPT FLUSH}.
   */
  private <T> CompletableFuture<T> run(String command, String script, ScriptOutputType type, String[] keys, byte[]... args) {
    String sha = DIGESTS.computeIfAbsent(script, RedisLink::sha1);
    return link.<T>bounded(command, () -> link.commands().<T>evalsha(sha, type, keys, args))
        .exceptionallyCompose(
            error ->
                unknownScript(error)
                    ? link.<T>bounded(command.replace("EVALSHA", "EVAL"), () -> link.commands().<T>eval(script, type, keys, args))
                    : CompletableFuture.failedFuture(error));
  }

  private static boolean unknownScript(Throwable error) {
    Throwable failure = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    return failure.getCause() instanceof RedisNoScriptException;
  }

  private CompletableFuture<Map<String, Long>> deliveries(int partition, List<StreamMessage<String, byte[]>> messages) {
    if (messages.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    Range<String> range = Range.create(messages.get(0).getId(), messages.get(messages.size() - 1).getId());
    return link.bounded("XPENDING", () -> link.commands().xpending(stream(partition), GROUP, range, Limit.from(messages.size())))
        .thenApply(
            (List<PendingMessage> pending) -> {
              Map<String, Long> counts = new HashMap<>();
              pending.forEach(message -> counts.put(message.getId(), message.getRedeliveryCount()));
              return counts;
            });
  }

  /**
   * Turns stream messages into changes; messages without fields (deleted from the stream after they
   * were applied, but still pending) are acknowledged here and left out.
   */
  private CompletableFuture<List<QueuedChange>> changes(
      int partition, List<StreamMessage<String, byte[]>> messages, Map<String, Long> deliveries) {
    List<QueuedChange> changes = new ArrayList<>(messages.size());
    List<QueuedChange> gone = new ArrayList<>();
    for (StreamMessage<String, byte[]> message : messages) {
      QueuedChange change = QueuedChange.fromFields(message.getId(), message.getBody(), deliveries.getOrDefault(message.getId(), 1L));
      if (change != null) {
        changes.add(change);
      } else {
        gone.add(new QueuedChange(message.getId(), new byte[0], true, new byte[0], 0));
      }
    }
    return gone.isEmpty() ? CompletableFuture.completedFuture(changes) : acknowledge(partition, gone).thenApply(ok -> changes);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  /** A page of claimed changes and the cursor of the next page ({@code 0-0}: none). */
  public record Claimed(List<QueuedChange> changes, String next) {}

  /**
   * One partition's figures, read atomically: unapplied changes (queued or being applied), changes
   * delivered and not yet acknowledged, the stream id of the oldest unapplied change ({@code ""}:
   * none), the dead-letter stream's length, and the server's clock in milliseconds.
   */
  public record PartitionFigures(long length, long pending, String oldestId, long deadLetters, long serverMillis) {
    static PartitionFigures of(List<Object> reply) {
      if (reply.size() < 6) {
        throw new CacheException("unexpected write-behind stats reply " + reply);
      }
      long seconds = Long.parseLong(text(reply.get(4)));
      long micros = Long.parseLong(text(reply.get(5)));
      return new PartitionFigures(
          (Long) reply.get(0), (Long) reply.get(1), text(reply.get(2)), (Long) reply.get(3), seconds * 1000 + micros / 1000);
    }

    /** Returns how long ago, by the server's clock, the oldest unapplied change was queued. */
    public Duration oldestAge() {
      if (oldestId.isEmpty()) {
        return Duration.ZERO;
      }
      long queuedAt = Long.parseLong(oldestId.substring(0, oldestId.indexOf('-')));
      return Duration.ofMillis(Math.max(0, serverMillis - queuedAt));
    }

    private static String text(@Nullable Object value) {
      return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.US_ASCII) : String.valueOf(value);
    }
  }
}
