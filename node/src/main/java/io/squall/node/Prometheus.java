package io.squall.node;

import akka.actor.typed.ActorSystem;
import akka.actor.typed.Extension;
import akka.actor.typed.ExtensionId;
import akka.cluster.typed.Cluster;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.squall.persistence.NodeMetrics;

/**
 * This node's meters, and the JVM's, in Prometheus' text format: what {@code GET /metrics} on the
 * management port answers ({@link MetricsRoutes}).
 */
final class Prometheus implements Extension {
  private static final ExtensionId<Prometheus> ID =
      new ExtensionId<>() {
        @Override
        public Prometheus createExtension(ActorSystem<?> system) {
          return new Prometheus(system);
        }
      };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Prometheus(ActorSystem<?> system) {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    Gauge.builder(
            "squall.cluster.unreachable.members",
            () -> Cluster.get(system).state().getUnreachable().size())
        .description("Cluster members this node sees as unreachable")
        .register(NodeMetrics.get(system).registry());
    NodeMetrics.get(system).exportTo(registry);
    system.getWhenTerminated().thenRun(gc::close);
  }

  static Prometheus get(ActorSystem<?> system) {
    return system.registerExtension(ID);
  }

  /** Every meter, in the Prometheus text exposition format 0.0.4. */
  String scrape() {
    return registry.scrape();
  }
}
