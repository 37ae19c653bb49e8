/**
 * An OpenAPI 3.1 document of a Baton server's routes, served by the server itself: plug
 * {@link dev.baton.openapi.OpenApi} in as a feature.
 *
 * <pre>{@code Server.builder().feature(OpenApi.builder().title("Gizmos").version("1.0").build()).controllers(...)}</pre>
 */
package dev.baton.openapi;
