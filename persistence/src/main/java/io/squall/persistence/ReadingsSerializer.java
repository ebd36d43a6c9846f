package io.squall.persistence;

import akka.actor.ExtendedActorSystem;
import akka.actor.typed.ActorRef;
import akka.actor.typed.ActorRefResolver;
import akka.actor.typed.javadsl.Adapter;
import akka.pattern.StatusReply;
import akka.serialization.SerializerWithStringManifest;
import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compact format of readings: the journal's {@link Device.ReadingsRecorded} events and the
 * {@link Device.Record} commands a consumer sends to a device on another node (large batches would
 * not fit a remoting frame in CBOR). The event's fields once, its metric names once, then per
 * reading the timestamp as a difference to the previous one and each value as a decimal of up to
 * three places when it is one exactly (a weather reading: 2–3 bytes), else its eight bytes. About
 * 40 bytes per reading of eight metrics, where Jackson CBOR repeated the device id and every metric
 * name (about 250). Every value round-trips bit for bit.
 *
 * <p>Events journaled earlier in CBOR keep their serializer id and still read through Jackson.
 */
public final class ReadingsSerializer extends SerializerWithStringManifest {
  /** This serializer's id in the journal's {@code ser_id} column; never change it. */
  public static final int IDENTIFIER = 7_410_001;

  static final String MANIFEST_V1 = "RR1";
  static final String RECORD_V1 = "RC1";

  private static final double[] POWERS = {1, 10, 100, 1_000};
  private static final int RAW = POWERS.length;
  private static final long EXACT_LIMIT = 1L << 53;

  private final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;

