package io.github.r2dbcrouting.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Route the requests handled by the annotated handler method, or by every handler method of the annotated
 * controller, to the primary, whatever their HTTP method: for example a GET that must see a write made just
 * before, or that writes itself (a counter, a session touch).
 * <p>
 * Read by the {@link RoutingWebFilter}, which resolves the handler before it chooses the route. An annotation on
 * the method wins over one on the class; a method must not carry both {@code @UsePrimary} and
 * {@code @UseReplica}. Explicit operators in the handler's code, such as
 * {@link io.github.r2dbcrouting.Routing#withReplica()}, still win. For functional endpoints use
 * {@link RoutingFilterFunctions#usePrimary()}.
 * <pre class="code">
 * &#64;GetMapping("/orders/{id}")
 * &#64;UsePrimary
 * Mono&lt;Order&gt; order(&#64;PathVariable long id) {
 *     return orders.findById(id);
 * }
 * </pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface UsePrimary {
}
