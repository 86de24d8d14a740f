package io.countersign.verify.report;

import com.openhtmltopdf.pdfboxout.PdfRendererBuilder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;
import org.apache.pdfbox.text.PDFTextStripper;

/**
 * {@code report.pdf}: the report page rendered in Java with the DejaVu fonts shipped in this jar, so every machine
 * draws the same glyphs. A PDF carries a creation time and an id, so it is checked by its text: the text of the
 * member must be the text of the page rendered again.
 */
final class ReportPdf {

    private static final String FONTS = "/io/countersign/verify/report/fonts/";

    private ReportPdf() {
    }

    /** Held here: java.util.logging keeps loggers only weakly, so a level set on one nobody holds is lost at a GC. */
    private static final java.util.logging.Logger PDFBOX_LOG = java.util.logging.Logger.getLogger("org.apache.pdfbox");

    static {
        // the renderer and PDFBox log through java.util.logging: per-page chatter and font fallbacks for PDF base
        // fonts the page never uses, which would bury the verifier's own output
        com.openhtmltopdf.util.XRLog.setLoggingEnabled(false);
        PDFBOX_LOG.setLevel(java.util.logging.Level.SEVERE);
    }

    static byte[] render(String xhtml) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            PdfRendererBuilder builder = new PdfRendererBuilder();
            builder.useFastMode();
            builder.useFont(() -> font("DejaVuSans.ttf"), "DejaVu Sans", 400,
                    com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle.NORMAL, true);
            builder.useFont(() -> font("DejaVuSans-Bold.ttf"), "DejaVu Sans", 700,
                    com.openhtmltopdf.outputdevice.helper.BaseRendererBuilder.FontStyle.NORMAL, true);
            builder.useFont(() -> font("DejaVuSansMono.ttf"), "DejaVu Sans Mono");
            builder.withHtmlContent(xhtml, null);
            builder.toStream(out);
            builder.run();
            return reproducible(out.toByteArray(), xhtml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The renderer stamps the time and a random id into the PDF; fixed ones (epoch, and an id derived from the page)
     * make the same page give the same bytes, so the manifest's digest of the PDF is reproducible.
     */
    private static byte[] reproducible(byte[] pdf, String xhtml) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            java.util.Calendar epoch = java.util.Calendar.getInstance(java.util.TimeZone.getTimeZone("UTC"));
            epoch.setTimeInMillis(0);
            document.getDocumentInformation().setCreationDate(epoch);
            document.getDocumentInformation().setModificationDate(epoch);
            document.getDocumentInformation().setProducer("countersign-verify");
            byte[] id = java.util.Arrays.copyOf(sha256(xhtml), 16);
            org.apache.pdfbox.cos.COSArray ids = new org.apache.pdfbox.cos.COSArray();
            ids.add(new org.apache.pdfbox.cos.COSString(id));
            ids.add(new org.apache.pdfbox.cos.COSString(id));
            document.getDocument().getTrailer().setItem(org.apache.pdfbox.cos.COSName.ID, ids);
            document.save(out);
            return out.toByteArray();
        }
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The text of a PDF, page after page, as PDFBox reads it. */
    static String text(byte[] pdf) throws IOException {
        try (PDDocument document = Loader.loadPDF(pdf)) {
            return new PDFTextStripper().getText(document);
        }
    }

    /** Writes each page as a PNG ({@code page-1.png}, ...) at {@code dpi}; returns the files. */
    static List<Path> pages(byte[] pdf, Path directory, int dpi) throws IOException {
        Files.createDirectories(directory);
        List<Path> written = new ArrayList<>();
        try (PDDocument document = Loader.loadPDF(pdf)) {
            PDFRenderer renderer = new PDFRenderer(document);
            for (int page = 0; page < document.getNumberOfPages(); page++) {
                BufferedImage image = renderer.renderImageWithDPI(page, dpi, ImageType.RGB);
                Path file = directory.resolve("page-" + (page + 1) + ".png");
                ImageIO.write(image, "png", file.toFile());
                written.add(file);
            }
        }
        return written;
    }

    private static InputStream font(String name) {
        InputStream in = ReportPdf.class.getResourceAsStream(FONTS + name);
        if (in == null) {
            throw new IllegalStateException("the font " + name + " is missing from the jar");
        }
        return in;
    }
}
