package io.countersign.channel.email.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** An {@code application/x-www-form-urlencoded} body; a field given twice makes the whole form invalid. */
final class FormBody {

    static final class InvalidForm extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidForm(String message) {
            super(message);
        }
    }

    private FormBody() {
    }

    static Map<String, String> parse(byte[] body) throws InvalidForm {
        Map<String, String> fields = new HashMap<>();
        String text = new String(body, StandardCharsets.US_ASCII);
        if (text.isEmpty()) {
            return fields;
        }
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name;
            String value;
            try {
                name = URLDecoder.decode(equals < 0 ? pair : pair.substring(0, equals), StandardCharsets.UTF_8);
                value = equals < 0 ? "" : URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new InvalidForm("the form is not valid URL encoding");
            }
            if (fields.put(name, value) != null) {
                throw new InvalidForm("the form field " + name + " is given twice");
            }
        }
        return fields;
    }

    static boolean isForm(String contentType) {
        return io.countersign.http.Exchanges.isUtf8(contentType, "application/x-www-form-urlencoded");
    }
}
