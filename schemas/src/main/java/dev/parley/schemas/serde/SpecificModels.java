package dev.parley.schemas.serde;

import org.apache.avro.data.TimeConversions;
import org.apache.avro.specific.SpecificData;

/**
 * The Avro data model of a generated record class, able to convert every logical type Parley's schemas use. A
 * generated class's own model only knows the conversions of its top-level fields, so a nullable timestamp inside
 * a nested record (a snapshot's open commitments' dueAt) would not serialize without this.
 */
final class SpecificModels {

    private SpecificModels() {
    }

    static SpecificData forClass(Class<?> recordClass) {
        SpecificData model = SpecificData.getForClass(recordClass);
        model.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimestampMicrosConversion());
        model.addLogicalTypeConversion(new TimeConversions.DateConversion());
        model.addLogicalTypeConversion(new TimeConversions.TimeMillisConversion());
        return model;
    }
}
