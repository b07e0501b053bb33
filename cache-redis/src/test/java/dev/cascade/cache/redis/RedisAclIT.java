package dev.cascade.cache.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cascade.cache.Cache;
import dev.cascade.cache.CacheEventListener;
import dev.cascade.cache.Stampede;
import dev.cascade.cache.TierOperation;
import dev.cascade.cache.codec.StringCodec;
import dev.cascade.cache.testkit.RedisServerExtension;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The least-privilege ACL of docs/security.md is exactly what a layered cache with the invalidation
 * channel, the distributed lease and server statistics needs, over TLS: with it, every operation
 * works and the server denies nothing; with any one of its permissions taken away, the server
 * denies that command and the caller sees an error that names the missing permission ({@code
 * NOPERM}). A wrong password or an untrusted certificate fails with a clear message that holds no
 * secret.
 */
class RedisAclIT {
  @RegisterExtension static final RedisServerExtension server = RedisServerExtension.standaloneWithTls();

  private final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void emptyServer() {
    server.command(0, "FLUSHALL"); // every run starts cold, so every operation reaches the server
    server.command(0, "ACL", "LOG", "RESET");
  }

  static Stream<String> permissions() {
    return SecureAccess.documented().permissions().stream();
  }

  @Test
  void documentedAcl_everyOperationWorks_andNothingIsDenied() {
    runEveryOperation(SecureAccess.documented());

    assertThat(errors).as("errors the cache reported").isEmpty();
    assertThat(denials()).as("commands the server denied").isEmpty();
  }

  @ParameterizedTest(name = "without {0}")
  @MethodSource("permissions")
  void documentedAclWithoutOnePermission_theServerDeniesIt_andTheCallerSeesNoperm(String permission) {
    runEveryOperation(SecureAccess.documented().without(permission));

    String denied = switch (permission.charAt(0)) {
      case '~' -> "key";
      case '&' -> "channel";
      default -> "command " + permission.substring(1);
    };
    assertThat(denials()).as("what the server denied").contains(denied);
    if (permission.equals("+del")) {
      // DEL is sent only inside the lease's release script; Redis 7.0 words that denial without NOPERM
      assertThat(errors)
          .as("errors the cache reported")
          .anySatisfy(error -> assertThat(messages(error)).contains("EVAL failed").contains("can't run this command"));
    } else if (permission.startsWith("+")) {
      String command = permission.substring(1);
      assertThat(errors)
          .as("errors the cache reported, naming the command")
          .anySatisfy(error -> assertThat(messages(error)).contains("NOPERM").contains("'" + command + "'"));
    } else {
      assertThat(errors)
          .as("errors the cache reported")
          .anySatisfy(error -> assertThat(messages(error)).contains("NOPERM").contains(denied));
    }
  }

  @Test
  void wrongPassword_failsOnFirstUseWithAClearMessage_withoutTheSecret() {
    String wrong = "wrong-" + SecureAccess.PASSWORD;
    runEveryOperation(SecureAccess.documented().withClientPassword(wrong));

    assertThat(errors).isNotEmpty();
    assertThat(errors)
        .anySatisfy(error -> assertThat(messages(error)).containsAnyOf("WRONGPASS", "NOAUTH", "invalid username-password"));
    assertThat(errors).allSatisfy(error -> assertThat(messages(error)).doesNotContain(wrong).doesNotContain(SecureAccess.PASSWORD));
  }

  @Test
  void untrustedServerCertificate_failsOnFirstUseWithAClearMessage() {
    runEveryOperation(SecureAccess.documented().trustingTheWrongAuthority());

    assertThat(errors).isNotEmpty();
    assertThat(errors)
        .anySatisfy(error -> assertThat(messages(error)).contains("TLS handshake failed").contains("certification path"));
    assertThat(errors).allSatisfy(error -> assertThat(messages(error)).doesNotContain(SecureAccess.PASSWORD));
  }

  /**
   * Builds a backend and a layered cache with the channel and the lease as {@code access} allows,
   * and runs every kind of operation once, keeping every error the cache reported (thrown, or
   * absorbed and reported to its listener).
   */
  private void runEveryOperation(SecureAccess access) {
    access.grant(server);
    RedisClient client = access.client(server);
    try (RedisBackend backend = RedisBackend.builder(client).commandTimeout(Duration.ofSeconds(2)).build()) {
      CacheEventListener.Factory recordFailures =
          inspector ->
              new CacheEventListener() {
                @Override
                public void tierOperation(int tier, TierOperation operation, long nanos, @Nullable Throwable failure) {
                  if (failure != null) {
                    errors.add(failure);
                  }
                }
              };
      try (Cache<String, String> cache =
          Cache.<String, String>builder("acl")
              .inMemory(m -> m.maximumSize(100))
              .tier(backend.store())
              .valueCodec(StringCodec.create())
              .invalidation(backend.invalidation())
              .stampede(Stampede.distributed(backend.stampedeLock()))
              .eventListener(recordFailures)
              .build()) {
        attempt(() -> cache.get("loaded", key -> "v"));
        try { // under the lease, a failed load releases it: the release script
          cache.get("failing", key -> {
            throw new IllegalStateException("the loader failed");
          });
        } catch (IllegalStateException expected) {
          assertThat(expected).hasMessage("the loader failed");
        }
        attempt(() -> cache.put("tagged", "t", Duration.ofMinutes(1), "tag"));
        attempt(() -> cache.getAll(List.of("a", "b", "loaded"), keys -> Map.of("a", "1", "b", "2")));
        attempt(() -> cache.invalidate("a"));
        attempt(() -> cache.invalidateTag("tag"));
        attempt(() -> cache.invalidateAll());
        attempt(() -> backend.serverStats().join());
      }
    } finally {
      client.shutdown();
    }
  }

  private void attempt(Runnable operation) {
    try {
      operation.run();
    } catch (RuntimeException e) {
      errors.add(e);
    }
  }

  /**
   * What the server's ACL LOG says it denied: {@code command <name>} for a command, {@code key} or
   * {@code channel} for a key or channel outside the user's patterns.
   */
  private List<String> denials() {
    List<String> denied = new ArrayList<>();
    for (Object entry : (List<?>) server.command(0, "ACL", "LOG")) {
      List<?> fields = (List<?>) entry;
      String reason = "";
      String object = "";
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        if ("reason".equals(fields.get(i))) {
          reason = String.valueOf(fields.get(i + 1));
        } else if ("object".equals(fields.get(i))) {
          object = String.valueOf(fields.get(i + 1));
        }
      }
      denied.add(reason.equals("command") ? "command " + object : reason);
    }
    return denied;
  }

  /** The messages of {@code error} and its causes, one per line. */
  private static String messages(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      text.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append('\n');
    }
    return text.toString();
  }
}
