package dev.parley.schemas.serde;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;

/** Refuses records whose writer picked a union branch the reader's union does not have. */
final class UnknownUnionBranchGuard {

    // Avro resolves such a branch to any reader branch of the same shape: a consumer built before
    // ReplyCancelled existed would read one as a ReplyFailed without a word. Only writer/reader
    // pairs where that can happen get a guard, and only records that use such a branch, in a
    // field the reader reads, are refused.

    /** A writer/reader pair already examined: recursive types would otherwise loop. */
    private record Pair(Schema writer, Schema reader) {
    }

    private final Schema writer;
    private final Schema reader;
    private final GenericDatumReader<Object> writerReader;

    private UnknownUnionBranchGuard(Schema writer, Schema reader) {
        this.writer = writer;
        this.reader = reader;
        this.writerReader = new GenericDatumReader<>(writer, writer, GenericData.get());
    }

    /** A guard when somewhere a named writer branch meets a reader union without that name. */
    static Optional<UnknownUnionBranchGuard> between(Schema writer, Schema reader) {
        return risky(writer, reader, new HashSet<>())
                ? Optional.of(new UnknownUnionBranchGuard(writer, reader))
                : Optional.empty();
    }

    /** Throws when the record in {@code data[offset..offset+length)} uses a branch the reader lacks. */
    void check(byte[] data, int offset, int length, String readerName) throws IOException {
        Object datum = writerReader.read(null, DecoderFactory.get().binaryDecoder(data, offset, length, null));
        walk(writer, reader, datum, readerName);
    }

    private static void walk(Schema w, Schema r, Object datum, String readerName) {
        if (w.getType() == Schema.Type.UNION) {
            walk(w.getTypes().get(GenericData.get().resolveUnion(w, datum)), r, datum, readerName);
            return;
        }
        if (r.getType() == Schema.Type.UNION) {
            Schema branch = readerBranch(r, w);
            if (branch == null && isNamed(w)) {
                throw new SerializationException("the writer used " + w.getFullName() + ", which " + readerName
                        + " does not know (Avro would read it as a look-alike branch): "
                        + "upgrade this consumer's schemas");
            }
            if (branch != null) {
                walk(w, branch, datum, readerName);
            }
            return;
        }
        switch (w.getType()) {
            case RECORD -> {
                if (r.getType() != Schema.Type.RECORD) {
                    return;
                }
                IndexedRecord record = (IndexedRecord) datum;
                for (Schema.Field wf : w.getFields()) {
                    Schema.Field rf = readerField(r, wf);
                    if (rf != null) {
                        walk(wf.schema(), rf.schema(), record.get(wf.pos()), readerName);
                    }
                }
            }
            case ARRAY -> {
                if (r.getType() == Schema.Type.ARRAY) {
                    for (Object element : (Collection<?>) datum) {
                        walk(w.getElementType(), r.getElementType(), element, readerName);
                    }
                }
            }
            case MAP -> {
                if (r.getType() == Schema.Type.MAP) {
                    for (Object value : ((Map<?, ?>) datum).values()) {
                        walk(w.getValueType(), r.getValueType(), value, readerName);
                    }
                }
            }
            default -> {
                // primitives, enums and fixed hold no unions
            }
        }
    }

    private static boolean risky(Schema w, Schema r, Set<Pair> visited) {
        if (!visited.add(new Pair(w, r))) {
            return false;
        }
        if (w.getType() == Schema.Type.UNION) {
            return w.getTypes().stream().anyMatch(branch -> risky(branch, r, visited));
        }
        if (r.getType() == Schema.Type.UNION) {
            Schema branch = readerBranch(r, w);
            return branch == null ? isNamed(w) : risky(w, branch, visited);
        }
        return switch (w.getType()) {
            case RECORD -> r.getType() == Schema.Type.RECORD && w.getFields().stream().anyMatch(wf -> {
                Schema.Field rf = readerField(r, wf);
                return rf != null && risky(wf.schema(), rf.schema(), visited);
            });
            case ARRAY -> r.getType() == Schema.Type.ARRAY && risky(w.getElementType(), r.getElementType(), visited);
            case MAP -> r.getType() == Schema.Type.MAP && risky(w.getValueType(), r.getValueType(), visited);
            default -> false;
        };
    }

    /** The reader branch Avro pairs with writer type {@code w} by name (named types) or by type. */
    private static Schema readerBranch(Schema readerUnion, Schema w) {
        for (Schema branch : readerUnion.getTypes()) {
            if (branch.getType() != w.getType()) {
                continue;
            }
            if (!isNamed(w) || branch.getFullName().equals(w.getFullName())
                    || branch.getAliases().contains(w.getFullName())) {
                return branch;
            }
        }
        return null;
    }

    private static Schema.Field readerField(Schema reader, Schema.Field wf) {
        Schema.Field rf = reader.getField(wf.name());
        if (rf != null) {
            return rf;
        }
        return reader.getFields().stream().filter(f -> f.aliases().contains(wf.name())).findFirst().orElse(null);
    }

    private static boolean isNamed(Schema schema) {
        return schema.getType() == Schema.Type.RECORD || schema.getType() == Schema.Type.ENUM
                || schema.getType() == Schema.Type.FIXED;
    }
}
