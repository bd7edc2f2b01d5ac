package dev.parley.chat;

/** How a turn ended, as its terminal event said: {@code done}, {@code failed} (with a reason) or {@code cancelled}. */
record ReplyOutcome(String type, String reason) {

    boolean completed() {
        return type.equals("done");
    }
}
