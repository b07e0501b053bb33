package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.cascade.cache.Cache;
import dev.cascade.cache.codec.JsonCodec;
import dev.cascade.cache.testkit.FakeTicker;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Python process running the seed service's cache-aside code ({@code seed_cache.py}: {@code
 * cache_set}/{@code cache_get} with {@code SETEX} and {@code json.dumps}, {@code set_with_tags},
 * {@code invalidate_tag}, on redis-py 8.1.0) and a Cascade cache with the matching layout share one
 * Redis: each reads what the other writes, TTLs agree, and tag invalidations cross in both
 * directions. The interpreter is {@code .ci/pyenv/bin/python}, which {@code .ci/run} creates; without
 * it the test fails and says how to make it.
 */
class PythonSeedInteropIT {
  @RegisterExtension static final RedisSetup redis = RedisSetup.standalone();

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration L1_TTL = Duration.ofSeconds(30);

  record User(long id, String name, List<String> roles) {}

  private final FakeTicker ticker = new FakeTicker();
  private final List<Cache<?, ?>> caches = new ArrayList<>();

  @AfterEach
  void closeCaches() {
    caches.forEach(Cache::close);
    caches.clear();
  }

  /** The seed's layout: {@code user:<id>}, plain JSON, tags as {@code tag:<name>} sets. */
  private Cache<Long, User> users(boolean layered) {
    var builder = Cache.<Long, User>builder("users");
    if (layered) {
      builder.inMemory(m -> m.maximumSize(1_000).ttl(L1_TTL));
    }
    Cache<Long, User> cache =
        builder
            .tier(redis.store())
            .valueCodec(JsonCodec.of(User.class))
            .keyCodec((Long id) -> Long.toString(id))
            .ttl(Duration.ofMinutes(5))
            .ticker(ticker)
            .remoteLayout(r -> r.rawValues().keyTemplate("user:{key}").tagSets("tag:{tag}"))
            .build();
    caches.add(cache);
    return cache;
  }

  @Test
  void valuesAndTtls_writtenByEitherSide_areReadByTheOther() {
    Cache<Long, User> users = users(false);
    long pythonWrote = System.nanoTime();
    python("set", "user:1", "{\"id\": 1, \"name\": \"Ann\", \"roles\": [\"admin\"]}", "120");
    long javaWrote = System.nanoTime();
    users.put(2L, new User(2, "Bob", List.of("dev", "ops")), Duration.ofSeconds(90));

    assertThat(users.getIfPresent(1L)).isEqualTo(new User(1, "Ann", List.of("admin")));
    JsonNode fromJava = python("get", "user:2");
    assertThat(JSON.convertValue(fromJava.get("value"), Map.class))
        .isEqualTo(Map.of("id", 2, "name", "Bob", "roles", List.of("dev", "ops")));
    assertTtl(fromJava.get("ttl").asLong() * 1_000, Duration.ofSeconds(90), javaWrote); // as Python sees Java's
    assertTtl(pttl("user:1"), Duration.ofSeconds(120), pythonWrote); // as Java sees Python's
    assertThat(users.stats().decodeFailureCount()).isZero();
  }

  @Test
  void invalidateTagInPython_dropsEntriesFromRedisAtOnce_andFromL1WithinItsTtl() {
    Cache<Long, User> layered = users(true);
    Cache<Long, User> remoteOnly = users(false);
    python("set_tags", "user:3", "{\"id\": 3, \"name\": \"Cy\", \"roles\": []}", "100", "team:1,all");
    long javaWrote = System.nanoTime();
    layered.put(4L, new User(4, "Di", List.of()), Duration.ofSeconds(100), "team:1");
    assertThat(layered.getIfPresent(3L)).isEqualTo(new User(3, "Cy", List.of())); // now in L1 too
    assertTtl(python("ttl", "tag:team:1").get("ttl").asLong() * 1_000, Duration.ofSeconds(160), javaWrote); // ttl + 60, as the seed's
    assertTtl(pttl("user:4"), Duration.ofSeconds(100), javaWrote);
    assertThat(redis.server().command(0, "SMEMBERS", "tag:team:1")).asString().contains("user:3", "user:4");

    python("invalidate", "team:1");

    assertThat(remoteOnly.getIfPresent(3L)).isNull();
    assertThat(remoteOnly.getIfPresent(4L)).isNull();
    // Python's invalidation cannot reach this instance's L1: its copies live at most the L1 TTL
    assertThat(layered.getIfPresent(3L)).isEqualTo(new User(3, "Cy", List.of()));
    ticker.advance(L1_TTL);
    assertThat(layered.getIfPresent(3L)).isNull();
    assertThat(layered.getIfPresent(4L)).isNull();
    assertThat((Long) redis.server().command(0, "EXISTS", "user:3", "user:4", "tag:team:1")).isZero();
  }

