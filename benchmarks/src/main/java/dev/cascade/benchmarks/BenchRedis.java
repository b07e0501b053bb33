package dev.cascade.benchmarks;

import dev.cascade.cache.testkit.ServerProcess;
import io.lettuce.core.RedisClient;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The Redis and the options of a Redis load benchmark, from its arguments {@code [uri|-] [seconds]
 * [threads]}: the URI given, or (for {@code -} or no argument) a redis-server started here on a free
 * loopback port without persistence; a Lettuce client on it. {@link #close()} shuts the client down
 * and stops a server it started.
 */
final class BenchRedis implements AutoCloseable {
  private final @Nullable ServerProcess server;
  private final RedisClient client;
  private final String uri;
  private final int seconds;
  private final int threads;

  private BenchRedis(String uri, @Nullable ServerProcess server, String[] args) {
    this.server = server;
    this.uri = uri;
    this.client = RedisClient.create(uri);
    this.seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    this.threads = args.length > 2 ? Integer.parseInt(args[2]) : 8;
  }

  /** Returns the Redis that {@code args[0]} names, starting one for {@code -} or no argument. */
  static BenchRedis fromArgs(String[] args) {
    if (args.length > 0 && !args[0].equals("-")) {
      return new BenchRedis(args[0], null, args);
    }
    String binary =
        ServerProcess.findBinary("redis-server").orElseThrow(() -> new IllegalStateException("install redis-server"));
    ServerProcess server =
        ServerProcess.start(
            "bench-redis",
            port -> List.of(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"));
    return new BenchRedis("redis://127.0.0.1:" + server.port(), server, args);
  }

  RedisClient client() {
    return client;
  }

  /** The server's URI, for clients other than Lettuce. */
  String uri() {
    return uri;
  }

  /** How long each measured phase runs (argument 2, default 10). */
  int seconds() {
    return seconds;
  }

  /** How many threads each phase runs (argument 3, default 8). */
  int threads() {
    return threads;
  }

  @Override
  public void close() {
    client.shutdown();
    if (server != null) {
      server.close();
    }
  }
}
