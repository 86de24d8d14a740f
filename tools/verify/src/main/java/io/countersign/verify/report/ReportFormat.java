package io.countersign.verify.report;

import java.util.List;

/** The names of a report zip's members (docs/report-format.md §1). */
final class ReportFormat {
    static final String FORMAT = "countersign-report/1";
    static final String MANIFEST = "report-manifest.json";
    static final String HTML = "report.html";
    static final String PDF = "report.pdf";
    static final String FIGURES = "figures.json";
    static final String POPULATION = "population.csv";
    static final String EXCEPTIONS = "exceptions.csv";
    static final String SAMPLE = "sample.json";
    static final String EVIDENCE = "evidence.zip";
    /** The members a checker recomputes from the evidence, byte for byte. */
    static final List<String> DERIVED = List.of(HTML, FIGURES, POPULATION, EXCEPTIONS, SAMPLE);

    private ReportFormat() {
    }
}
