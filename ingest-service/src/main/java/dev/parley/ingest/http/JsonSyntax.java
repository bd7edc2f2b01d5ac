package dev.parley.ingest.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.List;

/**
 * Where a JSON request body goes wrong, said for a person ({@code ": line 1, column 14"}, {@code ": messages[0].role
 * is not valid"}): never the parser's own message, which names its classes and its input source.
 */
public final class JsonSyntax {

    private JsonSyntax() {
    }

    /** The place of the first JSON error in {@code error}'s causes, or "" when the parser did not say. */
    public static String where(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
                return ": " + path(mapping.getPath()) + " is not valid";
            }
            JsonLocation at = cause instanceof JsonProcessingException parse ? parse.getLocation() : null;
            if (at != null && at.getLineNr() > 0) {
                return ": line " + at.getLineNr() + ", column " + at.getColumnNr();
            }
        }
        return "";
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(reference.getFieldName());
            } else {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
