/**
 * Helpers shared by the packages of r2dbc-routing. Not API: anything here may change in any release.
 */
@NullMarked
package io.github.r2dbcrouting.internal;

import org.jspecify.annotations.NullMarked;
