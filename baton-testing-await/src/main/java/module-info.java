/** Awaiting a condition in tests without sleeping: {@code Await.until(...)}. */
module dev.baton.testing.await {
    exports dev.baton.testing.await;
}
