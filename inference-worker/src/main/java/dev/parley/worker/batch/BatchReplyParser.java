package dev.parley.worker.batch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Reads a batch call's reply, a JSON array of {@code {"agent": "...", "reply": "..."}} objects, as its text streams
 * in, with Jackson's non-blocking parser: each object is reported the moment it closes, and the reply string of an
 * object whose agent is already named is previewed as it arrives ({@link JsonStringPreview}), so each agent's text
 * can stream before its object is complete. Text before the array (a model's preamble or a Markdown code fence) and
 * after it is ignored. Not thread-safe: one call's callbacks feed it in order.
 */
public final class BatchReplyParser {

    /** What the parser found. */
    public interface Listener {

        /** More of {@code agent}'s reply, before its object is complete. */
        void replyText(String agent, String delta);

        /** An object closed: {@code reply} is its whole reply (null when it had none, or agent was missing). */
        void answered(String agent, String reply);

        /** The reply is not the expected JSON (or ended inside the array): nothing more will be reported. */
        void malformed(String reason);
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Listener listener;
    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private boolean arrayStarted;
    private boolean inArray;
    private boolean finished;
    private long fedBytes;
    /** Nesting inside the array: 1 = inside an agent's object, more = inside a value of it. */
    private int depth;
    private String field;
    private String agent;
    private String reply;
    private JsonStringPreview preview;
    private String previewAgent;
    private final StringBuilder previewed = new StringBuilder();

    public BatchReplyParser(Listener listener) {
        this.listener = listener;
        try {
            this.parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /** Feeds more of the reply's text. */
    public void feed(String text) {
        if (finished || text.isEmpty()) {
            return;
        }
        if (!arrayStarted) {
            int open = text.indexOf('[');
            if (open < 0) {
                return; // a preamble before the array
            }
            arrayStarted = true;
            text = text.substring(open);
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        long chunkStart = fedBytes;
        fedBytes += bytes.length;
        try {
            feeder.feedInput(bytes, 0, bytes.length);
            int previewFrom = 0;
            for (JsonToken token; !finished && (token = parser.nextToken()) != JsonToken.NOT_AVAILABLE; ) {
                if (token == null) {
                    break;
                }
                int fieldEnd = take(token);
                if (fieldEnd >= 0) {
                    previewFrom = (int) Math.max(0, fieldEnd - chunkStart);
                }
            }
            if (preview != null) {
                preview.accept(bytes, previewFrom, bytes.length, this::previewText);
            }
        } catch (JsonProcessingException e) {
            fail("the batch reply is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte-array feeder does no I/O
        }
    }

    /** The reply's stream ended: reports it malformed if the array never closed. */
    public void finish() {
        if (finished) {
            return;
        }
        finished = true;
        listener.malformed(arrayStarted ? "the batch reply ended before its JSON array closed"
            : "the batch reply has no JSON array");
    }

    /** True once the array has closed (or the reply was found malformed). */
    public boolean done() {
        return finished;
    }

    /** Handles one token; answers where a {@code reply} field's name ended (a byte offset), or -1. */
    private int take(JsonToken token) throws IOException {
        if (depth == 0) {
            return rootToken(token);
        }
        switch (token) {
            case START_OBJECT, START_ARRAY -> depth++;
            case END_OBJECT, END_ARRAY -> {
                depth--;
                if (depth == 1) {
                    field = null;
                } else if (depth == 0) {
                    endObject();
                }
            }
            case FIELD_NAME -> {
                if (depth == 1) {
                    field = parser.currentName();
                    if ("reply".equals(field) && agent != null) {
                        preview = new JsonStringPreview();
                        previewAgent = agent;
                        previewed.setLength(0);
                        return (int) parser.currentLocation().getByteOffset();
                    }
                }
            }
            case VALUE_STRING -> {
                if (depth == 1 && "agent".equals(field)) {
                    agent = parser.getText();
                } else if (depth == 1 && "reply".equals(field)) {
                    replyComplete(parser.getText());
                }
            }
            default -> {
                // numbers, booleans, nulls: not ours
            }
        }
        return -1;
    }

    private int rootToken(JsonToken token) {
        if (token == JsonToken.START_ARRAY && !inArray) {
            inArray = true;
        } else if (token == JsonToken.START_OBJECT && inArray) {
            depth = 1;
            agent = null;
            reply = null;
            field = null;
        } else if (token == JsonToken.END_ARRAY && inArray) {
            finished = true;
        } else {
            fail("the batch reply's array holds a " + token.asString() + " where an agent's object belongs");
        }
        return -1;
    }

    /** The reply string is complete: what its preview has not streamed yet goes out now. */
    private void replyComplete(String text) {
        reply = text;
        preview = null;
        if (previewAgent != null) {
            String streamed = previewed.toString();
            if (!text.startsWith(streamed)) {
                throw new IllegalStateException("previewed text is not a prefix of the reply"); // a preview bug
            }
            previewText(text.substring(streamed.length()));
        }
    }

    private void endObject() {
        preview = null;
        String streamedTo = previewAgent;
        previewAgent = null;
        previewed.setLength(0);
        if (streamedTo != null && !streamedTo.equals(agent)) {
            listener.answered(streamedTo, null); // its text went out, then the object named another agent
            return;
        }
        if (streamedTo == null && agent != null && reply != null) {
            listener.replyText(agent, reply); // the reply came before the agent's name: nothing was previewed
        }
        listener.answered(agent, reply);
    }

    private void previewText(String delta) {
        if (!delta.isEmpty()) {
            previewed.append(delta);
            listener.replyText(previewAgent, delta);
        }
    }

    private void fail(String reason) {
        finished = true;
        preview = null;
        listener.malformed(reason);
    }
}
