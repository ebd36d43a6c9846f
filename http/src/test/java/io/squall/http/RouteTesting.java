package io.squall.http;

import akka.actor.typed.ActorSystem;
import akka.cluster.sharding.typed.javadsl.ClusterSharding;
import akka.http.javadsl.model.HttpResponse;
import akka.persistence.testkit.PersistenceTestKitPlugin;
import akka.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.squall.persistence.Device;
import io.squall.persistence.Reading;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the route tests share: a one-node cluster's settings and the JSON of an answer. */
final class RouteTesting {
  private RouteTesting() {}

  /** A cluster of one on a free port, Kafka at a closed port, then {@code overrides}. */
  static Config clusterConfig(String... overrides) {
    return ConfigFactory.parseString(String.join("\n", overrides))
        .withFallback(
            ConfigFactory.parseString(
                String.join(
                    "\n",
                    "akka.actor.provider = cluster",
                    "akka.remote.artery.canonical.hostname = 127.0.0.1",
                    "akka.remote.artery.canonical.port = 0",
                    "squall.kafka.bootstrap-servers = \"127.0.0.1:1\"")));
  }

  /**
   * {@link #clusterConfig} with devices on the in-memory journal and the modules' settings: what
   * the route tests run a node's API on.
   */
  static Config devicesConfig(String... overrides) {
    return clusterConfig(overrides)
        .withFallback(PersistenceTestKitPlugin.getInstance().config())
        .withFallback(PersistenceTestKitSnapshotPlugin.config())
        .withFallback(ConfigFactory.parseResources("serialization.conf"))
        .withFallback(ConfigFactory.parseResources("persistence.conf"))
        .withFallback(ConfigFactory.parseResources("kafka.conf"))
        .withFallback(ConfigFactory.parseResources("http.conf"))
        .withFallback(ConfigFactory.load())
        .resolve();
  }

  /** Records one temperature of {@code device} (5.0 at 2008-01-01T00:00Z) through sharding. */
  static void recordOneReading(ActorSystem<?> system, String device) throws Exception {
    ClusterSharding.get(system)
        .entityRefFor(Device.ENTITY_KEY, device)
        .<Device.Recorded>askWithStatus(
            replyTo ->
                new Device.Record(
                    List.of(
                        new Reading(
                            device,
                            Instant.parse("2008-01-01T00:00:00Z"),
                            Map.of("temperature", 5.0))),
                    Device.Origin.NONE,
                    replyTo),
            Duration.ofSeconds(30))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  static JsonNode json(HttpResponse response, ActorSystem<?> system) throws Exception {
    return JsonSupport.MAPPER.readTree(text(response, system));
  }

  /** The whole body of {@code response}, as UTF-8. */
  static String text(HttpResponse response, ActorSystem<?> system) throws Exception {
    return response
        .entity()
        .toStrict(5_000, system)
        .toCompletableFuture()
        .get(5, TimeUnit.SECONDS)
        .getData()
        .utf8String();
  }
}