  public ReadingsSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  /** Without an actor system: events only (tests). */
  ReadingsSerializer() {
    this(null);
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return o instanceof Device.Record ? RECORD_V1 : MANIFEST_V1;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Device.ReadingsRecorded event) {
      Writer out = new Writer(64 + event.readings().size() * 48);
      out.varLong(event.version());
      out.string(event.deviceId());
      out.varLong(event.duplicates());
      out.string(event.topicPartition());
      out.zigZag(event.offset());
      writeReadings(out, event.readings(), false);
      return out.bytes();
    }
    if (o instanceof Device.Record record) {
      Writer out = new Writer(128 + record.readings().size() * 48);
      out.string(resolver().toSerializationFormat(record.replyTo()));
      out.string(record.origin().topicPartition());
      out.varLong(record.origin().offsets().size());
      long previous = 0;
      for (long offset : record.origin().offsets()) {
        out.zigZag(offset - previous);
        previous = offset;
      }
      writeReadings(out, record.readings(), true);
      return out.bytes();
    }
    throw new IllegalArgumentException("not a ReadingsRecorded or Record: " + o.getClass());
  }

  /**
   * Readings: the device id (a Record's, as a table of one that each reading points into), the
   * metric names once, then each reading's timestamp and the values it observed.
   */
  private static void writeReadings(Writer out, Readings readings, boolean withDevice) {
    if (withDevice) {
      out.varLong(readings.isEmpty() ? 0 : 1);
      if (!readings.isEmpty()) {
        out.string(readings.deviceId());
      }
    }
    int width = readings.metricCount();
    out.varLong(width);
    for (int m = 0; m < width; m++) {
      out.string(readings.metric(m));
    }
    out.varLong(readings.size());
    long previousMilli = 0;
    for (int i = 0; i < readings.size(); i++) {
      if (withDevice) {
        out.varLong(0);
      }
      long milli = readings.epochMilli(i);
      out.zigZag(milli - previousMilli);
      out.varLong(readings.subMilliNanos(i));
      previousMilli = milli;
      out.varLong(readings.entryEnd(i) - readings.entryStart(i));
      for (int e = readings.entryStart(i); e < readings.entryEnd(i); e++) {
        out.varLong(readings.entryMetric(e));
        value(out, readings.entryValue(e));
      }
    }
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!MANIFEST_V1.equals(manifest) && !RECORD_V1.equals(manifest)) {
      throw new NotSerializableException("unknown readings format " + manifest);
    }
    try {
      Reader in = new Reader(bytes);
      Object value = MANIFEST_V1.equals(manifest) ? readEvent(in) : readRecord(in);
      if (!in.atEnd()) {
        throw new IllegalArgumentException("bytes after the last reading");
      }
      return value;
    } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
      NotSerializableException malformed =
          new NotSerializableException("malformed " + manifest + " (" + e.getMessage() + ")");
      malformed.initCause(e);
      throw malformed;
    }
  }

  private static Device.ReadingsRecorded readEvent(Reader in) {
    int version = (int) in.varLong();
    String deviceId = in.string();
    int duplicates = (int) in.varLong();
    String topicPartition = in.string();
    long offset = in.zigZag();
    Readings readings = readReadings(in, new String[] {deviceId}, false);
    return new Device.ReadingsRecorded(
        version, deviceId, readings, duplicates, topicPartition, offset);
  }

  private Device.Record readRecord(Reader in) {
    ActorRef<StatusReply<Device.Recorded>> replyTo = resolver().resolveActorRef(in.string());
    String topicPartition = in.string();
    int offsetCount = in.count();
    List<Long> offsets = new ArrayList<>(offsetCount);
    long offset = 0;
    for (int i = 0; i < offsetCount; i++) {
      offset += in.zigZag();
      offsets.add(offset);
    }
    String[] devices = new String[in.count()];
    for (int i = 0; i < devices.length; i++) {
      devices[i] = in.string();
    }
    Readings readings = readReadings(in, devices, true);
    return new Device.Record(readings, new Device.Origin(topicPartition, offsets), replyTo);
  }

  /** Readings of one device; a Record's readings each name theirs (the same one, always). */
  private static Readings readReadings(Reader in, String[] devices, boolean perReading) {
    String[] names = new String[in.count()];
    for (int i = 0; i < names.length; i++) {
      names[i] = in.string();
    }
    int count = in.count();
    Readings.Columns columns =
        new Readings.Columns(devices.length == 0 ? "" : devices[0], names, count);
    long milli = 0;
    for (int r = 0; r < count; r++) {
      if (perReading && in.varLong() != 0) {
        throw new IllegalArgumentException("a Record holds readings of several devices");
      }
      milli += in.zigZag();
      columns.newRow(milli, (int) in.varLong());
      int metricCount = in.count();
      for (int m = 0; m < metricCount; m++) {
        columns.addEntry((int) in.varLong(), value(in));
      }
    }
    return columns.done();
  }

  private ActorRefResolver resolver() {
    ActorRefResolver current = resolver;
    if (current == null) {
      current = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = current;
    }
    return current;
  }

  /** A value as the fewest decimal places (0–3) that give it back exactly, else its raw bits. */
  private static void value(Writer out, double value) {
    for (int scale = 0; scale < RAW; scale++) {
      double scaled = value * POWERS[scale];
      if (Math.abs(scaled) < EXACT_LIMIT) {
        long unscaled = Math.round(scaled);
        if (Double.doubleToRawLongBits(decimal(unscaled, scale))
            == Double.doubleToRawLongBits(value)) {
          out.raw(scale);
          out.zigZag(unscaled);
          return;
        }
      }
    }
    out.raw(RAW);
    out.fixedLong(Double.doubleToRawLongBits(value));
  }

  private static double value(Reader in) {
    int scale = in.raw();
    return scale == RAW ? Double.longBitsToDouble(in.fixedLong()) : decimal(in.zigZag(), scale);
  }

  private static double decimal(long unscaled, int scale) {
    return scale == 0 ? (double) unscaled : unscaled / POWERS[scale];
  }

  private static final class Writer {
    private byte[] buffer;
    private int size;

    Writer(int capacity) {
      buffer = new byte[capacity];
    }

    void raw(int b) {
      if (size == buffer.length) {
        buffer = Arrays.copyOf(buffer, buffer.length * 2);
      }
      buffer[size++] = (byte) b;
    }

    void varLong(long value) {
      while ((value & ~0x7FL) != 0) {
        raw((int) ((value & 0x7F) | 0x80));
        value >>>= 7;
      }
      raw((int) value);
    }

    void zigZag(long value) {
      varLong((value << 1) ^ (value >> 63));
    }

    void fixedLong(long value) {
      for (int shift = 56; shift >= 0; shift -= 8) {
        raw((int) (value >>> shift));
      }
    }

    void string(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      varLong(utf8.length);
      for (byte b : utf8) {
        raw(b);
      }
    }

    byte[] bytes() {
      return Arrays.copyOf(buffer, size);
    }
  }

  private static final class Reader {
    private final byte[] buffer;
    private int position;

    Reader(byte[] buffer) {
      this.buffer = buffer;
    }

    int raw() {
      return buffer[position++] & 0xFF;
    }

    long varLong() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        int b = raw();
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
    }

    long zigZag() {
      long encoded = varLong();
      return (encoded >>> 1) ^ -(encoded & 1);
    }

    long fixedLong() {
      long value = 0;
      for (int i = 0; i < 8; i++) {
        value = (value << 8) | raw();
      }
      return value;
    }

    /** A count of what follows, each at least a byte: never more than the bytes left. */
    int count() {
      long count = varLong();
      if (count < 0 || count > buffer.length - position) {
        throw new IllegalArgumentException("count " + count + " exceeds the bytes left");
      }
      return (int) count;
    }

    boolean atEnd() {
      return position == buffer.length;
    }

    String string() {
      int length = count();
      String value = new String(buffer, position, length, StandardCharsets.UTF_8);
      position += length;
      return value;
    }
  }
}
