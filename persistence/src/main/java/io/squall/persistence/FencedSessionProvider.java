package io.squall.persistence;

import akka.actor.ActorSystem;
import akka.actor.typed.javadsl.Adapter;
import akka.stream.alpakka.cassandra.CqlSessionProvider;
import akka.stream.alpakka.cassandra.DriverConfigLoaderFromConfig;
import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.CqlSessionBuilder;
import com.datastax.oss.driver.api.core.config.DriverConfigLoader;
import com.datastax.oss.driver.api.core.context.DriverContext;
import com.datastax.oss.driver.api.core.session.ProgrammaticArguments;
import com.datastax.oss.driver.internal.core.context.DefaultDriverContext;
import com.datastax.oss.driver.internal.core.context.NettyOptions;
import com.typesafe.config.Config;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.Timer;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Future;
import io.squall.persistence.internal.PauseFence;
import java.io.IOException;
import scala.concurrent.ExecutionContext;
import scala.jdk.javaapi.FutureConverters;

/**
 * The Cassandra sessions of a Squall node — journal, snapshots, projections, aggregates — built as
 * Akka's default provider builds them, reporting to the node's {@link NodeMetrics}, with {@link
 * PauseFence} as the last step before the socket of every connection, and authentication and TLS as
 * {@link CassandraSecurity} switches them on: a node that was paused sends nothing more (see {@link
 * PauseGuard}). Named by {@code session-provider} in {@code persistence.conf}.
 */
public final class FencedSessionProvider implements CqlSessionProvider {
  private final ActorSystem system;
  private final Config config;

  public FencedSessionProvider(ActorSystem system, Config config) {
    this.system = system;
    this.config = config;
  }

  @Override
  public scala.concurrent.Future<CqlSession> connect(ExecutionContext ec) {
    DriverConfigLoader loader =
        DriverConfigLoaderFromConfig.fromConfig(
            CassandraSecurity.driverConfig(
                CqlSessionProvider.driverConfig(system, config), system.settings().config()));
    return FutureConverters.asScala(
        new FencedSessionBuilder()
            .withConfigLoader(loader)
            .withMetricRegistry(NodeMetrics.get(Adapter.toTyped(system)).registry())
            .buildAsync());
  }

  private static final class FencedSessionBuilder extends CqlSessionBuilder {
    @Override
    protected DriverContext buildContext(
        DriverConfigLoader configLoader, ProgrammaticArguments programmaticArguments) {
      return new DefaultDriverContext(configLoader, programmaticArguments) {
        @Override
        protected NettyOptions buildNettyOptions() {
          return new FencedNettyOptions(super.buildNettyOptions());
        }
      };
    }
  }

  /**
   * The socket of every Cassandra connection: it writes nothing once the process was paused. The
   * pipeline's {@link PauseFence} cannot see every write: when the socket's send buffer was full,
   * Netty keeps the rest and sends it once the socket drains ({@code OP_WRITE}, {@code
   * forceFlush}), past every handler, so bytes queued before a freeze could go out after the thaw.
   * Every write of the channel, that one included, passes here.
   */
  public static final class FencedSocketChannel extends NioSocketChannel {
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
      if (!PauseGuard.processAllowsWrites()) {
        // Netty fails the pending writes and closes the connection
        throw new IOException(
            "this Squall node was paused and may have been downed: it sends nothing to Cassandra");
      }
      super.doWrite(in);
    }
  }

  private record FencedNettyOptions(NettyOptions delegate) implements NettyOptions {
    private static final PauseFence FENCE = new PauseFence(PauseGuard::processAllowsWrites);

    @Override
    public void afterChannelInitialized(Channel channel) {
      delegate.afterChannelInitialized(channel);
      // first in the pipeline is last on the way out: after encoding, right before the socket
      channel.pipeline().addFirst("squall-pause-fence", FENCE);
    }

    @Override
    public EventLoopGroup ioEventLoopGroup() {
      return delegate.ioEventLoopGroup();
    }

    @Override
    public Class<? extends Channel> channelClass() {
      return delegate.channelClass() == NioSocketChannel.class
          ? FencedSocketChannel.class
          : delegate.channelClass();
    }

    @Override
    public EventExecutorGroup adminEventExecutorGroup() {
      return delegate.adminEventExecutorGroup();
    }

    @Override
    public ByteBufAllocator allocator() {
      return delegate.allocator();
    }

    @Override
    public void afterBootstrapInitialized(Bootstrap bootstrap) {
      delegate.afterBootstrapInitialized(bootstrap);
    }

    @Override
    public Future<Void> onClose() {
      return delegate.onClose();
    }

    @Override
    public Timer getTimer() {
      return delegate.getTimer();
    }
  }
}
