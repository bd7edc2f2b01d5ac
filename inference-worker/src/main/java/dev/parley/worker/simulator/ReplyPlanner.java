package dev.parley.worker.simulator;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;

/** Decides a request's {@link ReplyPlan} from its messages, its directives and the simulator's defaults. */
final class ReplyPlanner {

    private final SimulatorConfig config;

    ReplyPlanner(SimulatorConfig config) {
        this.config = config;
    }

    /**
     * @param options  what the request asks of the reply ({@link Protocol#options})
     * @param messages the conversation as role/content messages ({@link Protocol#messages})
     * @param fault    the fault to play (the request's or the configured default), never a status fault
     * @param cache    how the request used the prompt cache ({@link PrefixCache#use})
     */
    ReplyPlan plan(Protocol protocol, ReplyOptions options, JsonArray messages, DirectiveParser.ParsedPrompt prompt,
                   Fault fault, PrefixCache.Use cache) {
        return plan(protocol, options, messages, prompt, replyTokens(prompt, () -> echo(messages)), fault, cache);
    }

    /**
     * What the simulator answers to one prompt, uncapped: the echo, the exact reply, or text generated from the prompt.
     *
     * @param echo what {@code #sim: echo} replies with
     */
    List<String> replyTokens(DirectiveParser.ParsedPrompt prompt, Supplier<String> echo) {
        Directives directives = prompt.directives();
        return directives.echo() ? ReplyText.split(echo.get())
            : directives.reply() != null ? ReplyText.split(directives.reply())
            : ReplyText.generate(prompt.prompt(),
                directives.tokens() != null ? directives.tokens() : config.replyTokens());
    }

    /**
     * The plan of a reply whose tokens are chosen already (a batch call's array): {@code prompt}'s directives still
     * decide the timing, the finish and the thinking, and the stop sequences and {@code max_tokens} still cut the
     * tokens.
     */
    ReplyPlan plan(Protocol protocol, ReplyOptions options, JsonArray messages, DirectiveParser.ParsedPrompt prompt,
                   List<String> tokens, Fault fault, PrefixCache.Use cache) {
        Directives directives = prompt.directives();
        String finish = directives.finish() != null ? directives.finish() : ReplyPlan.STOP;
        // a stop sequence ends the reply where it begins, unless max_tokens ends it sooner, as with a model
        StopSequences stopped = StopSequences.apply(tokens, options.stop());
        tokens = stopped.tokens();
        String stopSequence = stopped.sequence();
        if (stopSequence != null) {
            finish = ReplyPlan.STOP;
        }
        int maxTokens = options.maxTokens();
        if (maxTokens > 0 && tokens.size() > maxTokens) {
            tokens = tokens.subList(0, maxTokens);
            finish = ReplyPlan.LENGTH;
            stopSequence = null;
        }
        // only Anthropic's protocol has thinking blocks; the others ignore the directive
        List<String> thinking = protocol == Protocol.ANTHROPIC && directives.thinking() != null
            ? ReplyText.generate("thinking about " + prompt.prompt(), directives.thinking()) : List.of();
        long ttft = directives.ttftMs() != null ? directives.ttftMs() : config.timeToFirstToken().toMillis();
        long itl = directives.itlMs() != null ? directives.itlMs() : config.interTokenLatency().toMillis();
        return new ReplyPlan(tokens, thinking, ttft, itl, fault, finish, promptWords(messages, prompt.prompt()),
            options.stream(), options.includeUsage(), cache, stopSequence);
    }

    /**
     * The text of the last user message; content may be a string or an array of {type:text} parts, and then it is the
     * last part: a client that merges consecutive user turns into one message (Anthropic requires alternating roles)
     * sends each turn as its own part, and only the newest turn's directives apply, as with the other protocols.
     */
    static String lastUserMessage(JsonArray messages) {
        int index = lastUserIndex(messages);
        if (index < 0) {
            return "";
        }
        Object content = messages.getJsonObject(index).getValue("content");
        if (content instanceof JsonArray parts) {
            for (int i = parts.size() - 1; i >= 0; i--) {
                if (parts.getValue(i) instanceof JsonObject part && part.getValue("text") instanceof String text) {
                    return text;
                }
            }
            return "";
        }
        return text(content);
    }

    /** The messages as received, reduced to role and content: what {@code #sim: echo} replies with. */
    private static String echo(JsonArray messages) {
        JsonArray echoed = new JsonArray();
        for (int i = 0; i < messages.size(); i++) {
            if (messages.getValue(i) instanceof JsonObject message) {
                echoed.add(new JsonObject().put("role", message.getValue("role"))
                    .put("content", text(message.getValue("content"))));
            }
        }
        return echoed.encode();
    }

    private static int lastUserIndex(JsonArray messages) {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.getValue(i) instanceof JsonObject message && "user".equals(message.getValue("role"))) {
                return i;
            }
        }
        return -1;
    }

    static String text(Object content) {
        if (content instanceof String text) {
            return text;
        }
        if (content instanceof JsonArray parts) {
            StringBuilder text = new StringBuilder();
            for (Object part : parts) {
                if (part instanceof JsonObject object && object.getValue("text") instanceof String piece) {
                    text.append(text.length() == 0 ? "" : "\n").append(piece);
                }
            }
            return text.toString();
        }
        return "";
    }

    /** A stand-in for prompt tokens: the words of every message, directive lines left out. */
    private static int promptWords(JsonArray messages, String lastUserPrompt) {
        int lastUser = lastUserIndex(messages);
        int words = 0;
        for (int i = 0; i < messages.size(); i++) {
            if (i == lastUser) {
                words += words(lastUserPrompt);
            } else if (messages.getValue(i) instanceof JsonObject message) {
                words += words(text(message.getValue("content")));
            }
        }
        return words;
    }

    static int words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
    }
}
