package dev.cascade.cache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cascade.cache.testkit.ServerSource.Choice;
import dev.cascade.cache.testkit.ServerSource.EngineProbe;
import dev.cascade.cache.testkit.ServerSource.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The choice between containers and local binaries, with the engine probe replaced by a plain
 * answer, so that every branch runs on a machine without a Docker engine.
 */
class ServerSourceTest {
  private static final EngineProbe NO_ENGINE = Optional::empty;
  private static final EngineProbe LOCAL_ENGINE = () -> Optional.of("localhost");
  private static final EngineProbe NEVER_ASKED =
      () -> {
        throw new AssertionError("the Docker probe was called");
      };

  @Test
  void choose_unsetAndNoEngine_local() {
    Choice choice = ServerSource.choose(null, NO_ENGINE);

    assertThat(choice.kind()).isEqualTo(Kind.LOCAL);
    assertThat(choice.reason()).isEqualTo("cascade.testkit.servers=auto and no Docker engine answers");
  }

  @Test
  void choose_autoAndNoEngine_local() {
    assertThat(ServerSource.choose("auto", NO_ENGINE).kind()).isEqualTo(Kind.LOCAL);
  }

  @Test
  void choose_unsetAndLocalEngine_docker() {
    Choice choice = ServerSource.choose(null, LOCAL_ENGINE);

    assertThat(choice.kind()).isEqualTo(Kind.DOCKER);
    assertThat(choice.reason()).isEqualTo("cascade.testkit.servers=auto and a Docker engine answers on localhost");
  }

  @Test
  void choose_dockerAndLocalEngine_docker() {
    assertThat(ServerSource.choose("docker", () -> Optional.of("127.0.0.1")).kind()).isEqualTo(Kind.DOCKER);
  }

  @Test
  void choose_valueInOtherCaseWithSpaces_accepted() {
    assertThat(ServerSource.choose(" Docker ", LOCAL_ENGINE).kind()).isEqualTo(Kind.DOCKER);
    assertThat(ServerSource.choose("LOCAL", NEVER_ASKED).kind()).isEqualTo(Kind.LOCAL);
  }

  @Test
  void choose_dockerAndNoEngine_failsNamingThePropertyAndTheWayOut() {
    assertThatThrownBy(() -> ServerSource.choose("docker", NO_ENGINE))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cascade.testkit.servers=docker, but no Docker engine answers")
        .hasMessageContaining("cascade.testkit.servers=local");
  }

  @Test
  void choose_local_neverAsksDocker() {
    Choice choice = ServerSource.choose("local", NEVER_ASKED);

    assertThat(choice.kind()).isEqualTo(Kind.LOCAL);
    assertThat(choice.reason()).isEqualTo("cascade.testkit.servers=local");
  }

  @Test
  void choose_unknownValue_failsNamingTheValueWithoutAskingDocker() {
    assertThatThrownBy(() -> ServerSource.choose("dokcer", NEVER_ASKED))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cascade.testkit.servers must be auto, docker or local, was 'dokcer'");
  }

  @Test
  void choose_engineOnAnotherMachine_autoTakesLocalAndDockerFails() {
    EngineProbe remote = () -> Optional.of("10.1.2.3");

    Choice auto = ServerSource.choose("auto", remote);
    assertThat(auto.kind()).isEqualTo(Kind.LOCAL);
    assertThat(auto.reason()).contains("10.1.2.3", "127.0.0.1");
    assertThatThrownBy(() -> ServerSource.choose("docker", remote))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cascade.testkit.servers=docker, but the Docker engine publishes ports on 10.1.2.3");
  }

