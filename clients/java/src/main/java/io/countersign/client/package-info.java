/**
 * The Java client of Countersign's HTTP API, for agents and enforcement points: ask before acting, wait for the
 * decision, consume the grant just before running the action, report what happened.
 * <p>
 * It needs only the JDK's {@code java.net.http.HttpClient} and Jackson databind.
 *
 * <pre>{@code
 * CountersignClient countersign = CountersignClient.builder(URI.create("http://127.0.0.1:8181"), agentKey).build();
 * Action deploy = Action.of("deploy.apply", "prod/payments", "production", Map.of("replicas", 3), "alice");
 *
 * // the same action, justification and occurrence give the same idempotency key: asking again after a crash
 * // returns the request the first attempt made
 * Submission submission = countersign.submit(deploy, "release 2026.12.1", "pipeline-" + runId);
 * String id = submission.request().id();
 *
 * // long-polls until decided; survives restarts of the server and of connections until the deadline
 * Outcome outcome = countersign.await(id, Instant.now().plus(Duration.ofHours(1)),
 *         request -> log.info("{} waiting: {} votes", id, request.votes().size()));
 * if (outcome instanceof Outcome.Granted granted) {
 *     if (granted.grant().isConsumed()) {
 *         throw new IllegalStateException("already run on this grant");   // one approval, one run
 *     }
 *     countersign.consume(granted.grant(), deploy);            // exactly the action about to run, just before it
 *     int exit = runTheDeployment();
 *     countersign.reportExecution(id, exit == 0
 *             ? ExecutionReport.success(outputDigest, "exit 0")
 *             : ExecutionReport.failure(outputDigest, "exit " + exit));
 * } else if (outcome instanceof Outcome.Denied denied) {
 *     System.err.println("denied: " + denied.request().decision().reasons());
 * } else if (outcome instanceof Outcome.Expired expired) {
 *     System.err.println("nobody decided before " + expired.request().deadline());
 * } else {
 *     System.err.println("still pending; await it again later: " + id);
 * }
 * }</pre>
 * <p>
 * <b>Failures</b> are {@link io.countersign.client.CountersignException}s carrying the server's problem
 * {@code reason}, HTTP status and {@code detail}, one subclass per reason a caller acts on
 * ({@link io.countersign.client.GrantAlreadyConsumedException}, {@link io.countersign.client.ActionMismatchException},
 * {@link io.countersign.client.GrantExpiredException}, ...).
 * <p>
 * <b>Idempotency.</b> {@link io.countersign.client.IdempotencyKeys} says what the key is derived from and what the
 * {@code occurrence} is for.
 * <p>
 * <b>Retries.</b> A 503 (the journal cannot write, the node is starting) is retried after its {@code Retry-After},
 * a 404 {@code not-found} while the node's readiness is not 200 (its routes are not registered yet) after a backoff,
 * a refused connection after an exponential backoff with jitter (250 ms doubling to 10 s), for up to
 * {@link io.countersign.client.CountersignClient.Builder#retryFor} (2 minutes), or until the deadline of an
 * {@code await}. Reads and submissions (idempotent: the key) are also retried after a connection that fails
 * mid-request. Consuming a grant and reporting an execution are never sent twice: after a failure that leaves open
 * whether they arrived the client throws {@link io.countersign.client.OutcomeUnknownException}, and the request
 * ({@link io.countersign.client.CountersignClient#get}, {@code grant().consumedAt()}) tells what happened.
 */
package io.countersign.client;
