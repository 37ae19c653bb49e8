package dev.baton.demo.front;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.client.ClientResponse;
import dev.baton.client.HttpStatusException;
import dev.baton.context.RequestContext;
import dev.baton.controller.Body;
import dev.baton.controller.Controller;
import dev.baton.controller.Get;
import dev.baton.controller.Post;
import dev.baton.controller.Query;
import dev.baton.demo.front.ReportOperation.ReportRequest;
import dev.baton.demo.web.Page;
import dev.baton.http.HttpException;
import dev.baton.http.Response;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * The report page, over the operations API of this same server: a form starts a report
 * ({@code POST /operations/report}) and lands on {@code /report?id=...}, which shows its state
 * and follows its event stream ({@code GET /operations/{id}/events}) with a progress bar; a
 * reload, or the URL opened anywhere, re-attaches. Cancel sends {@code DELETE /operations/{id}}.
 * The forms work without script; only the live progress bar needs it.
 */
@Controller("/report")
public final class ReportPages {
    private final Outbound outbound;

    public ReportPages(Outbound outbound) {
        this.outbound = outbound;
    }

    @Get
    public CompletionStage<Page> page(@Query("id") Optional<String> id, RequestContext ctx) {
        if (id.isEmpty()) {
            return outbound.self("GET", "/operations?type=" + ReportOperation.TYPE + "&pageSize=5").in(ctx).send()
                    .thenApply(res -> ReportViews.start(res.isSuccess() ? res.as(JsonNode.class).path("value") : null,
                            ctx.request().headers().first("Host").orElse("localhost"))); // as the browser reached it
        }
        return outbound.self("GET", "/operations/" + encode(id.get())).in(ctx).send().thenApply(res -> {
            if (res.status() == 404 || res.status() == 400) {
                return ReportViews.missing(id.get());
            }
            return ReportViews.report(ok(res).as(JsonNode.class));
        });
    }

    /** The start form: starts a report and sends the browser to its page (303 See Other). */
    @Post
    public CompletionStage<Response> start(@Body String form, RequestContext ctx) {
        Map<String, String> fields = form(form);
        ReportRequest input;
        try {
            input = new ReportRequest(number(fields, "sections"), number(fields, "sectionMillis"));
        } catch (IllegalArgumentException e) {
            throw HttpException.badRequest(e.getMessage());
        }
        return outbound.self("POST", "/operations/" + ReportOperation.TYPE).json(input).in(ctx).send()
                .thenApply(res -> seeOther(ok(res).as(JsonNode.class).path("id").asText()));
    }

    /** The cancel form: asks for the report to stop, then shows it (canceled soon after). */
    @Post("/cancel")
    public CompletionStage<Response> cancel(@Body String form, RequestContext ctx) {
        String id = Optional.ofNullable(form(form).get("id")).filter(s -> !s.isBlank())
                .orElseThrow(() -> HttpException.badRequest("the form has no report id"));
        // 202 while it stops, 409 if it had already finished: either way its page tells
        return outbound.self("DELETE", "/operations/" + encode(id)).in(ctx).send().thenApply(res -> seeOther(id));
    }

    private static Response seeOther(String id) {
        return Response.status(303).header("Location", "/report?id=" + encode(id)).build();
    }

    private static ClientResponse ok(ClientResponse res) {
        if (!res.isSuccess()) {
            throw new HttpStatusException(res, "the operations API answered " + res.status());
        }
        return res;
    }

    /** An application/x-www-form-urlencoded body, one value per name. */
    private static Map<String, String> form(String body) {
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                fields.putIfAbsent(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw HttpException.badRequest("the form is not application/x-www-form-urlencoded");
            }
        }
        return fields;
    }

    private static Integer number(Map<String, String> fields, String name) {
        String v = fields.get(name);
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(v.strip());
        } catch (NumberFormatException e) {
            throw HttpException.badRequest("form field '" + name + "' must be a whole number, got '" + v + "'");
        }
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
