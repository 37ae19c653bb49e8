package dev.baton.demo.web;

/**
 * What a page action returns: the {@link Stopwatch} filter renders it into the site's layout with
 * the action's elapsed time. Both strings except {@code title} are HTML (escape what you put in
 * them with {@link Html#escape}).
 *
 * @param title  the page's name (escaped when written)
 * @param lead   one paragraph: what the page proves (HTML)
 * @param body   the rest (HTML)
 * @param status the response's status
 */
public record Page(String title, String lead, String body, int status) {

    /** A page answered with 200. */
    public Page(String title, String lead, String body) {
        this(title, lead, body, 200);
    }
}
