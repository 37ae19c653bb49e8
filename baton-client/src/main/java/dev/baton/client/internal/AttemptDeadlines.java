package dev.baton.client.internal;

import dev.baton.client.ClientRequest;
import dev.baton.context.Deadline;
import java.time.Duration;

/**
 * What bounds one attempt. The attempt's timeout and the inbound request's deadline bound the
 * whole exchange; the call's own deadline ({@code Call.deadline}, the retry budget) bounds it
 * until the call has its outcome: the whole response when it is buffered, its head when it is
 * streamed, whose body then belongs to its reader (a budget must not cut an event stream short).
 * When the inbound deadline comes first, the timer is a backstop a little after it: the inbound
 * request's server times it out, and so aborts the call, first, and answers with its status.
 *
 * @param left              what the attempt has until the call's outcome; past it, it does not start
 * @param sent              the time sent on as {@code Baton-Timeout}: what the server may take
 * @param timer             when the attempt fails, until the call has its outcome
 * @param streamTimer       when it fails once a streamed head was handed over
 * @param callDeadlineFirst true if the call's own deadline, not the attempt's timeout, set {@code timer}
 */
record AttemptDeadlines(Deadline left, Deadline sent, Deadline timer, Deadline streamTimer, boolean callDeadlineFirst) {
    private static final Duration INBOUND_GRACE = Duration.ofMillis(50);

    static AttemptDeadlines of(ClientRequest request, CallState call) {
        Deadline timeout = request.timeout().isZero() ? Deadline.NONE : Deadline.after(request.timeout());
        Deadline inbound = call.inboundDeadline();
        Deadline own = timeout.min(call.ownDeadline());
        Deadline timer = timer(own, inbound);
        boolean streamed = request.streamResponse();
        Deadline streamTimer = streamed && !own.equals(timeout) ? timer(timeout, inbound) : timer;
        return new AttemptDeadlines(own.min(inbound), (streamed ? timeout : own).min(inbound), timer, streamTimer,
                own.compareTo(timeout) < 0);
    }

    private static Deadline timer(Deadline own, Deadline inbound) {
        return own.compareTo(inbound) <= 0 ? own : Deadline.after(inbound.remaining().plus(INBOUND_GRACE)).min(own);
    }
}
