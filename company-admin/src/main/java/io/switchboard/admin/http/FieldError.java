package io.switchboard.admin.http;

/** One problem with one field of a request. */
public record FieldError(String field, String message) {}