  @Test
  void invalidateTagInJava_dropsWhatPythonWrote() {
    Cache<Long, User> users = users(true);
    python("set_tags", "user:5", "{\"id\": 5, \"name\": \"Ed\", \"roles\": []}", "100", "team:2");
    users.put(6L, new User(6, "Flo", List.of()), Duration.ofSeconds(100), "team:2");
    python("set", "user:7", "{\"id\": 7, \"name\": \"Gus\", \"roles\": []}", "100");
    assertThat(users.getIfPresent(5L)).isNotNull();

    users.invalidateTag("team:2");

    assertThat(python("get", "user:5").get("value").isNull()).isTrue();
    assertThat(python("get", "user:6").get("value").isNull()).isTrue();
    assertThat(python("get", "user:7").get("value").get("name").asString()).isEqualTo("Gus");
    assertThat(users.getIfPresent(5L)).isNull(); // this instance's L1 was dropped by the call itself
    assertThat((Long) redis.server().command(0, "EXISTS", "tag:team:2")).isZero();
  }

  /**
   * Asserts that a TTL read now ({@code actualMillis}; whole seconds from Python's {@code TTL}, which
   * rounds) is {@code written} within a second, less the time since {@code sinceNanos}, when the
   * write began: the check does not depend on how fast the machine runs the processes.
   */
  private static void assertTtl(long actualMillis, Duration written, long sinceNanos) {
    long elapsed = Duration.ofNanos(System.nanoTime() - sinceNanos).toMillis();
    assertThat(actualMillis).isBetween(written.toMillis() - 1_000 - elapsed, written.toMillis());
  }

  private long pttl(String key) {
    return (Long) redis.server().command(0, "PTTL", key);
  }

  /** Runs one action of seed_cache.py against the test's Redis and returns what it printed. */
  private static JsonNode python(String... args) {
    Path script;
    try {
      script = Path.of(Objects.requireNonNull(PythonSeedInteropIT.class.getResource("seed_cache.py")).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    List<String> command = new ArrayList<>(List.of(interpreter().toString(), script.toString(), Integer.toString(redis.server().port(0))));
    command.addAll(List.of(args));
    try {
      Path errors = Files.createTempFile("seed_cache", ".err");
      Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      byte[] output = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("seed_cache.py " + String.join(" ", args) + " did not finish in 60 s");
      }
      String text = new String(output, StandardCharsets.UTF_8);
      String stderr = Files.readString(errors);
      Files.delete(errors);
      assertThat(process.exitValue()).as("seed_cache.py %s printed:%n%s%n%s", String.join(" ", args), text, stderr).isZero();
      JsonNode result = JSON.readTree(text);
      assertThat(result.get("redis_py").asString()).isEqualTo("8.1.0");
      return result;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns {@code .ci/pyenv/bin/python} of the repository (system property {@code cascade.python}
   * overrides it); fails with the command that makes it when it is missing.
   */
  private static Path interpreter() {
    String configured = System.getProperty("cascade.python");
    if (configured != null) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve(".ci/run"))) {
        Path python = dir.resolve(".ci/pyenv/bin/python");
        if (!Files.isExecutable(python)) {
          fail("no Python environment at " + python + ": run .ci/run's install step, i.e. from " + dir
              + ": python3 -m venv .ci/pyenv && .ci/pyenv/bin/pip install redis==8.1.0");
        }
        return python;
      }
    }
    return fail("cannot find the repository root (.ci/run) above " + Path.of("").toAbsolutePath());
  }
}
