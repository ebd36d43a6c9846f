package io.squall.persistence.internal;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.function.BooleanSupplier;

/**
 * The last handler before the socket on every Cassandra connection of a Squall node: once this
 * process was paused (as {@code PauseGuard} tells) it lets no byte out. Whatever the driver still
 * held when the process froze — a journal write waiting for its event loop, a retry, bytes buffered
 * for the next flush — is dropped when it thaws, and the connection closed, instead of reaching a
 * journal that another node may own by then. The check runs on the event loop immediately before
 * the write system call: the request throttler the driver offers gates a request when it is
 * registered, and a write registered just before a freeze still went out after it (see {@code
 * NodeFreezeIT}). What Netty sends past the pipeline (the rest of a write the full socket could not
 * take) is stopped by the channel itself ({@code FencedSessionProvider.FencedSocketChannel}).
 */
@ChannelHandler.Sharable
public final class PauseFence extends ChannelOutboundHandlerAdapter {
  private final BooleanSupplier allowed;

  /** {@code allowed}: false once the process was paused, and from then on. */
  public PauseFence(BooleanSupplier allowed) {
    this.allowed = allowed;
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (allowed.getAsBoolean()) {
      ctx.write(msg, promise);
    } else {
      ReferenceCountUtil.release(msg);
      promise.setFailure(refused());
    }
  }

  @Override
  public void flush(ChannelHandlerContext ctx) {
    if (allowed.getAsBoolean()) {
      ctx.flush();
    } else {
      // closing discards what earlier writes left in the outbound buffer, unsent
      ctx.close();
    }
  }

  private static IOException refused() {
    return new IOException(
        "this Squall node was paused and may have been downed: it sends nothing to Cassandra");
  }
}
