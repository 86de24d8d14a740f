package io.countersign.verify;

import java.time.Instant;

/**
 * The journal most tests start from: 27 entries, four checkpoints, chains of every shape.
 *
 * <pre>
 * seq  0–4   req-0 allowed                         checkpoint 5
 * seq  5–17  req-a reviewed, interleaved with      checkpoint 18
 *            req-b allowed (req-a at 5,7,9,11,13,15,16,17)
 * seq 18–21  req-c denied                          checkpoint 22
 * seq 22–26  req-d allowed                         checkpoint 27
 * </pre>
 */
final class StandardLog {
    static final String REVIEWED = "req-a";
    static final String ALLOWED = "req-b";
    static final long RANGE_FIRST = 7;
    static final long RANGE_LAST = 21;

    private StandardLog() {
    }

    static EvidenceFixture build() {
        return build(new EvidenceFixture());
    }

    /** Builds the standard log into a fixture whose scenarios a test may already have changed. */
    static EvidenceFixture build(EvidenceFixture fixture) {
        return build(fixture, fixture.reviewedRequest(REVIEWED), fixture.allowedRequest(ALLOWED));
    }

    static EvidenceFixture build(EvidenceFixture fixture, RequestScenario reviewed, RequestScenario allowed) {
        fixture.append(fixture.allowedRequest("req-0"));
        fixture.checkpoint();
        fixture.append(reviewed, allowed);
        fixture.checkpoint();
        fixture.append(fixture.deniedRequest("req-c"));
        fixture.checkpoint();
        fixture.append(fixture.allowedRequest("req-d"));
        fixture.checkpoint();
        return fixture;
    }

    /** The range from seq 8's time to seq 20's: exported as seqs 7 to 21, with their boundary entries. */
    static BundleParts range(EvidenceFixture fixture) {
        return fixture.rangeBundle(from(fixture), to(fixture));
    }

    static Instant from(EvidenceFixture fixture) {
        return fixture.log.entry(RANGE_FIRST + 1).time();
    }

    static Instant to(EvidenceFixture fixture) {
        return fixture.log.entry(RANGE_LAST - 1).time();
    }
}
