package io.stellarelease.service;

import io.stellarelease.history.CompatibilityMatrix;
import io.stellarelease.history.ReleaseHistory;
import io.stellarelease.history.ReleaseWatches;
import io.stellarelease.history.SupportWindows;
import io.stellarelease.intake.HttpAnswerException;
import org.apache.camel.Exchange;

import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The release history over HTTP: {@code GET /api/v1/releases[?date=YYYY-MM-DD]} (every suite and module released,
 * with its support status on that date, today by default) and {@code GET /api/v1/compatibility} (JSON, or Markdown
 * with {@code ?format=markdown} or {@code Accept: text/markdown}).
 */
public class HistoryApi {
    private final ReleaseHistory history;
    private final SupportWindows support;
    private final CompatibilityMatrix matrix;
    private final Clock clock;
    private final ReleaseWatches watches;

    public HistoryApi(ReleaseHistory history, SupportWindows support, CompatibilityMatrix matrix, Clock clock) {
        this.history = history;
        this.watches = new ReleaseWatches(history);
        this.support = support;
        this.matrix = matrix;
        this.clock = clock;
    }

    public HttpAnswer releases(Exchange exchange) {
        LocalDate date = date(exchange.getMessage().getHeader("date", String.class));
        List<ReleaseHistory.Entry> all = history.entries();
        List<Map<String, Object>> releases = new ArrayList<>();
        Map<String, ReleaseWatches.Watch> watched = watches();
        List<ReleaseHistory.Entry> newestFirst = new ArrayList<>(all);
        java.util.Collections.reverse(newestFirst);
        var supportOn = support.on(all, date); // the history gone through once, not once per release
        for (ReleaseHistory.Entry e : newestFirst) {
            SupportWindows.Support s = supportOn.apply(e);
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("kind", e.kind());
            r.put("name", e.name());
            r.put("version", e.version());
            r.put("tag", e.tag());
            r.put("channel", e.channel());
            r.put("codename", e.codename());
            if (e.hotfixOf() != null) {
                r.put("hotfixOf", e.hotfixOf());
            }
            r.put("releasedAt", e.releasedAt().toString());
            r.put("status", s.status());
            r.put("standardUntil", s.standardUntil() == null ? null : s.standardUntil().toString());
            r.put("securityUntil", s.securityUntil() == null ? null : s.securityUntil().toString());
            if (e.kind().equals("suite")) {
                r.put("watch", watched.get(e.tag()));
            }
            releases.add(r);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("date", date.toString());
        body.put("releases", releases);
        return new HttpAnswer(200, body);
    }

    public HttpAnswer compatibility(Exchange exchange) {
        String format = exchange.getMessage().getHeader("format", String.class);
        String accept = exchange.getMessage().getHeader("Accept", String.class);
        boolean markdown = format != null ? switch (format) {
            case "markdown", "md" -> true;
            case "json" -> false;
            default -> throw new HttpAnswerException(400, "format must be json or markdown: got '" + format + "'");
        } : accept != null && accept.contains("text/markdown");
        List<ReleaseHistory.Entry> all = history.entries();
        Map<String, ReleaseWatches.Watch> watched = watches();
        if (markdown) {
            return new HttpAnswer(200, matrix.markdown(all, watched), Map.of(Exchange.CONTENT_TYPE, "text/markdown; charset=utf-8"));
        }
        return new HttpAnswer(200, matrix.json(all, watched));
    }

    private Map<String, ReleaseWatches.Watch> watches() {
        Map<String, ReleaseWatches.Watch> byTag = new LinkedHashMap<>();
        watches.all().forEach(w -> byTag.put(w.tag(), w));
        return byTag;
    }

    private LocalDate date(String text) {
        if (text == null || text.isBlank()) {
            return LocalDate.now(clock);
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new HttpAnswerException(400, "date must be YYYY-MM-DD: got '" + text + "'");
        }
    }
}
