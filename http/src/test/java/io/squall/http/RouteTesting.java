package io.squall.http;

import akka.actor.typed.ActorSystem;
import akka.http.javadsl.model.HttpResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
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

  static JsonNode json(HttpResponse response, ActorSystem<?> system) throws Exception {
    return JsonSupport.MAPPER.readTree(
        response
            .entity()
            .toStrict(5_000, system)
            .toCompletableFuture()
            .get(5, TimeUnit.SECONDS)
            .getData()
            .utf8String());
  }
}
