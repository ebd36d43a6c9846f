package io.squall.persistence;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;

/**
 * The meters of one node: every module records on {@link #registry()}, and the node adds the
 * registry that exports them (Prometheus). It lives in the lowest module so the Cassandra sessions
 * built here can report too; one per actor system, so nodes that share a JVM in tests keep their
 * counts apart.
 */
public final class NodeMetrics implements Extension {
  private static final ExtensionId<NodeMetrics> ID =
      new ExtensionId<>() {
        @Override
        public NodeMetrics createExtension(ActorSystem<?> system) {
          return new NodeMetrics();
        }
      };

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();

  private NodeMetrics() {}

  public static NodeMetrics get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Where this node's meters are recorded; meters added before an exporter still reach it. */
  public MeterRegistry registry() {
    return registry;
  }

  /** Exports every meter of this node, those recorded so far included, to {@code exporter}. */
  public void exportTo(MeterRegistry exporter) {
    registry.add(exporter);
  }
}
