package dev.parley.chat;

import java.io.BufferedReader;
import java.io.IOException;

/** The interactive loop: reads a message (a line ending in \ goes on), sends it or runs a command, until the end. */
final class Prompt {

    private final Conversation chat;
    private final Screen screen;
    private final BufferedReader input;

    Prompt(Conversation chat, Screen screen, BufferedReader input) {
        this.chat = chat;
        this.screen = screen;
        this.input = input;
    }

    int run() throws InterruptedException {
        while (true) {
            String message = read();
            if (message == null) {
                screen.endLine();
                return 0;
            }
            if (message.isBlank()) {
                continue;
            }
            try {
                if (Conversation.isCommand(message)) {
                    if (!chat.command(message)) {
                        return 0;
                    }
                } else {
                    chat.send(message);
                }
            } catch (GatewayException e) {
                screen.notice("[" + e + "]");
            } catch (IOException e) {
                screen.notice("[cannot reach Parley: " + e + "]");
            }
        }
    }

    /** The next message; null at the end of input (Ctrl-D). */
    private String read() {
        StringBuilder message = new StringBuilder();
        screen.prompt("> ");
        try {
            for (String line; (line = input.readLine()) != null; ) {
                screen.entered();
                if (!line.endsWith("\\")) {
                    return message.append(line).toString();
                }
                message.append(line, 0, line.length() - 1).append('\n');
            }
        } catch (IOException e) {
            screen.notice("[cannot read the terminal: " + e + "]");
        }
        return null;
    }
}
