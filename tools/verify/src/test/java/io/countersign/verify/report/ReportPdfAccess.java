package io.countersign.verify.report;

/** Lets tests in other packages render a page as the report does. */
public final class ReportPdfAccess {
    private ReportPdfAccess() {
    }

    public static byte[] render(String xhtml) {
        return ReportPdf.render(xhtml);
    }
}