  @Test
  void choose_probeFails_autoTakesLocalAndDockerFailsWithTheCause() {
    IllegalArgumentException broken = new IllegalArgumentException("bad ~/.testcontainers.properties");
    EngineProbe failing =
        () -> {
          throw broken;
        };

    Choice auto = ServerSource.choose(null, failing);
    assertThat(auto.kind()).isEqualTo(Kind.LOCAL);
    assertThat(auto.reason()).contains("asking Testcontainers for a Docker engine failed", "bad ~/.testcontainers.properties");
    assertThatThrownBy(() -> ServerSource.choose("docker", failing))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("cascade.testkit.servers=docker, but asking Testcontainers for a Docker engine failed")
        .hasCause(broken);
  }

  @Test
  void choice_calledTwice_probesAndLogsOnce() {
    AtomicInteger probes = new AtomicInteger();
    List<String> log = new ArrayList<>();
    ServerSource source =
        new ServerSource(
            () -> {
              probes.incrementAndGet();
              return Optional.empty();
            },
            key -> null,
            log::add);

    Choice first = source.choice();
    Choice second = source.choice();

    assertThat(second).isSameAs(first);
    assertThat(probes).hasValue(1);
    assertThat(log).containsExactly("Cascade testkit: servers from local binaries (cascade.testkit.servers=auto and no Docker engine answers)");
  }

  @Test
  void choice_docker_logsImagesAndWhatStaysLocal() {
    List<String> log = new ArrayList<>();
    Map<String, String> properties = Map.of("cascade.testkit.redis.image", "myregistry/redis:7.2");
    ServerSource source = new ServerSource(LOCAL_ENGINE, properties::get, log::add);

    assertThat(source.choice().kind()).isEqualTo(Kind.DOCKER);
    assertThat(log).singleElement().asString()
        .startsWith("Cascade testkit: servers from Docker containers for standalone Redis (myregistry/redis:7.2) and memcached (memcached:1.6); ")
        .contains(ServerSource.LOCAL_ONLY)
        .endsWith("(cascade.testkit.servers=auto and a Docker engine answers on localhost)");
  }

  @Test
  void choice_dockerWithoutEngine_failsOnEveryCallAfterOneProbe() {
    AtomicInteger probes = new AtomicInteger();
    List<String> log = new ArrayList<>();
    ServerSource source =
        new ServerSource(
            () -> {
              probes.incrementAndGet();
              return Optional.empty();
            },
            Map.of(ServerSource.PROPERTY, "docker")::get,
            log::add);

    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(source::choice)
          .isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cascade.testkit.servers=docker, but no Docker engine answers");
    }
    assertThat(probes).hasValue(1);
    assertThat(log).singleElement().asString().startsWith("Cascade testkit: no server source: cascade.testkit.servers=docker, but");
  }

  @Test
  void choice_local_neverAsksDocker() {
    ServerSource source = new ServerSource(NEVER_ASKED, Map.of(ServerSource.PROPERTY, "local")::get, message -> {});

    assertThat(source.choice().kind()).isEqualTo(Kind.LOCAL);
    assertThat(source.localOnly("Redis Cluster").kind()).isEqualTo(Kind.LOCAL);
  }

  @Test
  void localOnly_dockerChosen_logsOncePerServer() {
    List<String> log = new ArrayList<>();
    ServerSource source = new ServerSource(LOCAL_ENGINE, key -> null, log::add);

    source.localOnly("Redis Cluster");
    source.localOnly("Redis Cluster");
    source.localOnly("Redis Sentinel");

    assertThat(log).hasSize(3);
    assertThat(log.get(1)).startsWith("Cascade testkit: Redis Cluster from the local redis-server binary, not a container (");
    assertThat(log.get(2)).startsWith("Cascade testkit: Redis Sentinel from the local redis-server binary, not a container (");
  }

  @Test
  void localOnly_localChosen_logsOnlyTheChoice() {
    List<String> log = new ArrayList<>();
    ServerSource source = new ServerSource(NO_ENGINE, key -> null, log::add);

    source.localOnly("Redis Cluster");

    assertThat(log).containsExactly("Cascade testkit: servers from local binaries (cascade.testkit.servers=auto and no Docker engine answers)");
  }
}
