package io.countersign.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EcmaNumberTest {

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "-0.0, 0",
            "1, 1",
            "-42, -42",
            "4.50, 4.5",
            "0.002, 0.002",
            "0.000001, 0.000001",
            "0.0000001, 1e-7",
            "1e21, 1e+21",
            "1e20, 100000000000000000000",
            "123456789012345680000, 123456789012345680000",
            "1152921504606846976, 1152921504606847000",
            "9007199254740993, 9007199254740992",
            "333333333.33333329, 333333333.3333333",
            "1E30, 1e+30",
            "0.1, 0.1",
            "0.30000000000000004, 0.30000000000000004",
            "5e-324, 5e-324",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "2e23, 2e+23",
            "-1.5e-9, -1.5e-9",
            "123.456, 123.456"})
    void formatsAsEcmaScriptDoes(String json, String expected) {
        assertEquals(expected, EcmaNumber.format(Double.parseDouble(json)));
    }
}
