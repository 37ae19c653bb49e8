package dev.baton.internal.netty;

/**
 * A request's place in the worker queue until a worker takes it. Given back when the request
 * ends first (timed out, abandoned), so that an ended request does not keep live ones out of a
 * full queue.
 */
final class QueuePlace {
    private final WorkerPool workers;
    private volatile WorkerPool.Task task;

    QueuePlace(WorkerPool workers) {
        this.workers = workers;
    }

    /** The request waits in the queue as {@code task}. */
    void hold(WorkerPool.Task task) {
        this.task = task;
    }

    /** The request ended: a place still held is withdrawn from the queue. */
    void giveBack() {
        WorkerPool.Task t = task;
        if (t != null) {
            task = null;
            workers.withdraw(t);
        }
    }
}
