package io.countersign.api.json;

/** Input that is not acceptable JSON for Countersign, with a message fit to show the caller. */
public final class JsonInputException extends Exception {

    private static final long serialVersionUID = 1L;

    public JsonInputException(String message) {
        super(message);
    }
}
