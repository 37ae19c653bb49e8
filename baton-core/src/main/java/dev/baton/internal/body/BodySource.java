package dev.baton.internal.body;

/**
 * The protocol side of a {@link RequestBodyStream}: where its bytes come from, told when to stop
 * and go on. HTTP/1.1 turns reading the connection off and on; an HTTP/2 stream would withhold
 * and return its flow-control window. Called on the stream's event loop.
 */
public interface BodySource {

    /** The reader holds enough: stop reading. */
    void pause();

    /** Read again. */
    void resume();

    /** The reader asked for its first bytes (HTTP/1.1 sends an owed {@code 100 Continue} now). */
    void started();

    /**
     * The answer is going out before the body ended: the rest is unwanted. True if the rest is
     * drained and the connection (or stream) goes on after the answer, false if it must close.
     */
    boolean abandon(long received, long length);

    /** For a body that is complete already (an aggregated one). */
    BodySource NONE = new BodySource() {
        @Override
        public void pause() {
        }

        @Override
        public void resume() {
        }

        @Override
        public void started() {
        }

        @Override
        public boolean abandon(long received, long length) {
            return true;
        }
    };
}
