package io.countersign.verify.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ReportHtmlTest {

    @Test
    void figuresAreLabelledAsAReaderSaysThem() {
        assertEquals("grants refused: action mismatch", ReportHtml.label("events.grants.refused.action-mismatch"));
        assertEquals("by status: approved", ReportHtml.label("requests.byStatus.approved"));
        assertEquals("log: checkpoint size", ReportHtml.label("log.checkpointSize"));
    }

    @Test
    void aFigurePath_findsCountersNamedWithDots_andAbsentCountersAreZero() throws Exception {
        var figures = new ObjectMapper().readTree("{\"events\":{\"grants.refused.expired\":3},"
                + "\"requests\":{\"byStatus\":{\"open\":2}}}");
        assertEquals(3, ReportHtml.figure(figures, "events.grants.refused.expired"));
        assertEquals(2, ReportHtml.figure(figures, "requests.byStatus.open"));
        assertEquals(0, ReportHtml.figure(figures, "events.standing.used"));
    }

    @Test
    void textIsEscaped() {
        assertEquals("&lt;script&gt;&amp;&quot;&#39;", ReportHtml.escape("<script>&\"'"));
    }
}
