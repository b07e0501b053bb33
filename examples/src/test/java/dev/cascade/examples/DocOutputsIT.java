package dev.cascade.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cascade.cache.testkit.MemcachedServerExtension;
import dev.cascade.cache.testkit.RedisServerExtension;
import dev.cascade.examples.DocBlocks.Block;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The quoted outputs of examples that need a server ({@code <!-- output of <class> needs=redis -->}
 * or {@code needs=memcached}): each example runs against a server the testkit starts (never one on
 * the default port), with its address as the first argument, and its output must still contain the
 * quoted lines ({@link OutputExtracts}). Each example must also leave the server as it found it:
 * its connections closed and, on Redis, no channel marker key behind (what an unclosed backend
 * leaves).
 */
class DocOutputsIT {
  @RegisterExtension static final RedisServerExtension redis = RedisServerExtension.standalone();
  @RegisterExtension static final MemcachedServerExtension memcached = MemcachedServerExtension.single();

  @Test
  void quotedOutputsOfServerExamples_matchARunAgainstATestkitServer_andTheExampleClosesItsConnections()
      throws Exception {
    List<String> failures = new ArrayList<>();
    List<String> compared = new ArrayList<>();
    for (Block block : DocBlocks.of(DocBlocks.repositoryRoot())) {
      if (block.marker() == null || !block.marker().kind().equals("output")) {
        continue;
      }
      String[] words = block.marker().argument().split("\\s+");
      if (words.length != 2 || !words[1].startsWith("needs=")) {
        continue; // DocSnippetsTest
      }
      String mainClass = words[0];
      String output;
      switch (words[1]) {
        case "needs=redis" -> {
          long clients = redisClients();
          output = OutputExtracts.run(mainClass, redis.uri());
          await("the connections of " + mainClass + " to close")
              .atMost(Duration.ofSeconds(10))
              .until(() -> redisClients() == clients);
          assertThat((List<?>) redis.command(0, "KEYS", "cascade:invalidation:marker:*"))
              .as("channel marker keys left behind by " + mainClass)
              .isEmpty();
        }
        case "needs=memcached" -> {
          long connections = memcachedConnections();
          output = OutputExtracts.run(mainClass, memcached.address(0));
          await("the connections of " + mainClass + " to close")
              .atMost(Duration.ofSeconds(10))
              .until(() -> memcachedConnections() == connections);
        }
        default -> {
          failures.add(block.where() + ": unknown output marker '" + block.marker().argument() + "'");
          continue;
        }
      }
      compared.add(block.where());
      String mismatch = OutputExtracts.mismatch(block.lines(), output);
      if (mismatch != null) {
        failures.add(block.where() + ": the output of " + mainClass + " changed: " + mismatch);
      }
    }
    assertThat(failures).as(String.join("\n", failures)).isEmpty();
    assertThat(compared).as("quoted outputs of server examples compared").hasSizeGreaterThanOrEqualTo(4);
  }

  /** Clients connected to the Redis, this command's own connection included. */
  private static long redisClients() {
    return ((String) redis.command(0, "CLIENT", "LIST")).lines().count();
  }

  /** memcached's {@code curr_connections}, this query's own connection included. */
  private static long memcachedConnections() {
    String[] hostPort = memcached.address(0).split(":");
    try (Socket socket = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
      OutputStream out = socket.getOutputStream();
      out.write("stats\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      for (String line = in.readLine(); line != null && !line.equals("END"); line = in.readLine()) {
        if (line.startsWith("STAT curr_connections ")) {
          return Long.parseLong(line.substring("STAT curr_connections ".length()).strip());
        }
      }
      throw new IllegalStateException("no curr_connections in memcached's stats");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
