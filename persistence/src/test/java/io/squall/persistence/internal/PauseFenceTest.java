package io.squall.persistence.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PauseFenceTest {
  private final AtomicBoolean allowed = new AtomicBoolean(true);
  private final EmbeddedChannel channel = new EmbeddedChannel(new PauseFence(allowed::get));

  private static ByteBuf frame(String text) {
    return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
  }

  private String sent() {
    ByteBuf out = channel.readOutbound();
    try {
      return out == null ? null : out.toString(StandardCharsets.UTF_8);
    } finally {
      if (out != null) {
        out.release();
      }
    }
  }

  @Test
  void shouldPassEveryWriteOfANodeThatWasNotPaused() {
    ChannelFuture write = channel.writeAndFlush(frame("insert 1"));

    assertTrue(write.isSuccess());
    assertEquals("insert 1", sent());
  }

  @Test
  void shouldRefuseAWriteMadeAfterAPause() {
    allowed.set(false);
    ByteBuf frame = frame("insert 2");

    ChannelFuture write = channel.writeAndFlush(frame);

    assertFalse(write.isSuccess());
    assertTrue(write.cause().getMessage().startsWith("this Squall node was paused"));
    assertEquals(0, frame.refCnt(), "a refused frame is released");
    assertNull(sent());
  }

  @Test
  void shouldDropWhatWasWrittenBeforeThePauseButNotYetFlushed() {
    ChannelFuture queued = channel.write(frame("insert 3"));
    allowed.set(false);

    channel.flush();

    assertNull(sent());
    assertFalse(queued.isSuccess());
    assertFalse(channel.isOpen(), "the connection closes, discarding its outbound buffer");
  }
}
