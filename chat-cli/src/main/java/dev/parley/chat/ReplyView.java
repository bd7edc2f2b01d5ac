package dev.parley.chat;

/** What the terminal shows of a reply while it streams. */
interface ReplyView {

    void token(String text);

    /** A staged route's stage begins (its name and the backend answering it). */
    void stageStarted(String stage, String backend);

    /** The worker regenerates the turn as a new attempt: what was shown so far is not the reply. */
    void regenerating(int attempt);

    /** The connection broke off before the reply ended; the follower reconnects and the reply goes on where it stopped. */
    void connectionLost();
}
