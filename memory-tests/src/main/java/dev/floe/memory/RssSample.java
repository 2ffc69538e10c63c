package dev.floe.memory;

/** One sample of a child's resident set: {@code millis} after it was started. */
public record RssSample(long millis, long rssBytes) {}
