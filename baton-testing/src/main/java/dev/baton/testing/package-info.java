/**
 * A test kit for Baton applications (artifact {@code dev.baton:baton-testing}, test scope): the
 * application on port 0 for a JUnit 5 test class, a client bound to it, and assertions on what
 * the server counted.
 *
 * <ul>
 *   <li>{@link dev.baton.testing.BatonExtension} (or {@link dev.baton.testing.BatonTest} with a
 *       {@link dev.baton.testing.ServerFactory} method) starts and stops the server and injects
 *       {@code Server}, {@link dev.baton.testing.TestClient}, the base {@code URI} and
 *       {@link dev.baton.testing.SafetyNetReports};</li>
 *   <li>{@link dev.baton.testing.await.Await} (from {@code baton-testing-await}, which comes with
 *       this module) waits for a condition, a value or a stage with a deadline, never a fixed sleep;</li>
 *   <li>{@link dev.baton.testing.SafetyNetReports} and {@link dev.baton.testing.ServerStatsAssert}
 *       assert on {@code server.stats()} and what the safety nets reported.</li>
 * </ul>
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BatonExtension app = BatonExtension.of(HelloApp::server);
 *
 * @Test
 * void saysHello(TestClient client, SafetyNetReports reports) {
 *     assertThat(client.send(client.get("/hello")).text()).isEqualTo("Hello, World!");
 *     reports.assertNone();
 * }
 * }</pre>
 */
package dev.baton.testing;
