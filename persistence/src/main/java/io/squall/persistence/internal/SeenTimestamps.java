package io.squall.persistence.internal;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import org.roaringbitmap.RoaringBitmap;
import org.roaringbitmap.longlong.Roaring64NavigableMap;

/**
 * Every timestamp a device ever recorded, exactly, with no horizon — in compressed bitmaps at the
 * coarsest resolution that holds each timestamp without loss: whole hours (a station-year of hourly
 * readings is one run: a few dozen bytes), whole seconds, then milliseconds for the rest.
 *
 * <p>Mutable on purpose: the entity's event handler adds to it in place, because copying it per
 * event would make recovery quadratic. {@link #copy()} is what leaves the entity's thread.
 */
public final class SeenTimestamps {
  private static final long SECONDS_PER_HOUR = 3_600;
  private static final int FORMAT = 1;

  private final RoaringBitmap hours;
  private final RoaringBitmap seconds;
  private final Roaring64NavigableMap millis;

  public SeenTimestamps() {
    this(new RoaringBitmap(), new RoaringBitmap(), new Roaring64NavigableMap());
  }

  private SeenTimestamps(RoaringBitmap hours, RoaringBitmap seconds, Roaring64NavigableMap millis) {
    this.hours = hours;
    this.seconds = seconds;
    this.millis = millis;
  }

  private enum Tier {
    HOURS,
    SECONDS,
    MILLIS
  }

  private static Tier tier(Instant timestamp) {
    if (timestamp.getNano() != 0) {
      return Tier.MILLIS;
    }
    long epochSecond = timestamp.getEpochSecond();
    long hour = Math.floorDiv(epochSecond, SECONDS_PER_HOUR);
    if (Math.floorMod(epochSecond, SECONDS_PER_HOUR) == 0
        && hour >= Integer.MIN_VALUE
        && hour <= Integer.MAX_VALUE) {
      return Tier.HOURS;
    }
    return epochSecond >= 0 && epochSecond <= 0xFFFF_FFFFL ? Tier.SECONDS : Tier.MILLIS;
  }

  private static int hour(Instant timestamp) {
    return (int) Math.floorDiv(timestamp.getEpochSecond(), SECONDS_PER_HOUR);
  }

  /** Records {@code timestamp}; true if it was not seen before. */
  public boolean add(Instant timestamp) {
    return switch (tier(timestamp)) {
      case HOURS -> hours.checkedAdd(hour(timestamp));
      case SECONDS -> seconds.checkedAdd((int) timestamp.getEpochSecond());
      case MILLIS -> {
        boolean added = !millis.contains(timestamp.toEpochMilli());
        millis.addLong(timestamp.toEpochMilli());
        yield added;
      }
    };
  }

  /** Whether {@code timestamp} was recorded. */
  public boolean contains(Instant timestamp) {
    return switch (tier(timestamp)) {
      case HOURS -> hours.contains(hour(timestamp));
      case SECONDS -> seconds.contains((int) timestamp.getEpochSecond());
      case MILLIS -> millis.contains(timestamp.toEpochMilli());
    };
  }

  /**
   * Whether any timestamp from {@code fromEpochSecond} (inclusive) to {@code toEpochSecond}
   * (exclusive) was recorded. May answer true for a range it cannot check exactly (before 1970 or
   * beyond the tiers' ranges), never false for one that holds a timestamp.
   */
  public boolean anyBetween(long fromEpochSecond, long toEpochSecond) {
    if (fromEpochSecond < 0 || toEpochSecond > 0xFFFF_FFFFL) {
      return true;
    }
    long fromHour = Math.floorDiv(fromEpochSecond, SECONDS_PER_HOUR);
    long toHour = Math.floorDiv(toEpochSecond + SECONDS_PER_HOUR - 1, SECONDS_PER_HOUR);
    if (hours.intersects(fromHour, toHour) || seconds.intersects(fromEpochSecond, toEpochSecond)) {
      return true;
    }
    if (millis.isEmpty()) {
      return false;
    }
    long fromMilli = fromEpochSecond * 1_000;
    long toMilli = toEpochSecond * 1_000;
    return millis.rankLong(toMilli - 1) - (fromMilli == 0 ? 0 : millis.rankLong(fromMilli - 1)) > 0;
  }

  public boolean isEmpty() {
    return hours.isEmpty() && seconds.isEmpty() && millis.isEmpty();
  }

  public long size() {
    return hours.getLongCardinality() + seconds.getLongCardinality() + millis.getLongCardinality();
  }

  /** An independent copy, safe to hand to another thread. */
  public SeenTimestamps copy() {
    return fromBytes(toBytes());
  }

  /** The compact serialized form (run-length optimized), as stored in snapshots. */
  @JsonValue
  public byte[] toBytes() {
    hours.runOptimize();
    seconds.runOptimize();
    millis.runOptimize();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(FORMAT);
      hours.serialize(out);
      seconds.serialize(out);
      millis.serialize(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  public static SeenTimestamps fromBytes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int format = in.readByte();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unknown seen-timestamps format " + format);
      }
      RoaringBitmap hours = new RoaringBitmap();
      hours.deserialize(in);
      RoaringBitmap seconds = new RoaringBitmap();
      seconds.deserialize(in);
      Roaring64NavigableMap millis = new Roaring64NavigableMap();
      millis.deserialize(in);
      return new SeenTimestamps(hours, seconds, millis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SeenTimestamps that
        && hours.equals(that.hours)
        && seconds.equals(that.seconds)
        && millis.equals(that.millis);
  }

  @Override
  public int hashCode() {
    return hours.hashCode() * 31 + seconds.hashCode();
  }

  @Override
  public String toString() {
    return "SeenTimestamps(" + size() + ")";
  }
}
