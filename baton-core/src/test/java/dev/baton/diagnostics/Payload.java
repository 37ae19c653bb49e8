package dev.baton.diagnostics;

/** A class for a test to load slowly through a loader of its own (class loading as warm-up). */
public class Payload {
}
