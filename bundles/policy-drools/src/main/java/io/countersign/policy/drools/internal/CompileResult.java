package io.countersign.policy.drools.internal;

import java.util.List;

/** What compiling a rules directory produced: a policy, or the errors that prevented one. */
sealed interface CompileResult {

    String version();

    record Compiled(CompiledPolicy policy) implements CompileResult {
        @Override
        public String version() {
            return policy.version();
        }
    }

    /** @param errors one line each, {@code file.drl:line: message} where Drools knows file and line */
    record Failed(String version, List<String> errors) implements CompileResult {
        public Failed {
            errors = List.copyOf(errors);
        }
    }
}
