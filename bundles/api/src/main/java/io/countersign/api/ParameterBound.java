package io.countersign.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * A bound a standing approval puts on one parameter of the actions it covers, such as {@code rows < 1000}. A
 * parameter that is missing, or whose type does not suit the operator, is outside the bound.
 */
public record ParameterBound(String parameter, Operator operator, JsonNode value) {

    /** How a parameter is compared with the bound's value. */
    public enum Operator {
        LESS_THAN("<"), AT_MOST("<="), GREATER_THAN(">"), AT_LEAST(">="), EQUALS("=="), NOT_EQUALS("!="), ONE_OF("in");

        private final String symbol;

        Operator(String symbol) {
            this.symbol = symbol;
        }

        public String symbol() {
            return symbol;
        }

        /** {@code <}, {@code <=}, {@code >}, {@code >=}, {@code ==}, {@code !=} or {@code in}; anything else is null. */
        public static Operator fromSymbol(String symbol) {
            for (Operator operator : values()) {
                if (operator.symbol.equals(symbol)) {
                    return operator;
                }
            }
            return null;
        }

        boolean isOrdering() {
            return this == LESS_THAN || this == AT_MOST || this == GREATER_THAN || this == AT_LEAST;
        }
    }

    public ParameterBound {
        Objects.requireNonNull(parameter, "parameter");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
        if (parameter.isBlank()) {
            throw new IllegalArgumentException("a bound names a parameter");
        }
        if (operator.isOrdering() && !value.isNumber()) {
            throw new IllegalArgumentException("the bound '" + parameter + " " + operator.symbol
                    + "' needs a number, got " + value);
        }
        if (operator == Operator.ONE_OF && (!value.isArray() || value.isEmpty())) {
            throw new IllegalArgumentException("the bound '" + parameter + " in' needs a non-empty list");
        }
        if ((operator == Operator.EQUALS || operator == Operator.NOT_EQUALS) && !value.isValueNode()) {
            throw new IllegalArgumentException("the bound '" + parameter + " " + operator.symbol
                    + "' needs a string, number or boolean");
        }
        value = value.deepCopy();
    }

    /** Whether {@code parameters} (a request's JSON parameters) lie within this bound. */
    public boolean admits(JsonNode parameters) {
        JsonNode actual = parameters.get(parameter);
        if (actual == null || actual.isNull()) {
            return false;
        }
        return switch (operator) {
            case LESS_THAN -> actual.isNumber() && actual.decimalValue().compareTo(value.decimalValue()) < 0;
            case AT_MOST -> actual.isNumber() && actual.decimalValue().compareTo(value.decimalValue()) <= 0;
            case GREATER_THAN -> actual.isNumber() && actual.decimalValue().compareTo(value.decimalValue()) > 0;
            case AT_LEAST -> actual.isNumber() && actual.decimalValue().compareTo(value.decimalValue()) >= 0;
            case EQUALS -> same(actual, value);
            case NOT_EQUALS -> actual.isValueNode() && !same(actual, value);
            case ONE_OF -> {
                for (JsonNode allowed : value) {
                    if (same(actual, allowed)) {
                        yield true;
                    }
                }
                yield false;
            }
        };
    }

    private static boolean same(JsonNode actual, JsonNode expected) {
        if (actual.isNumber() && expected.isNumber()) {
            return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
        }
        return actual.equals(expected);
    }

    @Override
    public String toString() {
        return parameter + " " + operator.symbol + " " + value;
    }

    @Override
    public JsonNode value() {
        return value.deepCopy();
    }

}
