package io.squall.multijvm;

import akka.actor.ActorSystem;
import akka.discovery.Discovery;
import akka.discovery.Lookup;
import akka.discovery.ServiceDiscovery;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Looks up Squall's contact points as a node's Cluster Bootstrap does (the node's configuration:
 * service name and discovery method), with the port name given as the only argument, and prints one
 * line per target: {@code resolved HOST PORT ADDRESS}.
 *
 * <p>A process of its own, because the discovery reads the Kubernetes API's address from
 * environment variables only (see {@link KubernetesApi}).
 */
final class DiscoveryLookup {
  static final String PREFIX = "resolved ";
  private static final String BOOTSTRAP =
      "akka.management.cluster.bootstrap.contact-point-discovery";

  private DiscoveryLookup() {}

  public static void main(String[] args) throws Exception {
    Config config =
        ConfigFactory.parseString(
                "akka.actor.provider = local\nakka.coordinated-shutdown.exit-jvm = off")
            .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("Squall", config);
    try {
      ServiceDiscovery discovery =
          Discovery.get(system)
              .loadServiceDiscovery(config.getString(BOOTSTRAP + ".discovery-method"));
      Lookup lookup =
          Lookup.create(config.getString(BOOTSTRAP + ".service-name"))
              .withPortName(args[0])
              .withProtocol("tcp");
      ServiceDiscovery.Resolved resolved =
          discovery
              .lookup(lookup, Duration.ofSeconds(10))
              .toCompletableFuture()
              .get(20, TimeUnit.SECONDS);
      for (ServiceDiscovery.ResolvedTarget target : resolved.getAddresses()) {
        System.out.println(
            PREFIX
                + target.host()
                + " "
                + target.getPort().map(String::valueOf).orElse("-")
                + " "
                + target.getAddress().map(a -> a.getHostAddress()).orElse("-"));
      }
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }
}
