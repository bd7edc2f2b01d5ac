package dev.parley.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;

/** Confluent's framing: magic byte {@code 0x00}, a 4-byte big-endian schema id, then Avro binary. */
public final class WireFormat {

    /** The first byte of every framed record. */
    public static final byte MAGIC_BYTE = 0x0;
    /** Magic byte plus schema id. */
    public static final int HEADER_SIZE = 5;

    private WireFormat() {
    }

    /** Writes the magic byte and {@code schemaId}. */
    public static void writeHeader(ByteArrayOutputStream out, int schemaId) {
        out.write(MAGIC_BYTE);
        out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
    }

    /**
     * The schema id of a framed record.
     *
     * @throws SerializationException when the record is too short or does not start with the magic byte
     */
    public static int schemaId(byte[] data) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException("record too short for the Confluent wire format: " + data.length
                    + " bytes, expected at least " + HEADER_SIZE + " (magic byte 0x00 and a 4-byte schema id)");
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(String.format(
                    "unknown magic byte 0x%02x: not a Confluent-wire-format Avro record (expected 0x00)", data[0]));
        }
        return ByteBuffer.wrap(data, 1, 4).getInt();
    }
}
