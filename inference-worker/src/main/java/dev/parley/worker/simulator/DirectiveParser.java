package dev.parley.worker.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Splits a user message into the prompt text and its {@code #sim:} directive lines (syntax in {@link LlmSimulator}). */
final class DirectiveParser {

    static final String PREFIX = "#sim:";
    static final List<String> KEYS = List.of("reply", "tokens", "ttft_ms", "itl_ms", "fail_after", "stall_after",
        "disconnect_after", "status", "finish", "echo", "thinking", "batch", "on");
    /** What a simulated backend may be called: it is a path segment, {@code /{name}/v1/...}. */
    static final Pattern BACKEND_NAME = Pattern.compile("[a-z0-9_-]+");
    /** The one directive that is a bare word: it takes no value. */
    static final String ECHO = "echo";

    static final int MAX_TOKENS = 100_000;
    static final long MAX_MILLIS = 600_000;
    static final int MAX_AFTER = 1_000_000;

    /** A user message without its directive lines, and what those lines asked for. */
    record ParsedPrompt(String prompt, Directives directives) {
    }

    private DirectiveParser() {
    }

    /** Separates the directive lines of a message sent to the unnamed backend (lines with {@code on=} skipped). */
    static ParsedPrompt parse(String message) {
        return parse(message, null);
    }

    /**
     * Separates the directive lines of a message from its prompt text, keeping the lines meant for this backend:
     * those without {@code on=} and those whose {@code on=} names it. Every line is checked, meant for it or not,
     * so a typo on another backend's line is still refused.
     *
     * @param backend the simulated backend's name from the path, or null for the unprefixed paths
     * @throws DirectiveException naming the first bad key
     */
    static ParsedPrompt parse(String message, String backend) {
        if (message == null || !message.contains(PREFIX)) {
            return new ParsedPrompt(message == null ? "" : message, Directives.NONE);
        }
        Builder builder = new Builder();
        List<String> promptLines = new ArrayList<>();
        for (String line : message.split("\n", -1)) {
            String trimmed = line.strip();
            if (trimmed.startsWith(PREFIX)) {
                Builder lineBuilder = new Builder();
                parseInto(trimmed.substring(PREFIX.length()), lineBuilder);
                if (lineBuilder.on == null || backend != null && lineBuilder.on.contains(backend)) {
                    builder.merge(lineBuilder);
                }
            } else {
                promptLines.add(line);
            }
        }
        return new ParsedPrompt(String.join("\n", promptLines), builder.build());
    }

    /**
     * Parses space-separated {@code key=value} pairs (the part of a line after {@code #sim:}).
     *
     * @throws DirectiveException naming the first bad key
     */
    static Directives parsePairs(String text) {
        Builder builder = new Builder();
        parseInto(text, builder);
        if (builder.on != null) {
            throw new DirectiveException("on", "on= scopes a #sim: line of a message; it has no meaning here");
        }
        return builder.build();
    }

    private static void parseInto(String text, Builder builder) {
        int i = 0;
        int n = text.length();
        while (true) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return;
            }
            int keyStart = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String key = text.substring(keyStart, i);
            if (key.equals(ECHO) && (i >= n || text.charAt(i) != '=')) {
                builder.echo = true;
                continue;
            }
            if (i >= n || text.charAt(i) != '=') {
                throw new DirectiveException(key, "#sim directive '" + key + "' has no value; write " + key
                    + "=value");
            }
            i++;
            String value;
            if (i < n && text.charAt(i) == '"') {
                StringBuilder quoted = new StringBuilder();
                i = readQuoted(text, i + 1, key, quoted);
                if (i < n && !Character.isWhitespace(text.charAt(i))) {
                    throw new DirectiveException(key, "#sim directive '" + key
                        + "': a quoted value must be followed by a space or the end of the line");
                }
                value = quoted.toString();
            } else {
                int valueStart = i;
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                value = text.substring(valueStart, i);
            }
            builder.set(key, value);
        }
    }

    /** Reads a quoted value from just after its opening quote; returns the index after the closing quote. */
    private static int readQuoted(String text, int start, String key, StringBuilder out) {
        int i = start;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '"') {
                return i + 1;
            }
            if (c == '\\') {
                if (i + 1 >= text.length()) {
                    break;
                }
                char escaped = text.charAt(i + 1);
                switch (escaped) {
                    case '"' -> out.append('"');
                    case '\\' -> out.append('\\');
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    default -> throw new DirectiveException(key, "#sim directive '" + key + "': unknown escape \\"
                        + escaped + " (use \\\", \\\\, \\n, \\r or \\t)");
                }
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        throw new DirectiveException(key, "#sim directive '" + key + "': the quoted value has no closing \"");
    }

    /** Collects values across several directive lines; a later line overrides an earlier one key by key. */
    private static final class Builder {
        private String reply;
        private Integer tokens;
        private Long ttftMs;
        private Long itlMs;
        private Fault fault;
        private String finish;
        private boolean echo;
        private Integer thinking;
        private BatchFault batch;
        /** The backends this line is for; null for every backend. */
        private List<String> on;

        void set(String key, String value) {
            switch (key) {
                case "reply" -> reply = value;
                case "tokens" -> tokens = (int) number(key, value, 0, MAX_TOKENS);
                case "ttft_ms" -> ttftMs = number(key, value, 0, MAX_MILLIS);
                case "itl_ms" -> itlMs = number(key, value, 0, MAX_MILLIS);
                case "fail_after", "stall_after", "disconnect_after" ->
                    setFault(key, new Fault(Fault.Kind.ofKey(key), (int) number(key, value, 0, MAX_AFTER)));
                case "status" -> setFault(key, new Fault(Fault.Kind.STATUS, (int) number(key, value, 400, 599)));
                case "thinking" -> thinking = (int) number(key, value, 0, MAX_TOKENS);
                case "on" -> on = backendNames(value);
                case "batch" -> batch = batchFault(value);
                case "finish" -> {
                    if (!value.equals("stop") && !value.equals("length")) {
                        throw new DirectiveException(key, "#sim directive finish=" + value
                            + ": finish must be stop or length");
                    }
                    finish = value;
                }
                case ECHO -> throw new DirectiveException(key, "#sim directive echo takes no value; write #sim: echo");
                default -> throw new DirectiveException(key, "unknown #sim directive '" + key + "'; known: "
                    + String.join(", ", KEYS));
            }
        }

        /** Takes the values another line set, key by key, under the same one-fault rule. */
        void merge(Builder line) {
            reply = line.reply != null ? line.reply : reply;
            tokens = line.tokens != null ? line.tokens : tokens;
            ttftMs = line.ttftMs != null ? line.ttftMs : ttftMs;
            itlMs = line.itlMs != null ? line.itlMs : itlMs;
            finish = line.finish != null ? line.finish : finish;
            thinking = line.thinking != null ? line.thinking : thinking;
            batch = line.batch != null ? line.batch : batch;
            echo |= line.echo;
            if (line.fault != null) {
                setFault(line.fault.kind().key(), line.fault);
            }
        }

        private static BatchFault batchFault(String value) {
            BatchFault fault = BatchFault.ofKey(value);
            if (fault == null) {
                throw new DirectiveException("batch", "#sim directive batch=" + value
                    + ": batch must be omit, duplicate, extra, malformed or cut");
            }
            return fault;
        }

        private static List<String> backendNames(String value) {
            List<String> names = List.of(value.split(",", -1));
            for (String name : names) {
                if (!BACKEND_NAME.matcher(name).matches()) {
                    throw new DirectiveException("on", "#sim directive on=" + value
                        + ": name simulated backends with a-z, 0-9, _ and -, several separated by commas");
                }
            }
            return names;
        }

        private void setFault(String key, Fault next) {
            if (fault != null && fault.kind() != next.kind()) {
                throw new DirectiveException(key, "#sim directive '" + key + "' conflicts with " + fault.kind().key()
                    + ": one fault per request");
            }
            fault = next;
        }

        private static long number(String key, String value, long min, long max) {
            try {
                long parsed = Long.parseLong(value);
                if (parsed >= min && parsed <= max) {
                    return parsed;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new DirectiveException(key, "#sim directive " + key + "=" + value + ": " + key
                + " must be a whole number from " + min + " to " + max);
        }

        Directives build() {
            return new Directives(reply, tokens, ttftMs, itlMs, fault, finish, echo, thinking, batch);
        }
    }
}
