package io.github.r2dbcrouting.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Route the requests handled by the annotated handler method, or by every handler method of the annotated
 * controller, to a replica, whatever their HTTP method: for example a POST that only searches, or a report
 * behind a POST form. It also applies when {@code spring.r2dbc.routing.web.enabled=false}.
 * <p>
 * Read by the {@link RoutingWebFilter}, which resolves the handler before it chooses the route. An annotation on
 * the method wins over one on the class; a method must not carry both {@code @UsePrimary} and
 * {@code @UseReplica}. Explicit operators in the handler's code, such as
 * {@link io.github.r2dbcrouting.Routing#withPrimary()}, still win. For functional endpoints use
 * {@link RoutingFilterFunctions#useReplica()}.
 * <pre class="code">
 * &#64;PostMapping("/orders/search")
 * &#64;UseReplica
 * Flux&lt;Order&gt; search(&#64;RequestBody OrderQuery query) {
 *     return orders.findByCustomer(query.customer());
 * }
 * </pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface UseReplica {
}
