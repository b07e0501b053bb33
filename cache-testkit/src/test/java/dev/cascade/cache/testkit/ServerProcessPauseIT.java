package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link ServerProcess#pause()} and {@link ServerProcess#resume()} on a local memcached: each returns
 * only once the process is in the state it asked for, so a test may send a request at once and rely
 * on it going unanswered (or answered). SIGSTOP reaches a process after {@code kill} returns, and a
 * pause that did not wait let a request slip through now and then (seen in MemcachedTransportIT);
 * the rounds repeat so such a gap would show.
 */
class ServerProcessPauseIT {
  private static final int ROUNDS = 300;

  @Test
  void pause_returnsWithEveryThreadStopped_andResume_withNoneStopped() {
    String binary = ServerProcess.findBinary("memcached").orElseThrow(() -> new IllegalStateException("no memcached on the PATH"));
    try (ServerProcess server = ServerProcess.start("memcached", port -> MemcachedServerExtension.arguments(binary, port))) {
      for (int round = 0; round < ROUNDS; round++) {
        server.pause();
        assertThat(ServerProcess.threadStates(server.pid())).as("thread states after pause(), round %d", round).isNotEmpty().containsOnly('T');

        server.resume();
        assertThat(ServerProcess.threadStates(server.pid())).as("thread states after resume(), round %d", round).doesNotContain('T');
        assertThat(ContainerServer.answers(ContainerSpec.Server.MEMCACHED, server.port())).as("answers after resume(), round %d", round).isTrue();
      }
    }
  }
}
